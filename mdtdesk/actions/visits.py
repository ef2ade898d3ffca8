"""A day of home visits for one coordinator: the people with actions of theirs due
that day or overdue, with address, phone and carers, in postcode order so the round
can be planned."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from mdtdesk.actions.tracking import ActionError
from mdtdesk.actions.worklist import Filter, WorkItem, worklist
from mdtdesk.clock import age_on
from mdtdesk.store.models import KeyContact, Patient, StaffMember
from mdtdesk.store.opened import OpenStore


@dataclass(frozen=True, slots=True)
class Visit:
    patient_id: str
    name: str
    nhs_number: str
    born: date
    age: int
    address: str
    postcode: str
    phone: str
    carers: tuple[str, ...]  # "Name (relationship) phone"
    actions: tuple[WorkItem, ...]


@dataclass(frozen=True)
class VisitList:
    owner: str
    day: date
    visits: list[Visit]


def visit_list(
    store: OpenStore, owner_id: str, day: date, patient_ids: Sequence[str] | None = None
) -> VisitList:
    """Everyone with an open action of owner_id's due on or before day (or only the
    people chosen, with all their open actions of owner_id's)."""
    items = worklist(store, Filter(owner_id=owner_id)).items
    chosen = set(patient_ids) if patient_ids is not None else None
    by_patient: dict[str, list[WorkItem]] = defaultdict(list)
    for item in items:
        due = item.due_date is not None and item.due_date <= day
        if (chosen is None and due) or (chosen is not None and item.patient_id in chosen):
            by_patient[item.patient_id].append(item)
    with store.session() as s:
        owner = s.get(StaffMember, owner_id)
        if owner is None:
            raise ActionError("Owner: that person is not on the staff list.")
        patients = s.execute(select(Patient).where(Patient.id.in_(list(by_patient)))).scalars()
        carers: dict[str, list[str]] = defaultdict(list)
        for k in s.execute(
            select(KeyContact)
            .where(
                KeyContact.patient_id.in_(list(by_patient)),
                KeyContact.deleted.is_(False),
                KeyContact.is_carer.is_(True),
            )
            .order_by(KeyContact.name)
        ).scalars():
            phone = f" {k.phone}" if k.phone else ""
            carers[k.patient_id].append(f"{k.name} ({k.relationship.lower()}){phone}")
        visits = [
            Visit(
                patient_id=p.id,
                name=f"{p.family_name.upper()}, {p.given_name}",
                nhs_number=p.nhs_number,
                born=p.date_of_birth,
                age=age_on(p.date_of_birth, day),
                address=p.address or "",
                postcode=p.postcode or "",
                phone=p.phone or "",
                carers=tuple(carers[p.id]),
                actions=tuple(by_patient[p.id]),
            )
            for p in patients
        ]
    visits.sort(key=lambda v: (v.postcode or "~", v.name))
    return VisitList(owner.name, day, visits)
