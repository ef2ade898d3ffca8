"""The agenda, minutes and outcome summaries say what they should, read back from the
PDF's text; and each paper printed is audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from mdtdesk.meetings import agenda, attendance, running, schedule
from mdtdesk.printing import meeting_papers
from mdtdesk.store.opened import OpenStore
from tests.meeting_helpers import MEETING_DAY, add_patient, add_staff, audit_details, me, meeting_on


def text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def meeting(store: OpenStore) -> dict[str, str]:
    nurse = add_staff(store, "Ruth Fairweather", "Community matron")
    okafor = add_staff(store, "Dr Samuel Okafor", "GP")
    mid = meeting_on(store, MEETING_DAY, length=30)
    ash = add_patient(
        store, "Ashworth", given_name="Edna", nhs_number="9990004446", address="1 Secret Lane"
    )
    birch = add_patient(store, "Birchall", given_name="Ivor", nhs_number="9990004454")
    cedar = add_patient(store, "Cedarwood", given_name="Mabel", nhs_number="9990004462")
    items = agenda.add(
        store, mid, [(ash, "New referral (20 Nov 2026)"), (birch, "2 actions overdue")]
    )
    agenda.update_item(store, items[0], minutes=15, presenter_id=nurse, gp_id=okafor)
    agenda.update_item(store, items[1], minutes=20, presenter_id=me(store), gp_id=okafor)
    schedule.circulate(store, mid)
    [late] = agenda.add(store, mid, [(cedar, "Carer called")])
    return {"mid": mid, "ash": items[0], "birch": items[1], "cedar": late, "nurse": nurse}


def test_the_agenda_shows_only_what_attendees_need(
    store: OpenStore, meeting: dict[str, str], tmp_path: Path
) -> None:
    out = meeting_papers.save_paper(store, meeting["mid"], "agenda", tmp_path / "agenda.pdf")
    words = text(out)
    for expected in [
        "CONFIDENTIAL",
        "Agenda: multidisciplinary team meeting",
        "Tuesday 24 November 2026",
        "Room 2",
        "ASHWORTH, Edna",
        "999 000 4446",
        "New referral (20 Nov 2026)",
        "Ruth Fairweather",
        "(late addition)",
        "3 cases, 45 of 30 minutes planned",
        "15 minutes over",
        "Dr Samuel Okafor 12:30",
        "Page 1 of 1",
    ]:
        assert expected in words, expected
    for private in ["1 Secret Lane", "1938", "Date of birth"]:
        assert private not in words
    assert PdfReader(out).metadata.title == "MDT agenda 24 Nov 2026"


def test_minutes_carry_attendance_quoracy_outcomes_and_actions(
    store: OpenStore, meeting: dict[str, str], tmp_path: Path
) -> None:
    mid = meeting["mid"]
    running.begin(store, mid)
    for a in attendance.attendees(store, mid):
        attendance.mark(store, a.id, a.name != "Dr Samuel Okafor")
    running.record(store, meeting["ash"], outcome="change_plan", notes="Lives alone; falls x2.")
    running.add_action(
        store, meeting["ash"], description="Refer to falls service",
        owner_id=meeting["nurse"], due_date=MEETING_DAY.replace(day=30),
    )  # fmt: skip
    running.record(store, meeting["birch"], outcome="continue")
    running.finish(store, mid)
    words = text(meeting_papers.save_paper(store, mid, "minutes", tmp_path / "minutes.pdf"))
    for expected in [
        "Minutes: multidisciplinary team meeting",
        "Alex Carter",
        "Not present: Dr Samuel Okafor",
        "Not quorate: no one from Social care.",
        "ASHWORTH, Edna — NHS 999 000 4446",
        "Outcome: Change plan",
        "Lives alone; falls x2.",
        "Refer to falls service",
        "30 Nov 2026",
        "Outcome: Continue",
        "Not discussed (carried forward)",
        "CEDARWOOD, Mabel (999 000 4462)",
    ]:
        assert expected in words, expected
    assert "Draft" not in words


def test_an_outcome_summary_for_each_person_discussed(
    store: OpenStore, meeting: dict[str, str], tmp_path: Path
) -> None:
    mid = meeting["mid"]
    running.begin(store, mid)
    running.record(store, meeting["ash"], outcome="refer", notes="Needs OT.")
    running.add_action(
        store, meeting["ash"], description="OT home assessment", owner_id=meeting["nurse"],
        due_date=MEETING_DAY,
    )  # fmt: skip
    running.record(store, meeting["birch"], outcome="step_down")
    folder = tmp_path / "summaries"
    folder.mkdir()
    written = meeting_papers.print_outcome_summaries(store, mid, folder)
    assert [p.name for p in written] == [
        "2026-11-24 MDT outcome - ASHWORTH Edna - 9990004446.pdf",
        "2026-11-24 MDT outcome - BIRCHALL Ivor - 9990004454.pdf",
    ]
    words = text(written[0])
    for expected in [
        "MDT outcome summary",
        "For filing in the GP record.",
        "ASHWORTH, Edna",
        "999 000 4446",
        "6 May 1938",
        "Tuesday 24 November 2026",
        "New referral (20 Nov 2026)",
        "Needs OT.",
        "Refer",
        "OT home assessment",
        "Ruth Fairweather",
    ]:
        assert expected in words, expected
    assert "BIRCHALL" not in words
    assert "No actions agreed." in text(written[1])
    printed = [d["paper"] for d in audit_details(store, "print")]
    assert printed == ["outcome summaries"]


def test_a_long_agenda_runs_to_more_pages_with_the_header_repeated(
    store: OpenStore, tmp_path: Path
) -> None:
    mid = meeting_on(store, MEETING_DAY, length=480)
    agenda.add(
        store, mid, [(add_patient(store, f"Person{n:02d}"), "Review due") for n in range(40)]
    )
    out = meeting_papers.save_paper(store, mid, "agenda", tmp_path / "long.pdf")
    words, pages = text(out), len(PdfReader(out).pages)
    assert pages > 1
    assert all(f"Page {n} of {pages}" in words for n in range(1, pages + 1))
    assert words.count("Reason for discussion") == pages
    assert "PERSON39, Test" in words


def test_minutes_never_say_an_absent_presenter_presented(
    store: OpenStore, meeting: dict[str, str], tmp_path: Path
) -> None:
    mid = meeting["mid"]
    running.begin(store, mid)
    for a in attendance.attendees(store, mid):
        attendance.mark(store, a.id, a.name != "Ruth Fairweather")
    running.record(store, meeting["ash"], outcome="continue")
    running.record(store, meeting["birch"], outcome="continue")
    running.finish(store, mid)
    words = " ".join(
        text(meeting_papers.save_paper(store, mid, "minutes", tmp_path / "m.pdf")).split()
    )
    assert "Not present: Ruth Fairweather" in words
    assert "Presented by: Ruth Fairweather" not in words
    assert "Ruth Fairweather, planned to present, was not present" in words
    assert "Presented by: Alex Carter" in words
