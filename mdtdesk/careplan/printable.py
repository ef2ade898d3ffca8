"""Everything a printed care plan shows, read in one transaction: the person, the
version to print, what the professional copy adds (conditions, risk, consent,
version history) and the actions the goals link to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.careplan.versions import PlanError, PlanVersion, as_version, current, rows_of
from mdtdesk.clock import age_on, short_day, today
from mdtdesk.labels import risk_label
from mdtdesk.store.models import (
    Action,
    Condition,
    KeyContact,
    Patient,
    RiskScore,
)
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import staff_names
from mdtdesk.store.vocab import efi_band


@dataclass(frozen=True, slots=True)
class LinkedAction:
    description: str
    owner: str
    due_date: date | None
    status: str


@dataclass(frozen=True, slots=True)
class Person:
    patient_id: str
    given_name: str
    family_name: str
    nhs_number: str
    date_of_birth: date
    age: int
    sex: str
    address: str
    postcode: str
    phone: str

    @property
    def display_name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True)
class PlanPaperData:
    person: Person
    plan: PlanVersion
    history: list[PlanVersion]  # newest first
    actions: dict[str, LinkedAction]
    conditions: list[tuple[str, date | None]]
    risk: list[str]
    consent: str
    consent_by: str | None
    consent_at: datetime | None
    coordinator: str | None
    key_contacts: list[str]
    practice: str


def _person(p: Patient, on: date) -> Person:
    return Person(
        patient_id=p.id,
        given_name=p.given_name,
        family_name=p.family_name,
        nhs_number=p.nhs_number,
        date_of_birth=p.date_of_birth,
        age=age_on(p.date_of_birth, on),
        sex=p.sex,
        address=p.address or "",
        postcode=p.postcode or "",
        phone=p.phone or "",
    )


def _actions(s: Session, plan: PlanVersion, staff: dict[str, str]) -> dict[str, LinkedAction]:
    ids = {a for g in plan.content.goals for a in g.actions}
    if not ids:
        return {}
    rows = s.execute(select(Action).where(Action.id.in_(ids), Action.deleted.is_(False))).scalars()
    return {
        a.id: LinkedAction(a.description, staff.get(a.owner_id or "", "—"), a.due_date, a.status)
        for a in rows
    }


def _risk(s: Session, p: Patient) -> list[str]:
    lines = []
    if p.efi_score is not None:
        lines.append(f"eFI {p.efi_score:.2f} ({efi_band(p.efi_score)} frailty)")
    scores = s.execute(
        select(RiskScore)
        .where(RiskScore.patient_id == p.id, RiskScore.deleted.is_(False))
        .order_by(RiskScore.recorded_on.desc())
    ).scalars()
    seen: set[str] = set()
    for r in scores:
        # The latest of each kind; the eFI is already given from the record.
        if r.kind not in seen and r.kind != "efi":
            seen.add(r.kind)
            kind = risk_label(r.kind)
            lines.append(f"{kind} {r.value:g} ({r.source}, {short_day(r.recorded_on)})")
    return lines


@dataclass(frozen=True)
class _Shared:
    """What every plan in a batch shares, read once."""

    staff: dict[str, str]
    practice: str
    on: date


def _shared(s: Session, store: OpenStore) -> _Shared:
    return _Shared(staff_names(s), store.practice().name, today(store.clock))


def gather(
    s: Session, shared: _Shared, patient_id: str, plan_id: str | None = None
) -> PlanPaperData:
    """The paper's data for one version (plan_id), or for the version to print."""
    p = s.get(Patient, patient_id)
    if p is None or p.deleted:
        raise PlanError("This person is no longer in the store.")
    rows = rows_of(s, patient_id)
    row = next((r for r in rows if r.id == plan_id), None) if plan_id else current(rows)
    if row is None:
        raise PlanError(f"{p.given_name} {p.family_name} has no care plan yet.")
    staff = shared.staff
    plan = as_version(row)
    conditions = s.execute(
        select(Condition.name, Condition.since)
        .where(Condition.patient_id == p.id, Condition.deleted.is_(False))
        .order_by(Condition.name)
    ).all()
    contacts = s.execute(
        select(KeyContact)
        .where(KeyContact.patient_id == p.id, KeyContact.deleted.is_(False))
        .order_by(KeyContact.name)
    ).scalars()
    return PlanPaperData(
        person=_person(p, shared.on),
        plan=plan,
        history=[as_version(r) for r in rows],
        actions=_actions(s, plan, staff),
        conditions=[(name, since) for name, since in conditions],
        risk=_risk(s, p),
        consent=p.consent_status,
        consent_by=staff.get(p.consent_recorded_by_id or ""),
        consent_at=p.consent_recorded_at,
        coordinator=staff.get(p.named_coordinator_id or ""),
        key_contacts=[
            f"{k.name} ({k.relationship}{', carer' if k.is_carer else ''})"
            + (f" {k.phone}" if k.phone else "")
            for k in contacts
        ],
        practice=shared.practice,
    )


def read(store: OpenStore, patient_id: str, plan_id: str | None = None) -> PlanPaperData:
    with store.session() as s, s.begin():
        return gather(s, _shared(s, store), patient_id, plan_id)


def read_many(
    store: OpenStore, patient_ids: Sequence[str]
) -> tuple[list[PlanPaperData], list[str]]:
    """Plans for a batch, and the names of the people who have none."""
    found: list[PlanPaperData] = []
    missing: list[str] = []
    with store.session() as s, s.begin():
        shared = _shared(s, store)
        for pid in patient_ids:
            try:
                found.append(gather(s, shared, pid))
            except PlanError:
                p = s.get(Patient, pid)
                missing.append(f"{p.family_name.upper()}, {p.given_name}" if p else pid)
    return found, missing


def find_by_nhs_number(store: OpenStore, nhs_number: str) -> str:
    with store.session() as s:
        found = (
            s.execute(
                select(Patient.id).where(
                    Patient.nhs_number == nhs_number, Patient.deleted.is_(False)
                )
            )
            .scalars()
            .all()
        )
    if not found:
        raise PlanError(f"No one with NHS number {nhs_number} is in this store.")
    if len(found) > 1:
        raise PlanError(
            f"{len(found)} records share NHS number {nhs_number}; merge the duplicate first."
        )
    return found[0]
