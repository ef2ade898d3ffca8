"""Hospital admissions and A&E attendances: add and edit, validated first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from mdtdesk import fields as parse
from mdtdesk.clock import today
from mdtdesk.patients.details import FormInvalid, checked
from mdtdesk.patients.record import PatientGone
from mdtdesk.store.models import HospitalEvent, Patient
from mdtdesk.store.opened import OpenStore

KINDS = {"admission": "Admission", "ae_attendance": "A&E attendance"}


@dataclass(frozen=True)
class HospitalVisit:
    kind: str
    started_on: date
    ended_on: date | None
    planned: bool
    hospital: str | None
    reason: str | None


def parse_visit(values: Mapping[str, str | bool], on: date) -> HospitalVisit:
    def text(name: str) -> str:
        value = values.get(name, "")
        return value if isinstance(value, str) else ""

    problems: dict[str, str] = {}
    kind = text("kind")
    if kind not in KINDS:
        problems["kind"] = "choose admission or A&E attendance"
    started = checked(
        problems, "started_on", lambda: parse.parse_date(text("started_on"), "the start date")
    )
    if started is not None and started > on:
        problems["started_on"] = f"{started:%d/%m/%Y} is in the future"
    ended = checked(
        problems,
        "ended_on",
        lambda: parse.parse_optional_date(text("ended_on"), "the discharge date"),
    )
    if ended is not None and started is not None and ended < started:
        problems["ended_on"] = "the discharge date is before the admission date"
    if ended is not None and kind == "ae_attendance":
        problems["ended_on"] = "an A&E attendance has no discharge date"
    hospital = checked(
        problems, "hospital", lambda: parse.parse_text(text("hospital"), "hospital", 200)
    )
    reason = checked(problems, "reason", lambda: parse.parse_text(text("reason"), "reason", 2000))
    if problems or started is None:
        raise FormInvalid(problems)
    planned = bool(values.get("planned", False)) and kind == "admission"
    return HospitalVisit(kind, started, ended, planned, hospital, reason)


@dataclass(frozen=True)
class VisitSaved:
    event_id: str
    created: bool


def save_visit(
    store: OpenStore, patient_id: str, visit: HospitalVisit, event_id: str | None = None
) -> VisitSaved:
    """Add a visit (event_id None) or change one, in one transaction."""
    if visit.started_on > today(store.clock):
        raise FormInvalid({"started_on": "the date is in the future"})
    with store.session() as s, s.begin():
        patient = s.get(Patient, patient_id)
        if patient is None or patient.deleted:
            raise PatientGone("This patient is no longer in the caseload.")
        if event_id is None:
            event = HospitalEvent(patient_id=patient_id)
            s.add(event)
        else:
            found = s.get(HospitalEvent, event_id)
            if found is None or found.deleted or found.patient_id != patient_id:
                raise PatientGone("That hospital visit is no longer in the record.")
            event = found
        event.kind = visit.kind
        event.started_on = visit.started_on
        event.ended_on = visit.ended_on
        event.planned = visit.planned
        event.hospital = visit.hospital
        event.reason = visit.reason
        s.flush()
        return VisitSaved(event.id, event_id is None)
