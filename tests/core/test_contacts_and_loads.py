"""The contact log (with a follow-up action in one step, on the timeline) and each
coordinator's load."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from mdtdesk.actions import tracking
from mdtdesk.actions.contacts import NewContact, log_contact
from mdtdesk.actions.coordinators import loads
from mdtdesk.actions.worklist import Filter, detail, worklist
from mdtdesk.clock import FixedClock
from mdtdesk.patients.record import load_record
from mdtdesk.store.models import Action, ContactLogEntry, Patient
from mdtdesk.store.opened import OpenStore
from tests.action_helpers import TODAY, action, coordinated, coordinator
from tests.meeting_helpers import add_patient, me

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def contact(patient_id: str, **fields: object) -> NewContact:
    values: dict[str, object] = {
        "patient_id": patient_id,
        "at": NOW - timedelta(hours=1),
        "kind": "home_visit",
        "notes": "Managing with help from her daughter.",
        "duration_minutes": 40,
    }
    values.update(fields)
    return NewContact(**values)  # type: ignore[arg-type]


def counts(store: OpenStore) -> tuple[int, int]:
    with store.session() as s:
        return (
            len(s.execute(select(ContactLogEntry.id)).all()),
            len(s.execute(select(Action.id)).all()),
        )


def test_a_contact_and_its_follow_up_action_are_written_together(store: OpenStore) -> None:
    jo = coordinator(store)
    pid = coordinated(store, "Ashworth", jo)
    follow = tracking.NewAction(pid, "Ask the GP about night-time confusion", TODAY + timedelta(2))
    logged = log_contact(
        store, contact(pid, kind="with_carer", with_whom="Daughter, Sue", follow_up=follow)
    )
    assert logged.action_id is not None
    [item] = worklist(store).items
    assert (item.id, item.owner, item.source) == (
        logged.action_id,
        "Jo Seago",
        "Contact 23 Nov 2026",
    )
    assert detail(store, logged.action_id).history[0].text == (
        "Set: Ask the GP about night-time confusion (follow-up to a with carer)"
    )
    record = load_record(store, pid)
    [row] = record.contacts
    assert (row.kind, row.with_whom, row.staff) == ("with_carer", "Daughter, Sue", store.actor.name)
    texts = [e.text for e in record.timeline if e.kind == "contact"]
    assert texts == [
        f"With carer with Daughter, Sue by {store.actor.name}, 40 min: "
        "Managing with help from her daughter."
    ]


def test_a_bad_follow_up_writes_neither_the_contact_nor_the_action(store: OpenStore) -> None:
    pid = coordinated(store, "Bellamy", None)
    follow = tracking.NewAction(pid, "Refer to the falls service", TODAY)
    with pytest.raises(tracking.ActionError, match="has no named coordinator"):
        log_contact(store, contact(pid, follow_up=follow))
    assert counts(store) == (0, 0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "carrier pigeon"}, "Type: choose"),
        ({"kind": "with_professional"}, "say which professional"),
        ({"at": NOW + timedelta(hours=1)}, "is in the future"),
        ({"at": datetime(2026, 11, 23, 8, 0)}, "needs a time zone"),
        ({"duration_minutes": 0}, "between 1 and 720"),
    ],
)
def test_a_contact_is_refused_with_the_field_that_is_wrong(
    store: OpenStore, fields: dict[str, object], message: str
) -> None:
    pid = coordinated(store, "Cotton", me(store))
    with pytest.raises(tracking.ActionError, match=message):
        log_contact(store, contact(pid, **fields))
    assert counts(store) == (0, 0)


def test_a_contact_is_stored_in_utc_and_shown_on_the_local_day(
    store: OpenStore, clock: FixedClock, uk_time: None
) -> None:
    clock.current = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    pid = coordinated(store, "Dunmore", me(store))
    # 00:30 on 1 July in the UK (BST) is 23:30 on 30 June in UTC.
    local = datetime(2026, 7, 1, 0, 30).astimezone()
    log_contact(store, contact(pid, at=local, kind="phone"))
    with store.session() as s:
        stored = s.execute(select(ContactLogEntry.at)).scalar_one()
    assert stored == datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert stored.astimezone().strftime("%d %b %H:%M") == "01 Jul 00:30"


def test_each_coordinator_sees_their_people_actions_and_gaps(
    store: OpenStore, clock: FixedClock
) -> None:
    jo, gail = coordinator(store), coordinator(store, "Gail Platten")
    ann = coordinated(store, "Ashworth", jo)
    bob = add_patient(
        store, "Bellamy", named_coordinator_id=jo, next_review_date=TODAY + timedelta(30)
    )
    add_patient(store, "Cotton", named_coordinator_id=gail, next_review_date=date(2026, 11, 1))
    add_patient(store, "Dunmore")  # nobody coordinates them
    add_patient(store, "Eastwood", named_coordinator_id=jo, caseload_status="discharged")
    log_contact(store, contact(bob, at=NOW - timedelta(days=3)))
    log_contact(store, contact(ann, at=NOW - timedelta(weeks=9)))
    clock.current -= timedelta(days=5)
    action(store, ann, "Overdue one", due=TODAY - timedelta(days=2))
    action(store, bob, "Due later", due=TODAY + timedelta(days=9))
    action(store, bob, "Gail's for Bob", owner_id=gail)
    clock.current += timedelta(days=5)
    rows = {r.name: r for r in loads(store).rows}
    assert list(rows) == ["Gail Platten", "Jo Seago", "No named coordinator"]
    jo_row = rows["Jo Seago"]
    assert [p.name for p in jo_row.people] == ["ASHWORTH, Test", "BELLAMY, Test"]
    assert (jo_row.open_actions, jo_row.overdue_actions) == (2, 1)
    # Ann: last seen nine weeks ago, and no review date; Bob: seen and reviewed soon.
    assert (jo_row.quiet, jo_row.reviews_due) == (1, 1)
    assert jo_row.last_contact == NOW - timedelta(days=3)
    bob_load = jo_row.people[1]
    assert (bob_load.open_actions, bob_load.overdue_actions) == (2, 0)
    gail_row = rows["Gail Platten"]
    assert (len(gail_row.people), gail_row.open_actions, gail_row.reviews_due) == (1, 1, 1)
    assert [p.name for p in rows["No named coordinator"].people] == ["DUNMORE, Test"]


def test_a_coordinators_open_actions_are_the_ones_their_worklist_lists(
    store: OpenStore,
) -> None:
    # Defect: "My actions" on the worklist and the Coordinators tab gave two counts for
    # the same person once a record with open actions had been merged away.
    jo = coordinator(store)
    kept = coordinated(store, "Ashworth", jo)
    merged_away = coordinated(store, "Ashworth", jo)
    action(store, kept, "Book the falls clinic")
    action(store, merged_away, "Chase the cardiology letter")
    action(store, merged_away, "Phone the daughter")
    with store.session() as s, s.begin():
        patient = s.get(Patient, merged_away)
        assert patient is not None
        patient.deleted = True
    row = next(r for r in loads(store).rows if r.staff_id == jo)
    listed = worklist(store, Filter(owner_id=jo))
    assert row.open_actions == len(listed.items) == 1
