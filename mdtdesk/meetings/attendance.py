"""Who came to a meeting, by person and discipline, and whether the meeting is quorate."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.meetings.schedule import MeetingError, get, guard
from mdtdesk.store.models import MeetingAttendee, StaffMember, StoreMeta
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import DISCIPLINES, discipline_of

DEFAULT_QUORUM = ("GP", "Nursing", "Social care")
_QUORUM_KEY = "meeting_quorum"


@dataclass(frozen=True, slots=True)
class Attendee:
    id: str
    staff_id: str | None
    name: str
    discipline: str
    present: bool


@dataclass(frozen=True, slots=True)
class Quoracy:
    required: tuple[str, ...]
    present: tuple[str, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(d for d in self.required if d not in self.present)

    @property
    def quorate(self) -> bool:
        return not self.missing

    def describe(self) -> str:
        if self.quorate:
            return "Quorate: " + ", ".join(self.required) + " present."
        return "Not quorate: no one from " + ", ".join(self.missing) + "."


def quorum(session: Session) -> tuple[str, ...]:
    row = session.get(StoreMeta, _QUORUM_KEY)
    return DEFAULT_QUORUM if row is None else tuple(json.loads(row.value))


def set_quorum(store: OpenStore, disciplines: tuple[str, ...]) -> None:
    unknown = [d for d in disciplines if d not in DISCIPLINES]
    if unknown:
        raise MeetingError(f"Quorum: {', '.join(unknown)} is not a discipline.")
    value = json.dumps(list(disciplines))
    with store.session() as s, s.begin():
        row = s.get(StoreMeta, _QUORUM_KEY)
        if row is None:
            s.add(StoreMeta(key=_QUORUM_KEY, value=value))
        else:
            row.value = value


def attendees_in(session: Session, meeting_id: str) -> list[Attendee]:
    found = session.execute(
        select(MeetingAttendee)
        .where(MeetingAttendee.meeting_id == meeting_id, MeetingAttendee.deleted.is_(False))
        .order_by(MeetingAttendee.discipline, MeetingAttendee.name)
    ).scalars()
    return [Attendee(a.id, a.staff_id, a.name, a.discipline, a.present) for a in found]


def attendees(store: OpenStore, meeting_id: str) -> list[Attendee]:
    with store.session() as s:
        return attendees_in(s, meeting_id)


def quoracy_of(required: tuple[str, ...], people: list[Attendee]) -> Quoracy:
    present = {a.discipline for a in people if a.present}
    return Quoracy(required, tuple(d for d in DISCIPLINES if d in present))


def quoracy(session: Session, meeting_id: str) -> Quoracy:
    return quoracy_of(quorum(session), attendees_in(session, meeting_id))


def roll_call(store: OpenStore, meeting_id: str) -> tuple[list[Attendee], Quoracy]:
    """Who is listed for the meeting, and whether those present make a quorum."""
    with store.session() as s:
        people = attendees_in(s, meeting_id)
        return people, quoracy_of(quorum(s), people)


def required(store: OpenStore) -> tuple[str, ...]:
    """The disciplines a quorum needs (a setting)."""
    with store.session() as s:
        return quorum(s)


def invite_team(session: Session, meeting_id: str) -> None:
    """Put every active staff member on the attendance list (absent until ticked)."""
    listed = {a.staff_id for a in attendees_in(session, meeting_id)}
    for staff in session.execute(
        select(StaffMember).where(StaffMember.deleted.is_(False), StaffMember.active.is_(True))
    ).scalars():
        if staff.id not in listed:
            session.add(
                MeetingAttendee(
                    meeting_id=meeting_id,
                    staff_id=staff.id,
                    name=staff.name,
                    discipline=discipline_of(staff.profession, staff.organisation_type),
                    present=False,
                )
            )


def mark(
    store: OpenStore, attendee_id: str, present: bool, reason_to_amend: str | None = None
) -> None:
    with store.session() as s, s.begin():
        attendee = s.get(MeetingAttendee, attendee_id)
        if attendee is None or attendee.deleted:
            raise MeetingError("That person is no longer on the attendance list.")
        guard(s, get(s, attendee.meeting_id), reason_to_amend, "attendance")
        attendee.present = present


def add_visitor(
    store: OpenStore,
    meeting_id: str,
    name: str,
    discipline: str,
    reason_to_amend: str | None = None,
) -> str:
    """Someone from outside the practice's staff list (present)."""
    name = name.strip()
    if not name:
        raise MeetingError("Name: say who attended.")
    if len(name) > 200:
        raise MeetingError("Name: keep it to 200 characters.")
    if discipline not in DISCIPLINES:
        raise MeetingError(f"Discipline: {discipline!r} is not one of {', '.join(DISCIPLINES)}.")
    with store.session() as s, s.begin():
        guard(s, get(s, meeting_id), reason_to_amend, "attendance")
        visitor = MeetingAttendee(
            meeting_id=meeting_id, staff_id=None, name=name, discipline=discipline, present=True
        )
        s.add(visitor)
        s.flush()
        return visitor.id
