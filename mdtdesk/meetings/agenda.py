"""A meeting's agenda: cases in order, time per case against the meeting's length,
presenters and GP time slots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from mdtdesk.meetings.schedule import MeetingError, get, guard
from mdtdesk.store.models import AgendaItem, Meeting, Outcome, Patient, StaffMember
from mdtdesk.store.opened import OpenStore

MAX_MINUTES = 120
KEEP = object()  # an update_item() argument left as it is


@dataclass(frozen=True, slots=True)
class AgendaRow:
    id: str
    patient_id: str
    name: str
    nhs_number: str
    reason: str
    minutes: int
    presenter_id: str | None
    presenter: str
    gp_id: str | None
    gp: str
    late: bool
    outcome: str | None
    notes: str
    seconds_spent: int


@dataclass(frozen=True, slots=True)
class Slot:
    gp_id: str
    gp: str
    start: datetime
    end: datetime
    cases: int


@dataclass(frozen=True, slots=True)
class Timing:
    total: int
    length: int
    starts: tuple[datetime, ...]

    @property
    def over(self) -> int:
        """Minutes planned beyond the meeting's length (0 when it fits)."""
        return max(0, self.total - self.length)


def rows(session: Session, meeting_id: str) -> list[AgendaRow]:
    presenter = aliased(StaffMember)
    gp = aliased(StaffMember)
    found = session.execute(
        select(
            AgendaItem,
            Patient.family_name,
            Patient.given_name,
            Patient.nhs_number,
            presenter.name,
            gp.name,
            Outcome.outcome,
            Outcome.notes,
        )
        .join(Patient, Patient.id == AgendaItem.patient_id)
        .outerjoin(presenter, presenter.id == AgendaItem.presenter_id)
        .outerjoin(gp, gp.id == AgendaItem.gp_id)
        .outerjoin(Outcome, (Outcome.agenda_item_id == AgendaItem.id) & Outcome.deleted.is_(False))
        .where(AgendaItem.meeting_id == meeting_id, AgendaItem.deleted.is_(False))
        .order_by(AgendaItem.position, AgendaItem.created_at)
    ).all()
    return [
        AgendaRow(
            item.id,
            item.patient_id,
            f"{family.upper()}, {given}",
            nhs,
            item.reason,
            item.minutes_planned,
            item.presenter_id,
            presenter_name or "",
            item.gp_id,
            gp_name or "",
            item.late_addition,
            outcome,
            notes or "",
            item.seconds_spent,
        )
        for item, family, given, nhs, presenter_name, gp_name, outcome, notes in found
    ]


def agenda(store: OpenStore, meeting_id: str) -> list[AgendaRow]:
    with store.session() as s:
        return rows(s, meeting_id)


def timing(starts_at: datetime, length: int, agenda_rows: Sequence[AgendaRow]) -> Timing:
    starts = []
    at = starts_at
    for row in agenda_rows:
        starts.append(at)
        at += timedelta(minutes=row.minutes)
    return Timing(sum(r.minutes for r in agenda_rows), length, tuple(starts))


def slots(starts_at: datetime, agenda_rows: Sequence[AgendaRow]) -> list[Slot]:
    """Each run of consecutive cases for one GP, with its start and end times.

    A GP whose cases are not together gets more than one slot: `group_by_gp` fixes that.
    """
    found: list[Slot] = []
    at = starts_at
    for row in agenda_rows:
        end = at + timedelta(minutes=row.minutes)
        if row.gp_id is not None:
            last = found[-1] if found else None
            if last is not None and last.gp_id == row.gp_id and last.end == at:
                found[-1] = Slot(last.gp_id, last.gp, last.start, end, last.cases + 1)
            else:
                found.append(Slot(row.gp_id, row.gp, at, end, 1))
        at = end
    return found


def slot_of(row: AgendaRow, all_slots: Sequence[Slot], start: datetime) -> Slot | None:
    for slot in all_slots:
        if slot.gp_id == row.gp_id and slot.start <= start < slot.end:
            return slot
    return None


def _check_minutes(minutes: int) -> None:
    if not 1 <= minutes <= MAX_MINUTES:
        raise MeetingError(f"Time: {minutes} minutes is not between 1 and {MAX_MINUTES}.")


def _items(session: Session, meeting_id: str) -> list[AgendaItem]:
    return list(
        session.execute(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id, AgendaItem.deleted.is_(False))
            .order_by(AgendaItem.position, AgendaItem.created_at)
        ).scalars()
    )


def add_case(
    session: Session,
    meeting: Meeting,
    patient_id: str,
    reason: str,
    *,
    minutes: int = 10,
    presenter_id: str | None = None,
) -> AgendaItem:
    """Put a person at the end of the agenda (a late addition once it is circulated)."""
    reason = reason.strip()
    if not reason:
        raise MeetingError("Reason: say why this person is on the agenda.")
    _check_minutes(minutes)
    items = _items(session, meeting.id)
    if any(i.patient_id == patient_id for i in items):
        raise MeetingError("This person is already on the agenda.")
    patient = session.get(Patient, patient_id)
    if patient is None or patient.deleted:
        raise MeetingError("That person is no longer in the store.")
    item = AgendaItem(
        meeting_id=meeting.id,
        patient_id=patient_id,
        position=max((i.position for i in items), default=-1) + 1,
        reason=reason,
        minutes_planned=minutes,
        presenter_id=presenter_id or patient.named_coordinator_id,
        late_addition=meeting.state != "planned",
        seconds_spent=0,
    )
    session.add(item)
    return item


def add(
    store: OpenStore,
    meeting_id: str,
    cases: Sequence[tuple[str, str]],
    *,
    minutes: int = 10,
    reason_to_amend: str | None = None,
) -> list[str]:
    """Add (patient id, reason) cases in one go; all or none."""
    with store.session() as s, s.begin():
        meeting = get(s, meeting_id)
        guard(s, meeting, reason_to_amend, "agenda: cases added")
        made = [add_case(s, meeting, pid, reason, minutes=minutes) for pid, reason in cases]
        s.flush()
        return [item.id for item in made]


def _item(session: Session, item_id: str) -> tuple[AgendaItem, Meeting]:
    item = session.get(AgendaItem, item_id)
    if item is None or item.deleted:
        raise MeetingError("That case is no longer on the agenda.")
    return item, get(session, item.meeting_id)


def remove(
    store: OpenStore, item_ids: Sequence[str], reason_to_amend: str | None = None
) -> list[str]:
    """Take these cases off the agenda in one go; all or none. Returns the ids taken off,
    for `put_back` to undo."""
    with store.session() as s, s.begin():
        items = [_item(s, item_id) for item_id in item_ids]
        if not items:
            return []
        meeting = items[0][1]
        if any(m.id != meeting.id for _i, m in items):
            raise MeetingError("Those cases are on more than one meeting's agenda.")
        guard(s, meeting, reason_to_amend, "agenda: cases removed")
        decided = s.execute(
            select(AgendaItem.patient_id)
            .join(Outcome, Outcome.agenda_item_id == AgendaItem.id)
            .where(
                AgendaItem.id.in_(list(item_ids)),
                Outcome.deleted.is_(False),
                Outcome.outcome != "pending",
            )
        ).first()
        if decided is not None:
            raise MeetingError(kept_for_its_outcome(_name(s, decided[0])))
        for item, _meeting in items:
            item.deleted = True
        return [item.id for item, _m in items]


def put_back(store: OpenStore, item_ids: Sequence[str], reason_to_amend: str | None = None) -> None:
    """Undo `remove`: the cases return to the places they had."""
    with store.session() as s, s.begin():
        items = [s.get(AgendaItem, i) for i in item_ids]
        found = [i for i in items if i is not None and i.deleted]
        if not found:
            return
        meeting = get(s, found[0].meeting_id)
        guard(s, meeting, reason_to_amend, "agenda: removal undone")
        on = {i.patient_id for i in _items(s, meeting.id)}
        for item in found:
            if item.patient_id in on:
                raise MeetingError(
                    f"{_name(s, item.patient_id)} is on the agenda again already: "
                    "nothing was put back."
                )
            item.deleted = False


def kept_for_its_outcome(name: str) -> str:
    return (
        f"{name} has an outcome recorded: the case stays on the agenda as the record of "
        "that decision."
    )


def _name(s: Session, patient_id: str) -> str:
    patient = s.get(Patient, patient_id)
    return f"{patient.given_name} {patient.family_name}" if patient else "That person"


def reorder(
    store: OpenStore, meeting_id: str, item_ids: Sequence[str], reason_to_amend: str | None = None
) -> None:
    """Put the agenda in this order (every case once)."""
    with store.session() as s, s.begin():
        meeting = get(s, meeting_id)
        items = {i.id: i for i in _items(s, meeting_id)}
        if sorted(item_ids) != sorted(items):
            raise MeetingError("The agenda changed while you were reordering it: try again.")
        guard(s, meeting, reason_to_amend, "agenda: reordered")
        for position, item_id in enumerate(item_ids):
            if items[item_id].position != position:
                items[item_id].position = position


def move(store: OpenStore, item_id: str, places: int, reason_to_amend: str | None = None) -> None:
    """Move one case up (negative) or down the agenda; at either end it stays."""
    with store.session() as s:
        meeting_id = _item(s, item_id)[1].id
        order = [i.id for i in _items(s, meeting_id)]
    at = order.index(item_id)
    to = max(0, min(len(order) - 1, at + places))
    if to != at:
        order.insert(to, order.pop(at))
        reorder(store, meeting_id, order, reason_to_amend)


def update_item(
    store: OpenStore,
    item_id: str,
    *,
    minutes: int | object = KEEP,
    presenter_id: str | object | None = KEEP,
    gp_id: str | object | None = KEEP,
    reason: str | object = KEEP,
    reason_to_amend: str | None = None,
) -> None:
    with store.session() as s, s.begin():
        item, meeting = _item(s, item_id)
        guard(s, meeting, reason_to_amend, "agenda: case details")
        if isinstance(minutes, int):
            _check_minutes(minutes)
            item.minutes_planned = minutes
        if presenter_id is not KEEP:
            item.presenter_id = presenter_id  # type: ignore[assignment]
        if gp_id is not KEEP:
            item.gp_id = gp_id  # type: ignore[assignment]
        if isinstance(reason, str):
            if not reason.strip():
                raise MeetingError("Reason: say why this person is on the agenda.")
            item.reason = reason.strip()


def group_by_gp(store: OpenStore, meeting_id: str) -> None:
    """Bring each GP's cases together, where that GP's first case is, so each GP has one
    slot; cases without a GP keep their place among the rest."""
    with store.session() as s:
        items = _items(s, meeting_id)
    order: list[str] = []
    placed: set[str] = set()
    for item in items:
        if item.id in placed:
            continue
        group = [i for i in items if item.gp_id is not None and i.gp_id == item.gp_id]
        for member in group or [item]:
            order.append(member.id)
            placed.add(member.id)
    reorder(store, meeting_id, order)
