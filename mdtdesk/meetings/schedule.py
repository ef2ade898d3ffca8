"""Meetings and their states: planned -> agenda circulated -> in progress -> finished.

A finished meeting is the team's record of what was decided: it can still be
corrected, but only with a reason, and each correction is audited as an amendment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mdtdesk.clock import short_day
from mdtdesk.store import audit
from mdtdesk.store.errors import StoreError
from mdtdesk.store.models import AgendaItem, Meeting, StaffMember
from mdtdesk.store.opened import OpenStore

STATES = ("planned", "agenda_circulated", "in_progress", "finished")
MAX_WEEKS = 52


class MeetingError(StoreError):
    """A meeting change that cannot be made; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class MeetingRow:
    id: str
    starts_at: datetime
    length_minutes: int
    place: str
    chair_id: str | None
    chair: str
    state: str
    series_id: str | None
    cases: int

    @property
    def day(self) -> date:
        return local_day(self.starts_at)


def local_day(when: datetime) -> date:
    """The date a meeting falls on where the practice is (the machine's time zone)."""
    return when.astimezone().date()


MAX_LENGTH_MINUTES = 480


def _check(starts_at: datetime, length_minutes: int, place: str) -> None:
    if starts_at.tzinfo is None:
        raise MeetingError("A meeting time needs a time zone.")
    if not 15 <= length_minutes <= MAX_LENGTH_MINUTES:
        raise MeetingError(
            f"Length: {length_minutes} minutes is not between 15 minutes and 8 hours."
        )
    if len(place) > 200:
        raise MeetingError("Place: keep it to 200 characters.")


def _refuse_clash(
    session: Session, starts_at: datetime, length_minutes: int, other_than: str | None = None
) -> None:
    """Refuse a meeting that overlaps another (meetings once double-booked silently)."""
    ends_at = starts_at + timedelta(minutes=length_minutes)
    near = session.execute(
        select(Meeting).where(
            Meeting.deleted.is_(False),
            Meeting.starts_at < ends_at,
            Meeting.starts_at > starts_at - timedelta(minutes=MAX_LENGTH_MINUTES),
        )
    ).scalars()
    for other in near:
        other_start = other.starts_at.replace(tzinfo=other.starts_at.tzinfo or UTC)
        other_end = other_start + timedelta(minutes=other.length_minutes)
        if other.id != other_than and other_start < ends_at and starts_at < other_end:
            local = other_start.astimezone()
            raise MeetingError(
                f"Time: another meeting is already planned for {local:%a} "
                f"{local.day} {local:%b %Y} at {local:%H:%M} ({other.length_minutes} min)."
            )


def schedule(
    store: OpenStore,
    *,
    starts_at: datetime,
    length_minutes: int,
    place: str,
    chair_id: str | None,
    weeks: int = 1,
) -> list[str]:
    """Plan one meeting, or a weekly series of `weeks` meetings at the same time."""
    _check(starts_at, length_minutes, place)
    if not 1 <= weeks <= MAX_WEEKS:
        raise MeetingError(f"Repeat: {weeks} weeks is not between 1 and {MAX_WEEKS}.")
    with store.session() as s, s.begin():
        made: list[Meeting] = []
        for week in range(weeks):
            _refuse_clash(s, starts_at + timedelta(weeks=week), length_minutes)
            meeting = Meeting(
                starts_at=starts_at + timedelta(weeks=week),
                length_minutes=length_minutes,
                place=place.strip(),
                chair_id=chair_id,
                state="planned",
            )
            s.add(meeting)
            made.append(meeting)
        s.flush()
        if weeks > 1:
            for meeting in made:
                meeting.series_id = made[0].id
        return [m.id for m in made]


def _rows(store: OpenStore, meeting_id: str | None = None) -> list[MeetingRow]:
    cases = (
        select(AgendaItem.meeting_id, func.count().label("n"))
        .where(AgendaItem.deleted.is_(False))
        .group_by(AgendaItem.meeting_id)
        .subquery()
    )
    query = (
        select(Meeting, StaffMember.name, cases.c.n)
        .outerjoin(StaffMember, StaffMember.id == Meeting.chair_id)
        .outerjoin(cases, cases.c.meeting_id == Meeting.id)
        .where(Meeting.deleted.is_(False))
        .order_by(Meeting.starts_at)
    )
    if meeting_id is not None:
        query = query.where(Meeting.id == meeting_id)
    with store.session() as s:
        return [row_of(m, chair, n) for m, chair, n in s.execute(query).all()]


def list_meetings(store: OpenStore) -> list[MeetingRow]:
    """Every meeting, oldest first, with its chair's name and number of cases."""
    return _rows(store)


def meeting_row(store: OpenStore, meeting_id: str) -> MeetingRow:
    found = _rows(store, meeting_id)
    if not found:
        raise MeetingError("That meeting no longer exists (it may have been removed).")
    return found[0]


def row_of(m: Meeting, chair: str | None, cases: int | None) -> MeetingRow:
    return MeetingRow(
        m.id,
        m.starts_at,
        m.length_minutes,
        m.place or "",
        m.chair_id,
        chair or "",
        m.state,
        m.series_id,
        cases or 0,
    )


def get(session: Session, meeting_id: str) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.deleted:
        raise MeetingError("That meeting no longer exists (it may have been removed).")
    return meeting


def guard(session: Session, meeting: Meeting, reason: str | None, what: str) -> None:
    """Let a change to this meeting's record through, as an audited amendment if finished."""
    if meeting.state != "finished":
        return
    if not reason or not reason.strip():
        raise MeetingError(
            f"The meeting of {short_day(local_day(meeting.starts_at))} is finished: "
            "give a reason to amend its record."
        )
    audit.log(session, "amend", entity="meeting", record_id=meeting.id, change=what, reason=reason)


def previous_meeting(session: Session, meeting: Meeting) -> Meeting | None:
    return (
        session.execute(
            select(Meeting)
            .where(Meeting.deleted.is_(False), Meeting.starts_at < meeting.starts_at)
            .order_by(Meeting.starts_at.desc())
            .limit(1)
        )
        .scalars()
        .first()
    )


def next_meeting(session: Session, meeting: Meeting) -> Meeting | None:
    """The next meeting after this one that has not started."""
    return (
        session.execute(
            select(Meeting)
            .where(
                Meeting.deleted.is_(False),
                Meeting.starts_at > meeting.starts_at,
                Meeting.state.in_(("planned", "agenda_circulated")),
            )
            .order_by(Meeting.starts_at)
            .limit(1)
        )
        .scalars()
        .first()
    )


def edit(
    store: OpenStore,
    meeting_id: str,
    *,
    starts_at: datetime,
    length_minutes: int,
    place: str,
    chair_id: str | None,
    reason: str | None = None,
) -> None:
    _check(starts_at, length_minutes, place)
    with store.session() as s, s.begin():
        meeting = get(s, meeting_id)
        guard(s, meeting, reason, "meeting details")
        _refuse_clash(s, starts_at, length_minutes, other_than=meeting_id)
        meeting.starts_at = starts_at
        meeting.length_minutes = length_minutes
        meeting.place = place.strip()
        meeting.chair_id = chair_id


def circulate(store: OpenStore, meeting_id: str) -> None:
    """Mark the agenda as sent to the team: cases added from now on are late additions."""
    with store.session() as s, s.begin():
        meeting = get(s, meeting_id)
        if meeting.state != "planned":
            raise MeetingError(f"The agenda cannot be circulated: the meeting is {_said(meeting)}.")
        meeting.state = "agenda_circulated"


def _said(meeting: Meeting) -> str:
    return {
        "planned": "only planned",
        "agenda_circulated": "already circulated",
        "in_progress": "already in progress",
        "finished": "finished",
    }[meeting.state]
