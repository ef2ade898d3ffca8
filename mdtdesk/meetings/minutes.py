"""Everything the agenda, minutes and outcome summaries print, read in one session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from mdtdesk.meetings import agenda as agenda_rows
from mdtdesk.meetings.agenda import AgendaRow, Slot
from mdtdesk.meetings.attendance import Attendee, Quoracy, attendees_in, quoracy_of, quorum
from mdtdesk.meetings.schedule import MeetingRow, get, local_day, row_of
from mdtdesk.store.models import Action, Patient, StaffMember
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import staff_names
from mdtdesk.store.vocab import OUTCOME


@dataclass(frozen=True, slots=True)
class ActionLine:
    description: str
    owner: str
    due: date | None
    status: str


@dataclass(frozen=True)
class Case:
    row: AgendaRow
    start: datetime
    slot: Slot | None
    date_of_birth: date
    coordinator: str
    outcome: str
    actions: list[ActionLine]


@dataclass(frozen=True)
class MeetingRecord:
    practice: str
    ods_code: str
    meeting: MeetingRow
    attendees: list[Attendee]
    quoracy: Quoracy
    cases: list[Case]
    slots: list[Slot]
    total_minutes: int

    @property
    def day(self) -> date:
        return local_day(self.meeting.starts_at)

    @property
    def present(self) -> list[Attendee]:
        return [a for a in self.attendees if a.present]

    @property
    def apologies(self) -> list[Attendee]:
        return [a for a in self.attendees if not a.present]


def meeting_record(store: OpenStore, meeting_id: str) -> MeetingRecord:
    practice = store.practice()
    with store.session() as s:
        meeting = get(s, meeting_id)
        chair = s.get(StaffMember, meeting.chair_id) if meeting.chair_id else None
        found = agenda_rows.rows(s, meeting_id)
        staff = staff_names(s)
        people = {
            p.id: p
            for p in s.execute(
                select(Patient).where(Patient.id.in_([r.patient_id for r in found]))
            ).scalars()
        }
        actions: dict[str, list[ActionLine]] = {}
        for a in s.execute(
            select(Action)
            .where(Action.meeting_id == meeting_id, Action.deleted.is_(False))
            .order_by(Action.created_at)
        ).scalars():
            actions.setdefault(a.agenda_item_id or "", []).append(
                ActionLine(a.description, staff.get(a.owner_id or "", ""), a.due_date, a.status)
            )
        timing = agenda_rows.timing(meeting.starts_at, meeting.length_minutes, found)
        slots = agenda_rows.slots(meeting.starts_at, found)
        cases = []
        for row, start in zip(found, timing.starts, strict=True):
            patient = people[row.patient_id]
            cases.append(
                Case(
                    row=row,
                    start=start,
                    slot=agenda_rows.slot_of(row, slots, start),
                    date_of_birth=patient.date_of_birth,
                    coordinator=staff.get(patient.named_coordinator_id or "", ""),
                    outcome=OUTCOME.get(row.outcome or "pending", "Not yet decided"),
                    actions=actions.get(row.id, []),
                )
            )
        listed = attendees_in(s, meeting_id)
        return MeetingRecord(
            practice=practice.name,
            ods_code=practice.ods_code,
            meeting=row_of(meeting, chair.name if chair else None, len(found)),
            attendees=listed,
            quoracy=quoracy_of(quorum(s), listed),
            cases=cases,
            slots=slots,
            total_minutes=timing.total,
        )
