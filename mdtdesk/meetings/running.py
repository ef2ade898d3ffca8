"""Running a meeting: starting it, recording each case as it is discussed, actions
agreed on the spot, and finishing it (undiscussed cases go forward to the next one).

Everything typed is written to the store as it is typed (the screen saves after a
short pause and before any move), so a crash or a lock loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.clock import short_day
from mdtdesk.meetings import agenda
from mdtdesk.meetings.attendance import invite_team
from mdtdesk.meetings.schedule import (
    MeetingError,
    get,
    guard,
    local_day,
    next_meeting,
)
from mdtdesk.store.models import Action, AgendaItem, Meeting, Outcome, Patient, StaffMember
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import OUTCOME

MAX_NOTES = 20_000


@dataclass(frozen=True, slots=True)
class Finished:
    carried: int
    next_meeting_id: str | None
    next_day: date | None


def begin(store: OpenStore, meeting_id: str) -> None:
    """Start (or resume) the meeting: the team is put on the attendance list."""
    with store.session() as s, s.begin():
        meeting = get(s, meeting_id)
        if meeting.state == "finished":
            raise MeetingError("This meeting is finished; open its record to amend it.")
        if meeting.state != "in_progress":
            meeting.state = "in_progress"
        invite_team(s, meeting_id)


def _outcome_of(session: Session, item: AgendaItem) -> Outcome | None:
    return (
        session.execute(
            select(Outcome).where(Outcome.agenda_item_id == item.id, Outcome.deleted.is_(False))
        )
        .scalars()
        .first()
    )


def record(
    store: OpenStore,
    item_id: str,
    *,
    outcome: str | None = None,
    notes: str | None = None,
    seconds_spent: int | None = None,
    reason_to_amend: str | None = None,
) -> None:
    """Write what is known so far about one case; unchanged values write nothing."""
    if outcome is not None and outcome not in OUTCOME:
        raise MeetingError(f"Outcome: {outcome!r} is not one of {', '.join(OUTCOME)}.")
    if notes is not None and len(notes) > MAX_NOTES:
        raise MeetingError(f"Notes: keep them under {MAX_NOTES:,} characters.")
    with store.session() as s, s.begin():
        item = s.get(AgendaItem, item_id)
        if item is None or item.deleted:
            raise MeetingError("That case is no longer on the agenda.")
        meeting = get(s, item.meeting_id)
        if meeting.state in ("planned", "agenda_circulated"):
            raise MeetingError("Start the meeting before recording outcomes.")
        row = _outcome_of(s, item)
        if (
            row is None
            or (outcome is not None and outcome != row.outcome)
            or (notes is not None and notes != (row.notes or ""))
        ):
            guard(s, meeting, reason_to_amend, "case outcome")
        if row is None:
            row = Outcome(
                agenda_item_id=item.id,
                patient_id=item.patient_id,
                outcome=outcome or "pending",
                notes=notes or "",
                recorded_by_id=store.actor.staff_id,
            )
            s.add(row)
        else:
            if outcome is not None and outcome != row.outcome:
                row.outcome = outcome
                row.recorded_by_id = store.actor.staff_id
            if notes is not None and notes != (row.notes or ""):
                row.notes = notes
        if seconds_spent is not None and seconds_spent != item.seconds_spent:
            item.seconds_spent = max(0, seconds_spent)


def add_action(
    store: OpenStore,
    item_id: str,
    *,
    description: str,
    owner_id: str | None,
    due_date: date | None,
    priority: str = "routine",
    reason_to_amend: str | None = None,
) -> str:
    """An action agreed in the meeting: a named-coordinator action like any other."""
    description = description.strip()
    if not description:
        raise MeetingError("Action: say what is to be done.")
    if owner_id is None:
        raise MeetingError("Owner: every action agreed in a meeting needs a named owner.")
    if due_date is None:
        raise MeetingError("Due date: every action agreed in a meeting needs a due date.")
    with store.session() as s, s.begin():
        item = s.get(AgendaItem, item_id)
        if item is None or item.deleted:
            raise MeetingError("That case is no longer on the agenda.")
        meeting = get(s, item.meeting_id)
        guard(s, meeting, reason_to_amend, "action added")
        if due_date < local_day(meeting.starts_at):
            raise MeetingError(
                f"Due date: {short_day(due_date)} is before the meeting; choose a later date."
            )
        owner = s.get(StaffMember, owner_id)
        if owner is None or owner.deleted:
            raise MeetingError("Owner: that person is not on the staff list.")
        action = Action(
            patient_id=item.patient_id,
            description=description,
            owner_id=owner_id,
            created_by_id=store.actor.staff_id,
            meeting_id=meeting.id,
            agenda_item_id=item.id,
            due_date=due_date,
            priority=priority,
            status="open",
        )
        s.add(action)
        s.flush()
        return action.id


def _next_for(session: Session, meeting: Meeting) -> Meeting | None:
    """The meeting undiscussed cases go to: the next one planned, or next week's in the
    series (made now if the series has run out)."""
    found = next_meeting(session, meeting)
    if found is not None or meeting.series_id is None:
        return found
    made = Meeting(
        starts_at=meeting.starts_at + timedelta(weeks=1),
        length_minutes=meeting.length_minutes,
        place=meeting.place,
        chair_id=meeting.chair_id,
        state="planned",
        series_id=meeting.series_id,
    )
    session.add(made)
    session.flush()
    return made


def finish(store: OpenStore, meeting_id: str) -> Finished:
    """Close the meeting: cases with no decision are recorded as not discussed and put
    on the next meeting's agenda."""
    with store.session() as s, s.begin():
        meeting = get(s, meeting_id)
        if meeting.state != "in_progress":
            raise MeetingError("Only a meeting in progress can be finished.")
        undiscussed: list[AgendaItem] = []
        for item in s.execute(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id, AgendaItem.deleted.is_(False))
            .order_by(AgendaItem.position)
        ).scalars():
            row = _outcome_of(s, item)
            if row is None:
                s.add(
                    Outcome(
                        agenda_item_id=item.id,
                        patient_id=item.patient_id,
                        outcome="not_discussed",
                        notes="",
                        recorded_by_id=store.actor.staff_id,
                    )
                )
                undiscussed.append(item)
            elif row.outcome in ("pending", "not_discussed"):
                row.outcome = "not_discussed"
                undiscussed.append(item)
        later = _next_for(s, meeting) if undiscussed else None
        carried = 0
        if later is not None:
            when = local_day(meeting.starts_at)
            already = set(
                s.execute(
                    select(AgendaItem.patient_id).where(
                        AgendaItem.meeting_id == later.id, AgendaItem.deleted.is_(False)
                    )
                ).scalars()
            )
            for item in undiscussed:
                if item.patient_id in already:
                    continue
                patient = s.get(Patient, item.patient_id)
                if patient is None or patient.deleted:
                    continue
                carried_item = agenda.add_case(
                    s,
                    later,
                    item.patient_id,
                    f"Carried forward: not discussed on {short_day(when)}. Was: {item.reason}",
                    minutes=item.minutes_planned,
                )
                carried_item.presenter_id = item.presenter_id
                carried_item.gp_id = item.gp_id
                s.flush()
                carried += 1
        meeting.state = "finished"
        return Finished(
            carried,
            later.id if later else None,
            local_day(later.starts_at) if later else None,
        )
