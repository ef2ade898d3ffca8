"""Meeting mode's services: attendance and quoracy, outcomes and actions, finishing
with carry-forward, and nothing lost when the app dies mid-meeting."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from mdtdesk.clock import FixedClock
from mdtdesk.meetings import agenda, attendance, running, schedule
from mdtdesk.meetings.schedule import MeetingError
from mdtdesk.meetings.summary import case_summary, goals_of
from mdtdesk.store import lifecycle
from mdtdesk.store.models import Action, CarePlan, Condition, HospitalEvent
from mdtdesk.store.opened import OpenStore
from tests.helpers import PASSPHRASE, USER
from tests.meeting_helpers import (
    LAST_DAY,
    MEETING_DAY,
    add_patient,
    add_row,
    add_staff,
    me,
    meeting_on,
)


def present(store: OpenStore, meeting_id: str, *names: str) -> None:
    for a in attendance.attendees(store, meeting_id):
        if a.name in names:
            attendance.mark(store, a.id, True)


def test_quoracy_follows_the_disciplines_present(store: OpenStore) -> None:
    add_staff(store, "Ruth Fairweather", "Community matron")
    add_staff(store, "Leanne Spurgeon", "Social worker", "social_care")
    add_staff(store, "Mark Utting", "Community psychiatric nurse")
    mid = meeting_on(store, MEETING_DAY)
    running.begin(store, mid)
    listed = {a.name: (a.discipline, a.present) for a in attendance.attendees(store, mid)}
    assert listed == {
        "Alex Carter": ("GP", False),
        "Ruth Fairweather": ("Nursing", False),
        "Leanne Spurgeon": ("Social care", False),
        "Mark Utting": ("Mental health", False),
    }
    present(store, mid, "Alex Carter", "Mark Utting")
    with store.session() as s:
        check = attendance.quoracy(s, mid)
    assert (check.quorate, check.missing) == (False, ("Nursing", "Social care"))
    assert check.describe() == "Not quorate: no one from Nursing, Social care."
    present(store, mid, "Ruth Fairweather")
    attendance.add_visitor(store, mid, "Sam Hale (hospital social worker)", "Social care")
    with store.session() as s:
        check = attendance.quoracy(s, mid)
    assert check.quorate and check.describe() == "Quorate: GP, Nursing, Social care present."
    attendance.set_quorum(store, ("GP", "Pharmacy"))
    with store.session() as s:
        assert attendance.quoracy(s, mid).missing == ("Pharmacy",)
    with pytest.raises(MeetingError, match="Dentistry is not a discipline"):
        attendance.set_quorum(store, ("Dentistry",))
    with pytest.raises(MeetingError, match="Name"):
        attendance.add_visitor(store, mid, " ", "GP")
    running.begin(store, mid)  # resuming does not list anyone twice
    assert len(attendance.attendees(store, mid)) == 5


def test_outcomes_and_actions_are_recorded_live(store: OpenStore) -> None:
    nurse = add_staff(store, "Tom Dack", "District nurse")
    mid = meeting_on(store, MEETING_DAY)
    [item] = agenda.add(store, mid, [(add_patient(store, "Ash"), "r")])
    with pytest.raises(MeetingError, match="Start the meeting"):
        running.record(store, item, notes="early")
    running.begin(store, mid)
    running.record(store, item, notes="Daughter worried", seconds_spent=95)
    row = agenda.agenda(store, mid)[0]
    assert (row.outcome, row.notes, row.seconds_spent) == ("pending", "Daughter worried", 95)
    running.record(store, item, outcome="change_plan")
    with pytest.raises(MeetingError, match="Outcome: 'maybe'"):
        running.record(store, item, outcome="maybe")
    action = running.add_action(
        store, item, description="Falls referral", owner_id=nurse, due_date=MEETING_DAY
    )
    for bad, message in [
        (dict(description=" ", owner_id=nurse, due_date=MEETING_DAY), "say what"),
        (dict(description="x", owner_id=None, due_date=MEETING_DAY), "named owner"),
        (dict(description="x", owner_id=nurse, due_date=None), "due date"),
        (dict(description="x", owner_id=nurse, due_date=LAST_DAY), "before the meeting"),
    ]:
        with pytest.raises(MeetingError, match=message):
            running.add_action(store, item, **bad)  # type: ignore[arg-type]
    with store.session() as s:
        saved = s.get(Action, action)
        assert saved is not None
        assert (saved.owner_id, saved.meeting_id, saved.agenda_item_id, saved.status) == (
            nurse, mid, item, "open",
        )  # fmt: skip
    row = agenda.agenda(store, mid)[0]
    assert (row.outcome, row.notes) == ("change_plan", "Daughter worried")


def test_finishing_carries_undiscussed_cases_to_the_next_meeting(store: OpenStore) -> None:
    this = meeting_on(store, LAST_DAY)
    later = meeting_on(store, MEETING_DAY)
    ash, birch, cedar, dogwood = (add_patient(store, f) for f in ("Ash", "Birch", "Cedar", "Dog"))
    items = agenda.add(store, this, [(p, "Review due") for p in (ash, birch, cedar, dogwood)])
    agenda.add(store, later, [(dogwood, "Already booked")])
    schedule.circulate(store, later)
    running.begin(store, this)
    running.record(store, items[0], outcome="continue")
    running.record(store, items[1], notes="Started but ran out of time")
    done = running.finish(store, this)
    assert (done.carried, done.next_meeting_id, done.next_day) == (2, later, MEETING_DAY)
    outcomes = [(r.name.split(",")[0], r.outcome) for r in agenda.agenda(store, this)]
    assert outcomes == [
        ("ASH", "continue"), ("BIRCH", "not_discussed"), ("CEDAR", "not_discussed"),
        ("DOG", "not_discussed"),
    ]  # fmt: skip
    carried = agenda.agenda(store, later)
    assert [(r.name.split(",")[0], r.late) for r in carried] == [
        ("DOG", False), ("BIRCH", True), ("CEDAR", True),
    ]  # fmt: skip
    assert carried[1].reason == "Carried forward: not discussed on 17 Nov 2026. Was: Review due"


def test_a_series_makes_next_weeks_meeting_for_carried_cases(store: OpenStore) -> None:
    from datetime import UTC, datetime, time

    [mid] = schedule.schedule(
        store, starts_at=datetime.combine(MEETING_DAY, time(12, 30), tzinfo=UTC),
        length_minutes=60, place="Room", chair_id=me(store), weeks=1,
    )  # fmt: skip
    series = schedule.schedule(
        store, starts_at=datetime.combine(LAST_DAY, time(12, 30), tzinfo=UTC) - timedelta(weeks=2),
        length_minutes=75, place="Room 9", chair_id=me(store), weeks=2,
    )  # fmt: skip
    # The series' last meeting is on 10 Nov; 24 Nov's meeting is planned but not next week's.
    agenda.add(store, series[1], [(add_patient(store, "Ash"), "r")])
    running.begin(store, series[1])
    done = running.finish(store, series[1])
    assert done.next_meeting_id == mid  # the next planned meeting, whatever its series
    schedule_rows = schedule.list_meetings(store)
    assert len(schedule_rows) == 3
    lone = meeting_on(store, MEETING_DAY + timedelta(weeks=2))
    agenda.add(store, lone, [(add_patient(store, "Birch"), "r")])
    running.begin(store, lone)
    assert running.finish(store, lone).next_meeting_id is None  # no series, nothing planned
    third = schedule.schedule(
        store, starts_at=datetime.combine(MEETING_DAY, time(9), tzinfo=UTC) + timedelta(weeks=5),
        length_minutes=75, place="Room 9", chair_id=me(store), weeks=2,
    )  # fmt: skip
    agenda.add(store, third[1], [(add_patient(store, "Cedar"), "r")])
    running.begin(store, third[1])
    done = running.finish(store, third[1])
    made = schedule.meeting_row(store, done.next_meeting_id or "")
    assert made.series_id == third[0]
    assert made.day == MEETING_DAY + timedelta(weeks=7)
    assert (made.length_minutes, made.place, made.cases) == (75, "Room 9", 1)


def test_case_summary_has_the_story_on_one_screen(store: OpenStore) -> None:
    pid = add_patient(store, "Ash", efi_score=0.41, lives_alone=True)
    add_row(store, Condition, patient_id=pid, name="COPD")
    add_row(store, Condition, patient_id=pid, name="Atrial fibrillation")
    add_row(
        store, HospitalEvent, patient_id=pid, kind="admission", started_on=date(2026, 11, 2),
        planned=False, reason="Chest infection",
    )  # fmt: skip
    add_row(
        store, HospitalEvent, patient_id=pid, kind="admission", started_on=date(2024, 1, 2),
        planned=False, reason="Too old to show",
    )  # fmt: skip
    add_row(
        store, CarePlan, patient_id=pid, version=1, status="agreed",
        content='{"goals": ["Walk to the shop", {"text": "Stay at home", "progress": "achieved"}]}',
    )  # fmt: skip
    last = meeting_on(store, LAST_DAY)
    [old] = agenda.add(store, last, [(pid, "r")])
    running.begin(store, last)
    running.record(store, old, outcome="refer", notes="Physio")
    running.add_action(
        store, old, description="Physio referral", owner_id=me(store), due_date=MEETING_DAY
    )
    running.finish(store, last)
    mid = meeting_on(store, MEETING_DAY)
    summary = case_summary(store, pid, mid)
    assert summary.problems == ["Atrial fibrillation", "COPD"]
    assert summary.risk == ["eFI 0.41 (severe)", "Lives alone"]
    assert summary.hospital == ["2 Nov 2026 admission: Chest infection"]
    assert [(a.description, a.owner) for a in summary.actions] == [
        ("Physio referral", "Alex Carter")
    ]
    assert summary.last_outcome == "17 Nov 2026: Refer — Physio"
    # An early plan's bare goal strings still read, as not started.
    assert summary.goals == ["Walk to the shop (not started)", "Stay at home (achieved)"]
    assert goals_of('{"what_matters": "My garden"}') == ["What matters: My garden"]
    assert goals_of("not json") == []


def test_nothing_typed_is_lost_when_the_app_dies_mid_meeting(
    store: OpenStore, tmp_path: Path, clock: FixedClock
) -> None:
    mid = meeting_on(store, MEETING_DAY)
    items = agenda.add(store, mid, [(add_patient(store, f), "r") for f in ("Ash", "Birch")])
    running.begin(store, mid)
    present(store, mid, "Alex Carter")
    running.record(store, items[0], outcome="continue", notes="Settled", seconds_spent=300)
    running.record(store, items[1], notes="Half a senten", seconds_spent=41)
    action = running.add_action(
        store, items[1], description="Ring son", owner_id=me(store), due_date=MEETING_DAY
    )
    # The process dies here: its files are copied as they are, without closing the store.
    crashed = tmp_path / "after-crash"
    shutil.copytree(store.paths.folder, crashed)
    with lifecycle.open_store(crashed, user=USER, passphrase=PASSPHRASE, clock=clock) as again:
        assert schedule.meeting_row(again, mid).state == "in_progress"
        rows = agenda.agenda(again, mid)
        assert [(r.outcome, r.notes, r.seconds_spent) for r in rows] == [
            ("continue", "Settled", 300), ("pending", "Half a senten", 41),
        ]  # fmt: skip
        assert [a.name for a in attendance.attendees(again, mid) if a.present] == ["Alex Carter"]
        with again.session() as s:
            assert s.execute(select(Action.description).where(Action.id == action)).scalar() == (
                "Ring son"
            )
