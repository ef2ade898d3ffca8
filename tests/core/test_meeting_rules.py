"""Each agenda proposal rule, with dates either side of its boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mdtdesk.meetings import agenda, rules
from mdtdesk.store.models import (
    Action,
    AgendaItem,
    CarePlan,
    DiscussionRequest,
    HospitalEvent,
    Outcome,
    RiskScore,
)
from mdtdesk.store.opened import OpenStore
from tests.meeting_helpers import (
    LAST_DAY,
    MEETING_DAY,
    add_patient,
    add_row,
    me,
    meeting_on,
    set_state,
)


def proposed(store: OpenStore, meeting_id: str) -> dict[str, list[str]]:
    """Family name -> the rules that proposed them."""
    return {
        p.name.split(",")[0].title(): [rule for rule, _ in p.reasons]
        for p in rules.propose(store, meeting_id)
    }


def discussed(store: OpenStore, meeting_id: str, patient_id: str, outcome: str) -> None:
    item = add_row(
        store, AgendaItem, meeting_id=meeting_id, patient_id=patient_id, position=0, reason="x"
    )
    add_row(store, Outcome, agenda_item_id=item, patient_id=patient_id, outcome=outcome)


@pytest.fixture
def meetings(store: OpenStore) -> tuple[str, str]:
    last = meeting_on(store, LAST_DAY, "finished")
    return last, meeting_on(store, MEETING_DAY)


def test_new_referral_since_the_last_meeting(store: OpenStore, meetings: tuple[str, str]) -> None:
    last, this = meetings
    for family, day in [
        ("Before", LAST_DAY - timedelta(days=1)),
        ("Sameday", LAST_DAY),
        ("After", LAST_DAY + timedelta(days=1)),
        ("Onthe", MEETING_DAY),
        ("Later", MEETING_DAY + timedelta(days=1)),
    ]:
        add_patient(store, family, referral_date=day, caseload_status="referred")
    seen = add_patient(store, "Seen", referral_date=LAST_DAY)
    discussed(store, last, seen, "continue")
    add_patient(store, "Discharged", referral_date=MEETING_DAY, caseload_status="discharged")
    found = proposed(store, this)
    assert {k for k, v in found.items() if "new_referral" in v} == {"Sameday", "After", "Onthe"}
    reason = next(p.reason for p in rules.propose(store, this) if p.name.startswith("AFTER"))
    assert reason == "New referral (18 Nov 2026)"


def test_with_no_meeting_before_the_window_is_the_last_seven_days(store: OpenStore) -> None:
    this = meeting_on(store, MEETING_DAY)
    add_patient(store, "Eight", referral_date=MEETING_DAY - timedelta(days=7))
    add_patient(store, "Seven", referral_date=MEETING_DAY - timedelta(days=6))
    assert set(proposed(store, this)) == {"Seven"}


def test_review_due_by_the_meeting_date(store: OpenStore, meetings: tuple[str, str]) -> None:
    _, this = meetings
    add_patient(store, "Due", next_review_date=MEETING_DAY)
    add_patient(store, "Overdue", next_review_date=date(2026, 9, 1))
    add_patient(store, "Notyet", next_review_date=MEETING_DAY + timedelta(days=1))
    plan = add_patient(store, "Plandue")
    add_row(store, CarePlan, patient_id=plan, version=1, status="agreed", review_date=MEETING_DAY)
    draft = add_patient(store, "Draftplan")
    add_row(store, CarePlan, patient_id=draft, version=1, status="draft", review_date=LAST_DAY)
    newer = add_patient(store, "Newerplan")
    add_row(store, CarePlan, patient_id=newer, version=1, status="agreed", review_date=LAST_DAY)
    add_row(
        store, CarePlan, patient_id=newer, version=2, status="agreed", review_date=date(2027, 3, 1)
    )
    found = proposed(store, this)
    assert {k for k, v in found.items() if "review_due" in v} == {"Due", "Overdue", "Plandue"}


def test_unplanned_admission_or_ae_since_the_last_meeting(
    store: OpenStore, meetings: tuple[str, str]
) -> None:
    _, this = meetings
    cases = [
        ("Admitted", "admission", LAST_DAY + timedelta(days=1), False),
        ("Ae", "ae_attendance", MEETING_DAY, False),
        ("Planned", "admission", LAST_DAY + timedelta(days=1), True),
        ("Old", "admission", LAST_DAY - timedelta(days=1), False),
        ("Future", "ae_attendance", MEETING_DAY + timedelta(days=1), False),
    ]
    for family, kind, day, planned in cases:
        pid = add_patient(store, family)
        add_row(store, HospitalEvent, patient_id=pid, kind=kind, started_on=day, planned=planned)
    found = proposed(store, this)
    assert {k for k, v in found.items() if "hospital" in v} == {"Admitted", "Ae"}
    reasons = {p.name: p.reason for p in rules.propose(store, this)}
    assert reasons["AE, Test"] == "A&E attendance 24 Nov 2026"


def test_risk_band_raised_or_efi_severe(store: OpenStore, meetings: tuple[str, str]) -> None:
    _, this = meetings

    def scores(family: str, kind: str, *values: tuple[date, float], efi: float = 0.2) -> str:
        pid = add_patient(store, family, efi_score=efi)
        for day, value in values:
            add_row(
                store, RiskScore, patient_id=pid, kind=kind, value=value, source="t",
                recorded_on=day,
            )  # fmt: skip
        return pid

    early, since = date(2026, 10, 1), LAST_DAY + timedelta(days=2)
    scores("Raised", "efi", (early, 0.30), (since, 0.40), efi=0.30)
    scores("Same", "efi", (early, 0.14), (since, 0.20))
    scores("Fell", "admission_risk", (early, 45.0), (since, 10.0))
    scores("Admrisk", "admission_risk", (early, 15.0), (since, 25.0))
    scores("Oldrise", "efi", (early, 0.10), (LAST_DAY - timedelta(days=1), 0.30))
    add_patient(store, "Severe", efi_score=0.37)
    add_patient(store, "Borderline", efi_score=0.36)
    recent = add_patient(store, "Recentlyseen", efi_score=0.5)
    five_weeks = meeting_on(store, MEETING_DAY - timedelta(weeks=5), "finished")
    discussed(store, five_weeks, recent, "continue")
    long_ago = add_patient(store, "Longago", efi_score=0.5)
    thirteen = meeting_on(store, MEETING_DAY - timedelta(weeks=13), "finished")
    discussed(store, thirteen, long_ago, "continue")
    skipped = add_patient(store, "Skipped", efi_score=0.5)
    discussed(store, five_weeks, skipped, "not_discussed")
    found = proposed(store, this)
    assert {k for k, v in found.items() if "risk" in v} == {
        "Raised", "Admrisk", "Severe", "Longago", "Skipped",
    }  # fmt: skip
    reasons = {p.name.split(",")[0]: p.reason for p in rules.propose(store, this)}
    assert reasons["RAISED"] == "eFI raised from moderate to severe"
    assert reasons["ADMRISK"] == "Admission risk raised from low to medium"
    assert reasons["SEVERE"] == "eFI severe (0.37), not discussed in 12 weeks"
    rules.save_settings(store, rules.RuleSettings(severe_weeks=4))
    assert "Recentlyseen" in proposed(store, this)


def test_coordinator_asked_for_discussion(store: OpenStore, meetings: tuple[str, str]) -> None:
    last, this = meetings
    for family, day in [("Asked", MEETING_DAY), ("Toolate", MEETING_DAY + timedelta(days=1))]:
        pid = add_patient(store, family)
        add_row(
            store, DiscussionRequest, patient_id=pid, requested_by_id=me(store),
            requested_on=day, reason="Carer unwell",
        )  # fmt: skip
    answered = add_patient(store, "Answered")
    add_row(
        store, DiscussionRequest, patient_id=answered, requested_on=LAST_DAY - timedelta(days=3),
        reason="Falls",
    )  # fmt: skip
    discussed(store, last, answered, "change_plan")
    found = proposed(store, this)
    assert {k for k, v in found.items() if "requested" in v} == {"Asked"}
    reason = next(p.reason for p in rules.propose(store, this) if p.name.startswith("ASKED"))
    assert reason == "Discussion asked for by Alex Carter on 24 Nov 2026: Carer unwell"


def test_actions_overdue_by_the_meeting_date(store: OpenStore, meetings: tuple[str, str]) -> None:
    _, this = meetings
    for family, due, status in [
        ("Overdue", MEETING_DAY - timedelta(days=1), "open"),
        ("Waiting", date(2026, 10, 2), "waiting"),
        ("Duetoday", MEETING_DAY, "open"),
        ("Done", date(2026, 10, 2), "done"),
    ]:
        pid = add_patient(store, family)
        add_row(store, Action, patient_id=pid, description="Ring", due_date=due, status=status)
    found = proposed(store, this)
    assert {k for k, v in found.items() if "overdue_actions" in v} == {"Overdue", "Waiting"}


def test_carried_forward_from_a_finished_last_meeting(
    store: OpenStore, meetings: tuple[str, str]
) -> None:
    last, this = meetings
    skipped, decided, pending = (add_patient(store, f) for f in ("Skipped", "Decided", "Pending"))
    discussed(store, last, skipped, "not_discussed")
    discussed(store, last, decided, "refer")
    discussed(store, last, pending, "pending")
    found = proposed(store, this)
    assert {k for k, v in found.items() if "carried_forward" in v} == {"Skipped", "Pending"}
    set_state(store, last, "in_progress")
    assert not any("carried_forward" in v for v in proposed(store, this).values())


def test_order_follows_the_settings_and_rules_can_be_turned_off(
    store: OpenStore, meetings: tuple[str, str]
) -> None:
    _, this = meetings
    add_patient(store, "Referred", referral_date=MEETING_DAY)
    add_patient(store, "Review", next_review_date=MEETING_DAY)
    both = add_patient(store, "Both", referral_date=MEETING_DAY)
    add_row(store, Action, patient_id=both, description="Ring", due_date=LAST_DAY)
    assert list(proposed(store, this)) == ["Both", "Referred", "Review"]
    order = ("review_due", *[r for r in rules.RULES if r != "review_due"])
    rules.save_settings(store, rules.RuleSettings(order=order))
    assert list(proposed(store, this)) == ["Review", "Both", "Referred"]
    rules.save_settings(store, rules.RuleSettings(off=frozenset({"new_referral"})))
    assert proposed(store, this) == {"Review": ["review_due"], "Both": ["overdue_actions"]}
    assert rules.settings(store).off == frozenset({"new_referral"})


def test_people_already_on_the_agenda_are_not_proposed(
    store: OpenStore, meetings: tuple[str, str]
) -> None:
    _, this = meetings
    pid = add_patient(store, "Onit", referral_date=MEETING_DAY)
    assert "Onit" in proposed(store, this)
    agenda.add(store, this, [(pid, "New referral")])
    assert "Onit" not in proposed(store, this)


def test_settings_must_name_every_rule(store: OpenStore) -> None:
    with pytest.raises(ValueError, match="every rule"):
        rules.save_settings(store, rules.RuleSettings(order=("review_due",)))


def test_asking_for_discussion_needs_a_reason(store: OpenStore) -> None:
    from mdtdesk.meetings.requests import ask_for_discussion
    from mdtdesk.meetings.schedule import MeetingError

    this = meeting_on(store, MEETING_DAY)
    pid = add_patient(store, "Asked")
    with pytest.raises(MeetingError, match="Reason: say why"):
        ask_for_discussion(store, pid, "  ")
    assert proposed(store, this) == {}
    ask_for_discussion(store, pid, "Two falls")
    assert proposed(store, this) == {"Asked": ["requested"]}
