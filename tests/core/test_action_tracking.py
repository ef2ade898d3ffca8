"""Actions: who owns them by default, every status move and its history, bulk
reassignment when a coordinator is away, editing and undo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from mdtdesk.actions import tracking
from mdtdesk.actions.worklist import detail
from mdtdesk.clock import FixedClock
from mdtdesk.store.models import Action, ActionEvent, StaffMember
from mdtdesk.store.opened import OpenStore
from tests.action_helpers import TODAY, action, coordinated, coordinator
from tests.meeting_helpers import add_staff, me


def status_of(store: OpenStore, action_id: str) -> str:
    with store.session() as s:
        return s.execute(select(Action.status).where(Action.id == action_id)).scalar_one()


def test_the_named_coordinator_owns_a_new_action_unless_someone_is_chosen(
    store: OpenStore,
) -> None:
    jo = coordinator(store)
    pid = coordinated(store, "Ashworth", jo)
    first = action(store, pid)
    second = action(store, pid, owner_id=me(store))
    with store.session() as s:
        owners = {a.id: a.owner_id for a in s.execute(select(Action)).scalars()}
        creators = {a.created_by_id for a in s.execute(select(Action)).scalars()}
    assert owners == {first: jo, second: me(store)}
    assert creators == {me(store)}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"description": "  "}, "say what is to be done"),
        ({"due_date": None}, "needs a due date"),
        ({"due_date": TODAY - timedelta(days=1)}, "22 Nov 2026 is in the past"),
        ({"priority": "whenever"}, "Priority"),
        ({"owner_id": None}, "has no named coordinator"),
    ],
)
def test_a_new_action_is_refused_with_the_field_that_is_wrong(
    store: OpenStore, fields: dict[str, object], message: str
) -> None:
    pid = coordinated(store, "Bellamy", None)
    values: dict[str, object] = {
        "patient_id": pid,
        "description": "Arrange a medication review",
        "due_date": TODAY,
        "owner_id": me(store),
    }
    values.update(fields)
    with pytest.raises(tracking.ActionError, match=message):
        tracking.create(store, tracking.NewAction(**values))  # type: ignore[arg-type]
    with store.session() as s:
        assert s.execute(select(Action.id)).first() is None


def test_an_inactive_owner_is_refused(store: OpenStore) -> None:
    away = coordinator(store, "Gail Platten")
    with store.session() as s, s.begin():
        s.get_one(StaffMember, away).active = False
    pid = coordinated(store, "Cotton", away)
    with pytest.raises(tracking.ActionError, match="Gail Platten is no longer active"):
        action(store, pid)


def test_every_status_move_is_kept_with_who_when_and_the_note(
    store: OpenStore, clock: FixedClock
) -> None:
    pid = coordinated(store, "Dunmore", coordinator(store))
    aid = action(store, pid)
    tracking.set_status(store, aid, "in_progress")
    clock.advance(timedelta(hours=2))
    tracking.set_status(store, aid, "waiting", "Waiting for the cardiology letter")
    clock.advance(timedelta(days=1))
    tracking.set_status(store, aid, "done")
    assert status_of(store, aid) == "done"
    history = detail(store, aid).history
    assert [line.text for line in history] == [
        "Set: Chase the cardiology letter",
        "Status: Open → In progress",
        "Status: In progress → Waiting on someone else (Waiting for the cardiology letter)",
        "Status: Waiting on someone else → Done",
    ]
    assert {line.who for line in history} == {store.actor.name}
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert [line.at for line in history[1:]] == [
        start,
        start + timedelta(hours=2),
        start + timedelta(hours=2, days=1),
    ]


@pytest.mark.parametrize(
    ("start", "to", "note", "message"),
    [
        ("open", "open", "", "already open"),
        ("open", "finished", "", "is not one of"),
        ("open", "cancelled", "", "say why the action is cancelled"),
        ("done", "open", "", "say why a done action is reopened"),
        ("cancelled", "in_progress", "", "say why a cancelled action is reopened"),
    ],
)
def test_status_moves_that_need_a_reason_or_make_no_sense_are_refused(
    store: OpenStore, start: str, to: str, note: str, message: str
) -> None:
    aid = action(store, coordinated(store, "Eastwood", me(store)))
    if start != "open":
        tracking.set_status(store, aid, start, "set up for the test")
    with pytest.raises(tracking.ActionError, match=message):
        tracking.set_status(store, aid, to, note)
    assert status_of(store, aid) == start


def test_cancelling_and_reopening_with_a_reason_are_kept(store: OpenStore) -> None:
    aid = action(store, coordinated(store, "Fenwick", me(store)))
    tracking.set_status(store, aid, "cancelled", "Moved away from the area")
    tracking.set_status(store, aid, "open", "Moved back")
    texts = [line.text for line in detail(store, aid).history]
    assert texts[-2:] == [
        "Status: Open → Cancelled (Moved away from the area)",
        "Status: Cancelled → Open (Moved back)",
    ]


def test_bulk_reassignment_moves_open_actions_and_says_what_it_left(store: OpenStore) -> None:
    jo, gail = coordinator(store), coordinator(store, "Gail Platten")
    pids = [coordinated(store, name, jo) for name in ("Garrow", "Hale", "Ives")]
    open_ids = [action(store, pid) for pid in pids]
    closed = action(store, pids[0], "Update the ReSPECT form")
    tracking.set_status(store, closed, "done")
    already = action(store, pids[1], "Book the falls clinic", owner_id=gail)
    result = tracking.reassign(store, [*open_ids, closed, already], gail, "Jo on leave")
    assert {c.action_id for c in result.changes} == set(open_ids)
    assert result.skipped == (
        "Update the ReSPECT form: already done",
        "Book the falls clinic: already Gail Platten's",
    )
    with store.session() as s:
        owners = dict(s.execute(select(Action.id, Action.owner_id)).all())
        events = s.execute(
            select(
                ActionEvent.action_id,
                ActionEvent.old_value,
                ActionEvent.new_value,
                ActionEvent.note,
            ).where(ActionEvent.field == "owner_id")
        ).all()
    assert {owners[i] for i in open_ids} == {gail}
    assert owners[closed] == jo
    assert sorted(events) == sorted((i, jo, gail, "Jo on leave") for i in open_ids)
    assert "Owner: Jo Seago → Gail Platten (Jo on leave)" in [
        line.text for line in detail(store, open_ids[0]).history
    ]


def test_reassigning_to_someone_who_left_changes_nothing(store: OpenStore) -> None:
    jo, left = coordinator(store), add_staff(store, "Tom Dack", "District nurse")
    with store.session() as s, s.begin():
        s.get_one(StaffMember, left).active = False
    aid = action(store, coordinated(store, "Jessop", jo))
    with pytest.raises(tracking.ActionError, match="Tom Dack is no longer active"):
        tracking.reassign(store, [aid], left)
    with store.session() as s:
        assert s.get_one(Action, aid).owner_id == jo
        assert s.execute(select(ActionEvent.id)).first() is None


def test_undo_puts_back_a_reassignment_unless_it_changed_since(store: OpenStore) -> None:
    jo, gail = coordinator(store), coordinator(store, "Gail Platten")
    ids = [action(store, coordinated(store, n, jo)) for n in ("Kemp", "Lomax")]
    moved = tracking.reassign(store, ids, gail)
    tracking.undo(store, moved)
    with store.session() as s:
        assert {s.get_one(Action, i).owner_id for i in ids} == {jo}
    done = tracking.set_status(store, ids[0], "done")
    tracking.set_status(store, ids[0], "open", "Not finished after all")
    with pytest.raises(tracking.ActionError, match="was changed again since"):
        tracking.undo(store, done)
    assert detail(store, ids[1]).history[-1].text == "Owner: Gail Platten → Jo Seago (Undone)"


def test_editing_keeps_the_old_values_and_refuses_a_closed_action(store: OpenStore) -> None:
    aid = action(store, coordinated(store, "Marsh", me(store)))
    changed = tracking.edit(
        store, aid, due_date=TODAY + timedelta(days=3), priority="urgent", note="Worse today"
    )
    assert [(c.field, c.old, c.new) for c in changed.changes] == [
        ("due_date", "2026-11-23", "2026-11-26"),
        ("priority", "routine", "urgent"),
    ]
    with pytest.raises(tracking.ActionError, match="in the past"):
        tracking.edit(store, aid, due_date=TODAY - timedelta(days=1))
    tracking.set_status(store, aid, "done")
    with pytest.raises(tracking.ActionError, match="reopen it to change it"):
        tracking.edit(store, aid, description="Something else")


def test_the_action_screens_changes_are_all_written_or_none(store: OpenStore) -> None:
    from mdtdesk.actions.update import Update, update

    aid = action(store, coordinated(store, "Nunn", me(store)))
    later = TODAY + timedelta(days=5)
    with pytest.raises(tracking.ActionError, match="say why the action is cancelled"):
        update(store, aid, Update(due_date=later, priority="high", status="cancelled"))
    with store.session() as s:
        kept = s.get_one(Action, aid)
        assert (kept.due_date, kept.priority, kept.status) == (TODAY, "routine", "open")
        assert s.execute(select(ActionEvent.id)).first() is None
    tracking.set_status(store, aid, "done")
    changed = update(store, aid, Update(due_date=later, status="open", note="Not finished"))
    assert [(c.field, c.new) for c in changed.changes] == [
        ("status", "open"),
        ("due_date", later.isoformat()),
    ]


def test_a_bulk_status_change_is_all_or_none_and_names_the_one_that_stopped_it(
    store: OpenStore,
) -> None:
    pid = coordinated(store, "Oakes", me(store))
    first = action(store, pid, "Phone the pharmacy")
    done = action(store, pid, "Book the hearing test")
    tracking.set_status(store, done, "done")
    with pytest.raises(tracking.ActionError, match=r"^Book the hearing test: Status: the action"):
        tracking.set_statuses(store, [first, done], "done")
    assert status_of(store, first) == "open"
