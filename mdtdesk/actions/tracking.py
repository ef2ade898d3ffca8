"""Making and changing actions. Every change is one transaction that also writes an
ActionEvent (who, when, old value, new value, note), so the history is complete and
any recent change can be undone by applying its old value again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.clock import short_day, today
from mdtdesk.labels import field_label
from mdtdesk.store.errors import StoreError
from mdtdesk.store.models import Action, ActionEvent, Patient, Service, StaffMember
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import ACTION_STATUS, OPEN_ACTION_STATUSES, PRIORITY, REFERRAL_STATUS

MAX_TEXT = 2000
CLOSED = ("done", "cancelled")
DATE_FIELDS = ("due_date", "referral_sent_on", "referral_replied_on", "referral_seen_on")


class ActionError(StoreError):
    pass


@dataclass(frozen=True, slots=True)
class NewAction:
    patient_id: str
    description: str
    due_date: date | None
    owner_id: str | None = None  # None: the person's named coordinator
    priority: str = "routine"
    service_id: str | None = None  # a service makes the action a referral


@dataclass(frozen=True, slots=True)
class Change:
    """One field of one action changed; values as the history stores them (text)."""

    action_id: str
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class Changed:
    changes: tuple[Change, ...]
    skipped: tuple[str, ...] = ()  # why some actions were left as they were


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _from_text(field: str, text: str | None) -> Any:
    if text is None:
        return None
    return date.fromisoformat(text) if field in DATE_FIELDS else text


def text_of(text: str) -> str:
    text = text.strip()
    if not text:
        raise ActionError("Action: say what is to be done.")
    if len(text) > MAX_TEXT:
        raise ActionError(f"Action: keep it under {MAX_TEXT:,} characters.")
    return text


def _owner(s: Session, owner_id: str) -> StaffMember:
    owner = s.get(StaffMember, owner_id)
    if owner is None or owner.deleted:
        raise ActionError("Owner: that person is not on the staff list.")
    if not owner.active:
        raise ActionError(f"Owner: {owner.name} is no longer active; choose someone else.")
    return owner


def _priority(priority: str) -> str:
    if priority not in PRIORITY:
        raise ActionError(f"Priority: choose {', '.join(PRIORITY.values())}.")
    return priority


def _service(s: Session, service_id: str) -> Service:
    service = s.get(Service, service_id)
    if service is None or service.deleted:
        raise ActionError("Service: that service is not in the list.")
    if not service.active:
        raise ActionError(f"Service: {service.name} is retired; choose another service.")
    return service


def checked_new(s: Session, store: OpenStore, new: NewAction) -> Action:
    """A valid Action for new (not yet added to the session), or a clear error."""
    patient = s.get(Patient, new.patient_id)
    if patient is None or patient.deleted:
        raise ActionError("This person is no longer in the store.")
    description = text_of(new.description)
    owner_id = new.owner_id or patient.named_coordinator_id
    if owner_id is None:
        raise ActionError("Owner: this person has no named coordinator; choose who will do it.")
    _owner(s, owner_id)
    if new.due_date is None:
        raise ActionError("Due date: every action needs a due date.")
    if new.due_date < today(store.clock):
        raise ActionError(f"Due date: {short_day(new.due_date)} is in the past.")
    if new.service_id is not None:
        _service(s, new.service_id)
    return Action(
        patient_id=patient.id,
        description=description,
        owner_id=owner_id,
        created_by_id=store.actor.staff_id,
        due_date=new.due_date,
        priority=_priority(new.priority),
        status="open",
        service_id=new.service_id,
    )


def create(store: OpenStore, new: NewAction) -> str:
    """An ad hoc action (not from a meeting or a contact)."""
    with store.session() as s, s.begin():
        action = checked_new(s, store, new)
        s.add(action)
        s.flush()
        return action.id


def get(s: Session, action_id: str) -> Action:
    action = s.get(Action, action_id)
    if action is None or action.deleted:
        raise ActionError("That action is no longer in the store.")
    return action


def _set(
    s: Session, store: OpenStore, action: Action, field: str, value: Any, note: str | None
) -> Change | None:
    old = getattr(action, field)
    if old == value:
        return None
    setattr(action, field, value)
    change = Change(action.id, field, as_text(old), as_text(value))
    s.add(
        ActionEvent(
            action_id=action.id,
            patient_id=action.patient_id,
            at=store.clock.now(),
            staff_id=store.actor.staff_id,
            field=field,
            old_value=change.old,
            new_value=change.new,
            note=note or None,
        )
    )
    return change


def check_status(old: str, new: str, note: str) -> None:
    """Which moves are allowed: any to any other, but cancelling and reopening a closed
    action need a reason, so nothing agreed disappears without one."""
    if new not in ACTION_STATUS:
        raise ActionError(f"Status: {new!r} is not one of {', '.join(ACTION_STATUS)}.")
    if new == old:
        raise ActionError(f"Status: the action is already {ACTION_STATUS[new].lower()}.")
    if new == "cancelled" and not note:
        raise ActionError("Note: say why the action is cancelled.")
    if old in CLOSED and new in OPEN_ACTION_STATUSES and not note:
        raise ActionError(f"Note: say why a {ACTION_STATUS[old].lower()} action is reopened.")


def change_status(
    s: Session, store: OpenStore, action: Action, status: str, note: str
) -> list[Change]:
    check_status(action.status, status, note)
    change = _set(s, store, action, "status", status, note)
    return [change] if change else []


def set_status(store: OpenStore, action_id: str, status: str, note: str = "") -> Changed:
    return set_statuses(store, [action_id], status, note)


def set_statuses(
    store: OpenStore, action_ids: Sequence[str], status: str, note: str = ""
) -> Changed:
    """One status for several actions at once: all of them change, or none."""
    with store.session() as s, s.begin():
        changes: list[Change] = []
        for action_id in dict.fromkeys(action_ids):
            action = get(s, action_id)
            try:
                changes += change_status(s, store, action, status, note.strip())
            except ActionError as exc:
                # Say which one stopped the rest when several were chosen.
                raise ActionError(
                    f"{action.description}: {exc}" if len(action_ids) > 1 else str(exc)
                ) from None
        return Changed(tuple(changes))


def reassign(store: OpenStore, action_ids: Sequence[str], owner_id: str, note: str = "") -> Changed:
    """Give open actions to someone else (a coordinator is away). Closed actions and
    those the new owner already holds are left alone and said so."""
    if not action_ids:
        raise ActionError("Choose the actions to reassign.")
    note = note.strip()
    with store.session() as s, s.begin():
        owner = _owner(s, owner_id)
        changes: list[Change] = []
        skipped: list[str] = []
        for action_id in dict.fromkeys(action_ids):
            action = get(s, action_id)
            if action.status in CLOSED:
                skipped.append(f"{action.description}: already {action.status}")
                continue
            change = _set(s, store, action, "owner_id", owner.id, note)
            if change is None:
                skipped.append(f"{action.description}: already {owner.name}'s")
            else:
                changes.append(change)
        return Changed(tuple(changes), tuple(skipped))


def change_fields(
    s: Session,
    store: OpenStore,
    action: Action,
    *,
    description: str | None = None,
    due_date: date | None = None,
    priority: str | None = None,
    note: str = "",
) -> list[Change]:
    """Change what, when or how urgent; None leaves a field as it is."""
    if action.status in CLOSED:
        raise ActionError(f"This action is {action.status}; reopen it to change it.")
    wanted: dict[str, Any] = {}
    if description is not None:
        wanted["description"] = text_of(description)
    if due_date is not None:
        if due_date < today(store.clock) and due_date != action.due_date:
            raise ActionError(f"Due date: {short_day(due_date)} is in the past.")
        wanted["due_date"] = due_date
    if priority is not None:
        wanted["priority"] = _priority(priority)
    return apply(s, store, action, wanted, note)


def edit(
    store: OpenStore,
    action_id: str,
    *,
    description: str | None = None,
    due_date: date | None = None,
    priority: str | None = None,
    note: str = "",
) -> Changed:
    with store.session() as s, s.begin():
        action = get(s, action_id)
        changes = change_fields(
            s,
            store,
            action,
            description=description,
            due_date=due_date,
            priority=priority,
            note=note.strip(),
        )
        return Changed(tuple(changes))


def apply(
    s: Session, store: OpenStore, action: Action, values: dict[str, Any], note: str
) -> list[Change]:
    """Set several fields of one action, each with its history line (services use it)."""
    changes = [_set(s, store, action, f, v, note) for f, v in values.items()]
    return [c for c in changes if c is not None]


def undo(store: OpenStore, changed: Changed) -> Changed:
    """Put back what a change replaced, if nobody has changed those fields since."""
    if not changed.changes:
        raise ActionError("There is nothing to undo.")
    with store.session() as s, s.begin():
        actions = {c.action_id: get(s, c.action_id) for c in changed.changes}
        for c in changed.changes:
            if as_text(getattr(actions[c.action_id], c.field)) != c.new:
                raise ActionError(
                    f"Cannot undo: {actions[c.action_id].description} was changed again since."
                )
        done = [
            _set(s, store, actions[c.action_id], c.field, _from_text(c.field, c.old), "Undone")
            for c in reversed(changed.changes)
        ]
        return Changed(tuple(c for c in done if c is not None))


# -- reading the history -------------------------------------------------------------
def _words(field: str, text: str | None, names: dict[str, str]) -> str:
    if text is None:
        return "—"
    if field == "status":
        return ACTION_STATUS.get(text, text)
    if field == "referral_status":
        return REFERRAL_STATUS.get(text, text)
    if field == "priority":
        return PRIORITY.get(text, text)
    if field == "owner_id":
        return names.get(text, "someone not in the staff list")
    if field in DATE_FIELDS:
        return short_day(date.fromisoformat(text))
    return text


def describe(event: ActionEvent, names: dict[str, str]) -> str:
    """One history line in words: "Status: Open → Done"."""
    label = field_label(event.field)
    old = _words(event.field, event.old_value, names)
    new = _words(event.field, event.new_value, names)
    text = f"{label}: {old} → {new}"
    return f"{text} ({event.note})" if event.note else text


def events_of(s: Session, action_id: str) -> list[ActionEvent]:
    query = (
        select(ActionEvent)
        .where(ActionEvent.action_id == action_id, ActionEvent.deleted.is_(False))
        .order_by(ActionEvent.at, ActionEvent.id)
    )
    return list(s.execute(query).scalars())
