"""Everything one patient's record screen shows, read in one session and audited as a view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select

from mdtdesk.careplan.versions import PlanVersion, as_version, rows_of
from mdtdesk.clock import age_on, today
from mdtdesk.errors import Refusal
from mdtdesk.patients.details import PatientDetails, details_of
from mdtdesk.patients.timeline import TimelineEntry, build_timeline
from mdtdesk.store import audit
from mdtdesk.store.models import (
    Action,
    Condition,
    ContactLogEntry,
    HospitalEvent,
    KeyContact,
    Patient,
    Record,
    RiskScore,
    Service,
)
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import staff_names
from mdtdesk.store.vocab import efi_band

R = TypeVar("R", bound=Record)


class PatientGone(Refusal, LookupError):
    pass


@dataclass(frozen=True, slots=True)
class ConditionRow:
    name: str
    since: date | None


@dataclass(frozen=True, slots=True)
class RiskRow:
    kind: str
    value: float
    source: str
    recorded_on: date


@dataclass(frozen=True, slots=True)
class KeyContactRow:
    name: str
    relationship: str
    phone: str | None
    is_carer: bool
    is_next_of_kin: bool


@dataclass(frozen=True, slots=True)
class HospitalRow:
    id: str
    kind: str
    started_on: date
    ended_on: date | None
    planned: bool
    hospital: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class ActionRow:
    id: str
    description: str
    owner: str | None
    due_date: date | None
    status: str
    priority: str
    service: str | None
    referral_status: str | None


@dataclass(frozen=True, slots=True)
class ContactRow:
    at: datetime
    kind: str
    staff: str | None
    duration_minutes: int | None
    notes: str | None
    with_whom: str | None


@dataclass(frozen=True)
class PatientRecord:
    patient_id: str
    updated_at: datetime
    details: PatientDetails
    age: int
    coordinator: str | None
    consent_recorded_by: str | None
    consent_recorded_at: datetime | None
    risk_band: str | None
    conditions: list[ConditionRow]
    risk_scores: list[RiskRow]
    key_contacts: list[KeyContactRow]
    hospital: list[HospitalRow]
    care_plans: list[PlanVersion]  # newest first
    actions: list[ActionRow]
    contacts: list[ContactRow]
    timeline: list[TimelineEntry]

    @property
    def display_name(self) -> str:
        return f"{self.details.family_name.upper()}, {self.details.given_name}"


def load_record(store: OpenStore, patient_id: str) -> PatientRecord:
    """Read one patient's whole record; the view is written to the audit log."""
    with store.session() as s, s.begin():
        p = s.get(Patient, patient_id)
        if p is None or p.deleted:
            raise PatientGone("This patient is no longer in the caseload.")
        staff = staff_names(s)

        def rows(model: type[R], order: Any) -> list[R]:
            of_patient = getattr(model, "patient_id") == patient_id  # noqa: B009
            query = select(model).where(of_patient, model.deleted.is_(False)).order_by(order)
            return list(s.execute(query).scalars())

        conditions = [ConditionRow(c.name, c.since) for c in rows(Condition, Condition.name)]
        risks = [
            RiskRow(r.kind, r.value, r.source, r.recorded_on)
            for r in rows(RiskScore, RiskScore.recorded_on.desc())
        ]
        contacts_k = [
            KeyContactRow(k.name, k.relationship, k.phone, k.is_carer, k.is_next_of_kin)
            for k in rows(KeyContact, KeyContact.name)
        ]
        hospital = [
            HospitalRow(h.id, h.kind, h.started_on, h.ended_on, h.planned, h.hospital, h.reason)
            for h in rows(HospitalEvent, HospitalEvent.started_on.desc())
        ]
        plans = rows_of(s, patient_id)
        actions = rows(Action, Action.created_at.desc())
        contacts = rows(ContactLogEntry, ContactLogEntry.at.desc())
        services = dict(s.execute(select(Service.id, Service.name)).all())
        timeline = build_timeline(s, p, staff, plans, actions, contacts, hospital, services)
        audit.log(s, "view", entity="patient", record_id=patient_id)
        return PatientRecord(
            patient_id=p.id,
            updated_at=p.updated_at,
            details=details_of(p),
            age=age_on(p.date_of_birth, today(store.clock)),
            coordinator=staff.get(p.named_coordinator_id or ""),
            consent_recorded_by=staff.get(p.consent_recorded_by_id or ""),
            consent_recorded_at=p.consent_recorded_at,
            risk_band=efi_band(p.efi_score),
            conditions=conditions,
            risk_scores=risks,
            key_contacts=contacts_k,
            hospital=hospital,
            care_plans=[as_version(c) for c in plans],
            actions=[
                ActionRow(
                    a.id,
                    a.description,
                    staff.get(a.owner_id or ""),
                    a.due_date,
                    a.status,
                    a.priority,
                    services.get(a.service_id or ""),
                    a.referral_status,
                )
                for a in actions
            ],
            contacts=[
                ContactRow(
                    c.at,
                    c.kind,
                    staff.get(c.staff_id or ""),
                    c.duration_minutes,
                    c.notes,
                    c.with_whom,
                )
                for c in contacts
            ],
            timeline=timeline,
        )
