"""Scheduling, states, the agenda's order and timing, GP slots, and amendments."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from mdtdesk.meetings import agenda, running, schedule
from mdtdesk.meetings.schedule import MeetingError
from mdtdesk.store.models import AgendaItem, Meeting
from mdtdesk.store.opened import OpenStore
from tests.meeting_helpers import MEETING_DAY, add_patient, add_staff, audit_details, me, meeting_on


def names(store: OpenStore, meeting_id: str) -> list[str]:
    return [r.name.split(",")[0] for r in agenda.agenda(store, meeting_id)]


def test_a_weekly_series_is_planned_and_listed_in_date_order(store: OpenStore) -> None:
    first = datetime(2026, 12, 1, 12, 30, tzinfo=UTC)
    ids = schedule.schedule(
        store, starts_at=first, length_minutes=90, place="Hub", chair_id=me(store), weeks=3
    )
    meeting_on(store, MEETING_DAY)
    listed = schedule.list_meetings(store)
    assert [m.day.isoformat() for m in listed] == [
        "2026-11-24", "2026-12-01", "2026-12-08", "2026-12-15",
    ]  # fmt: skip
    assert {m.series_id for m in listed[1:]} == {ids[0]}
    assert listed[0].series_id is None
    assert (listed[1].chair, listed[1].state, listed[1].length_minutes) == (
        "Alex Carter", "planned", 90,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("length", "weeks", "message"),
    [(10, 1, "Length: 10 minutes"), (60, 53, "Repeat: 53 weeks"), (500, 1, "Length: 500")],
)
def test_bad_schedules_are_refused_and_nothing_is_written(
    store: OpenStore, length: int, weeks: int, message: str
) -> None:
    with pytest.raises(MeetingError, match=message):
        schedule.schedule(
            store, starts_at=datetime(2026, 12, 1, 12, tzinfo=UTC), length_minutes=length,
            place="x", chair_id=None, weeks=weeks,
        )  # fmt: skip
    assert schedule.list_meetings(store) == []


def test_states_move_forward_only(store: OpenStore) -> None:
    mid = meeting_on(store, MEETING_DAY)
    schedule.circulate(store, mid)
    with pytest.raises(MeetingError, match="already circulated"):
        schedule.circulate(store, mid)
    with pytest.raises(MeetingError, match="Only a meeting in progress"):
        running.finish(store, mid)
    running.begin(store, mid)
    assert schedule.meeting_row(store, mid).state == "in_progress"
    running.finish(store, mid)
    with pytest.raises(MeetingError, match="finished"):
        running.begin(store, mid)


def test_cases_are_added_in_order_and_late_once_circulated(store: OpenStore) -> None:
    mid = meeting_on(store, MEETING_DAY)
    a, b, c = (add_patient(store, f) for f in ("Ash", "Birch", "Cedar"))
    agenda.add(store, mid, [(a, "New referral"), (b, "Review due")])
    with pytest.raises(MeetingError, match="already on the agenda"):
        agenda.add(store, mid, [(c, "x"), (a, "again")])
    assert names(store, mid) == ["ASH", "BIRCH"]  # all or nothing: Cedar was not added
    with pytest.raises(MeetingError, match="Reason"):
        agenda.add(store, mid, [(c, "  ")])
    schedule.circulate(store, mid)
    agenda.add(store, mid, [(c, "Carer called")])
    rows = agenda.agenda(store, mid)
    assert [(r.name.split(",")[0], r.late) for r in rows] == [
        ("ASH", False), ("BIRCH", False), ("CEDAR", True),
    ]  # fmt: skip


def test_reorder_move_and_remove(store: OpenStore) -> None:
    mid = meeting_on(store, MEETING_DAY)
    ids = agenda.add(
        store, mid, [(add_patient(store, f), "r") for f in ("Ash", "Birch", "Cedar", "Dogwood")]
    )
    agenda.reorder(store, mid, [ids[3], ids[0], ids[1], ids[2]])
    assert names(store, mid) == ["DOGWOOD", "ASH", "BIRCH", "CEDAR"]
    agenda.move(store, ids[2], -1)
    assert names(store, mid) == ["DOGWOOD", "ASH", "CEDAR", "BIRCH"]
    agenda.move(store, ids[3], -10)  # already at the top: stays
    agenda.move(store, ids[0], +10)
    assert names(store, mid) == ["DOGWOOD", "CEDAR", "BIRCH", "ASH"]
    with pytest.raises(MeetingError, match="changed while you were reordering"):
        agenda.reorder(store, mid, ids[:3])
    agenda.remove(store, [ids[1]])
    assert names(store, mid) == ["DOGWOOD", "CEDAR", "ASH"]
    with store.session() as s:
        positions = (
            s.execute(
                select(AgendaItem.position)
                .where(AgendaItem.meeting_id == mid, AgendaItem.deleted.is_(False))
                .order_by(AgendaItem.position)
            )
            .scalars()
            .all()
        )
    assert positions == [0, 1, 3]


def test_timing_against_the_meeting_length_and_gp_slots(store: OpenStore) -> None:
    mid = meeting_on(store, MEETING_DAY, length=30)
    okafor = add_staff(store, "Dr Samuel Okafor", "GP")
    ids = agenda.add(
        store, mid, [(add_patient(store, f), "r") for f in ("Ash", "Birch", "Cedar", "Dogwood")]
    )
    for item, minutes, gp in zip(
        ids, (10, 5, 15, 5), (okafor, None, okafor, me(store)), strict=True
    ):
        agenda.update_item(store, item, minutes=minutes, gp_id=gp)
    meeting = schedule.meeting_row(store, mid)
    rows = agenda.agenda(store, mid)
    timing = agenda.timing(meeting.starts_at, meeting.length_minutes, rows)
    assert (timing.total, timing.over) == (35, 5)
    assert [f"{t:%H:%M}" for t in timing.starts] == ["12:30", "12:40", "12:45", "13:00"]
    slots = agenda.slots(meeting.starts_at, rows)
    assert [(s.gp, f"{s.start:%H:%M}", f"{s.end:%H:%M}", s.cases) for s in slots] == [
        ("Dr Samuel Okafor", "12:30", "12:40", 1),
        ("Dr Samuel Okafor", "12:45", "13:00", 1),
        ("Alex Carter", "13:00", "13:05", 1),
    ]
    agenda.group_by_gp(store, mid)
    assert names(store, mid) == ["ASH", "CEDAR", "BIRCH", "DOGWOOD"]
    rows = agenda.agenda(store, mid)
    slots = agenda.slots(meeting.starts_at, rows)
    assert [(s.gp, f"{s.start:%H:%M}", f"{s.end:%H:%M}", s.cases) for s in slots] == [
        ("Dr Samuel Okafor", "12:30", "12:55", 2),
        ("Alex Carter", "13:00", "13:05", 1),
    ]
    agenda.update_item(store, ids[0], minutes=7)
    assert agenda.agenda(store, mid)[0].minutes == 7
    with pytest.raises(MeetingError, match="Time: 0 minutes"):
        agenda.update_item(store, ids[0], minutes=0)


def test_a_case_with_an_outcome_stays_on_the_agenda(store: OpenStore) -> None:
    mid = meeting_on(store, MEETING_DAY)
    [item] = agenda.add(store, mid, [(add_patient(store, "Ash"), "r")])
    running.begin(store, mid)
    running.record(store, item, notes="typing...")
    agenda.remove(store, [item])  # only notes so far: it can still go
    [item] = agenda.add(store, mid, [(add_patient(store, "Birch"), "r")])
    running.record(store, item, outcome="refer")
    with pytest.raises(MeetingError, match="outcome recorded"):
        agenda.remove(store, [item])


def test_cases_are_removed_together_or_not_at_all_and_put_back_in_place(
    store: OpenStore,
) -> None:
    mid = meeting_on(store, MEETING_DAY)
    people = [add_patient(store, f) for f in ("Ash", "Birch", "Cedar", "Dogwood")]
    ids = agenda.add(store, mid, [(p, "r") for p in people])
    running.begin(store, mid)
    running.record(store, ids[3], outcome="refer")
    with pytest.raises(MeetingError, match="Test Dogwood has an outcome recorded"):
        agenda.remove(store, [ids[0], ids[3]])
    assert names(store, mid) == ["ASH", "BIRCH", "CEDAR", "DOGWOOD"]  # none went
    assert agenda.remove(store, [ids[0], ids[2]]) == [ids[0], ids[2]]
    assert names(store, mid) == ["BIRCH", "DOGWOOD"]
    agenda.put_back(store, [ids[0], ids[2]])
    assert names(store, mid) == ["ASH", "BIRCH", "CEDAR", "DOGWOOD"]
    # Birch taken off and added again: putting the old case back would list them twice.
    agenda.remove(store, [ids[1]])
    agenda.add(store, mid, [(people[1], "r")])
    with pytest.raises(MeetingError, match="Test Birch is on the agenda again already"):
        agenda.put_back(store, [ids[1]])
    assert names(store, mid) == ["ASH", "CEDAR", "DOGWOOD", "BIRCH"]


def amendments(store: OpenStore) -> list[dict[str, str]]:
    return audit_details(store, "amend")


def test_a_finished_meeting_is_amended_only_with_a_reason_and_audited(store: OpenStore) -> None:
    mid = meeting_on(store, MEETING_DAY)
    [item] = agenda.add(store, mid, [(add_patient(store, "Ash"), "r")])
    running.begin(store, mid)
    running.record(store, item, outcome="continue", notes="Plan working.")
    running.finish(store, mid)
    with pytest.raises(MeetingError, match="finished: give a reason"):
        running.record(store, item, outcome="escalate")
    with pytest.raises(MeetingError, match="give a reason"):
        running.record(store, item, notes="changed", reason_to_amend="   ")
    with pytest.raises(MeetingError, match="give a reason"):
        agenda.update_item(store, item, minutes=20)
    assert agenda.agenda(store, mid)[0].outcome == "continue"
    assert amendments(store) == []
    running.record(
        store, item, outcome="escalate", reason_to_amend="Outcome typed against the wrong case"
    )
    assert agenda.agenda(store, mid)[0].outcome == "escalate"
    assert amendments(store) == [
        {"change": "case outcome", "reason": "Outcome typed against the wrong case"}
    ]
    # Saving what is already there is not an amendment and needs no reason.
    running.record(store, item, outcome="escalate", notes="Plan working.")
    assert len(amendments(store)) == 1
    with store.session() as s:
        assert s.get(Meeting, mid).state == "finished"


def test_edit_meeting_details(store: OpenStore) -> None:
    mid = meeting_on(store, MEETING_DAY)
    later = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    schedule.edit(store, mid, starts_at=later, length_minutes=45, place="Library", chair_id=None)
    row = schedule.meeting_row(store, mid)
    assert (row.starts_at, row.length_minutes, row.place, row.chair) == (later, 45, "Library", "")


def test_a_meeting_that_overlaps_another_is_refused(store: OpenStore) -> None:
    one = datetime(2026, 12, 8, 12, 30, tzinfo=UTC)
    [first] = schedule.schedule(
        store, starts_at=one, length_minutes=90, place="Room 1", chair_id=None
    )
    with pytest.raises(MeetingError, match="another meeting is already planned"):
        schedule.schedule(
            store, starts_at=one.replace(hour=13), length_minutes=30, place="Room 2", chair_id=None
        )
    [later] = schedule.schedule(
        store, starts_at=one.replace(hour=14), length_minutes=60, place="Room 1", chair_id=None
    )
    with pytest.raises(MeetingError, match="another meeting"):
        schedule.edit(store, later, starts_at=one, length_minutes=60, place="Room 1", chair_id=None)
    schedule.edit(store, first, starts_at=one, length_minutes=60, place="Room 3", chair_id=None)
