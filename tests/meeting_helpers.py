"""Small builders for meeting tests: people, staff and meetings on given days."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from mdtdesk import nhs_number
from mdtdesk.meetings import schedule
from mdtdesk.store.models import AuditEvent, Meeting, Patient, StaffMember
from mdtdesk.store.opened import OpenStore

_numbers = nhs_number.synthetic_numbers(start=4000)
MEETING_DAY = date(2026, 11, 24)  # a Tuesday; the test clock says Monday 23 Nov 2026
LAST_DAY = date(2026, 11, 17)


def add_patient(store: OpenStore, family: str, **fields: Any) -> str:
    values: dict[str, Any] = dict(
        nhs_number=next(_numbers),
        family_name=family,
        given_name="Test",
        date_of_birth=date(1938, 5, 6),
        sex="female",
        caseload_status="active",
    )
    values.update(fields)
    with store.session() as s, s.begin():
        patient = Patient(**values)
        s.add(patient)
        s.flush()
        return patient.id


def add_staff(store: OpenStore, name: str, profession: str, organisation: str = "health") -> str:
    with store.session() as s, s.begin():
        staff = StaffMember(name=name, profession=profession, organisation_type=organisation)
        s.add(staff)
        s.flush()
        return staff.id


def me(store: OpenStore) -> str:
    assert store.actor.staff_id is not None
    return store.actor.staff_id


def meeting_on(store: OpenStore, day: date, state: str = "planned", length: int = 60) -> str:
    [mid] = schedule.schedule(
        store,
        starts_at=datetime.combine(day, time(12, 30), tzinfo=UTC),
        length_minutes=length,
        place="Room 2",
        chair_id=me(store),
    )
    if state != "planned":
        set_state(store, mid, state)
    return mid


def set_state(store: OpenStore, meeting_id: str, state: str) -> None:
    with store.session() as s, s.begin():
        s.execute(select(Meeting).where(Meeting.id == meeting_id)).scalar_one().state = state


def audit_details(store: OpenStore, action: str) -> list[dict[str, Any]]:
    """The detail of every audit row of one kind, oldest first."""
    with store.session() as s:
        rows = s.execute(
            select(AuditEvent.detail).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        ).scalars()
        return [json.loads(d) for d in rows]


def add_row(store: OpenStore, model: type[Any], **values: Any) -> str:
    with store.session() as s, s.begin():
        row = model(**values)
        s.add(row)
        s.flush()
        return str(row.id)
