"""The timeline says what happened: a meeting to come is an agenda place, not a
discussion, and a care plan is dated by the day it was agreed (issue 15, defect 8)."""

from __future__ import annotations

from datetime import date

from mdtdesk.careplan import versions
from mdtdesk.meetings import agenda, running
from mdtdesk.patients.record import load_record
from mdtdesk.store.opened import OpenStore
from tests.meeting_helpers import MEETING_DAY, add_patient, meeting_on
from tests.plan_helpers import full_content


def _entries(store: OpenStore, pid: str, kind: str) -> list[tuple[object, str]]:
    return [(e.at, e.text) for e in load_record(store, pid).timeline if e.kind == kind]


def test_a_meeting_still_to_come_is_not_called_discussed(store: OpenStore) -> None:
    pid = add_patient(store, "Ashworth")
    mid = meeting_on(store, MEETING_DAY)
    [item] = agenda.add(store, mid, [(pid, "New referral")])
    [(_, text)] = _entries(store, pid, "meeting")
    assert text == "On the agenda of the MDT meeting: New referral"
    running.begin(store, mid)
    running.record(store, item, outcome="change_plan")
    [(_, text)] = _entries(store, pid, "meeting")
    assert text == "Discussed at the MDT meeting: New referral — outcome: change plan"


def test_an_agreed_care_plan_is_dated_the_day_it_was_agreed(store: OpenStore) -> None:
    pid = add_patient(store, "Birchall")
    draft = versions.start_draft(store, pid)
    versions.save_draft(store, draft.id, full_content(), date(2027, 5, 1))
    versions.agree(store, draft.id, date(2026, 10, 2), "in_person", date(2027, 5, 1))
    [(at, text)] = _entries(store, pid, "care_plan")
    assert text == "Care plan version 1 (agreed), agreed"
    assert at.date() == date(2026, 10, 2)  # type: ignore[attr-defined]
