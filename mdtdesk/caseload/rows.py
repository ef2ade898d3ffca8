"""The rows a caseload list shows, in one query (no per-patient round trips)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from mdtdesk.clock import age_on, today
from mdtdesk.store.models import Action, HospitalEvent, Patient, StaffMember
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import OPEN_ACTION_STATUSES, efi_band


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    patient_id: str
    nhs_number: str
    family_name: str
    given_name: str
    date_of_birth: date
    age: int
    postcode: str | None
    coordinator_id: str | None
    coordinator: str | None
    status: str
    risk_band: str | None
    consent: str
    next_review: date | None
    open_actions: int
    last_admission: date | None

    @property
    def display_name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name}"


def caseload_rows(store: OpenStore) -> list[CaseloadRow]:
    on = today(store.clock)
    open_actions = (
        select(Action.patient_id, func.count().label("n"))
        .where(Action.deleted.is_(False), Action.status.in_(OPEN_ACTION_STATUSES))
        .group_by(Action.patient_id)
        .subquery()
    )
    admissions = (
        select(HospitalEvent.patient_id, func.max(HospitalEvent.started_on).label("last"))
        .where(HospitalEvent.deleted.is_(False), HospitalEvent.kind == "admission")
        .group_by(HospitalEvent.patient_id)
        .subquery()
    )
    query = (
        select(
            Patient.id,
            Patient.nhs_number,
            Patient.family_name,
            Patient.given_name,
            Patient.date_of_birth,
            Patient.postcode,
            Patient.named_coordinator_id,
            StaffMember.name,
            Patient.caseload_status,
            Patient.efi_score,
            Patient.consent_status,
            Patient.next_review_date,
            func.coalesce(open_actions.c.n, 0),
            admissions.c.last,
        )
        .outerjoin(StaffMember, StaffMember.id == Patient.named_coordinator_id)
        .outerjoin(open_actions, open_actions.c.patient_id == Patient.id)
        .outerjoin(admissions, admissions.c.patient_id == Patient.id)
        .where(Patient.deleted.is_(False))
        .order_by(Patient.family_name, Patient.given_name)
    )
    with store.session() as s:
        result = s.execute(query).all()
    return [
        CaseloadRow(
            patient_id=r[0],
            nhs_number=r[1],
            family_name=r[2],
            given_name=r[3],
            date_of_birth=r[4],
            age=age_on(r[4], on),
            postcode=r[5],
            coordinator_id=r[6],
            coordinator=r[7],
            status=r[8],
            risk_band=efi_band(r[9]),
            consent=r[10],
            next_review=r[11],
            open_actions=r[12],
            last_admission=r[13],
        )
        for r in result
    ]
