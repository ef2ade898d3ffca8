"""A patient's details as a form: validate what was typed, then save it in one go."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk import fields as parse
from mdtdesk.errors import Refusal
from mdtdesk.nhs_number import format_nhs
from mdtdesk.store.models import Patient, StaffMember
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import CASELOAD_STATUS, CONSENT

T = TypeVar("T")
SEX = {"female": "Female", "male": "Male", "other": "Other", "unknown": "Not known"}
_ID = re.compile(r"^[0-9a-f-]{36}$")


class FormInvalid(Refusal, ValueError):
    """Some fields are wrong; `problems` maps field name to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


class ChangedElsewhere(Refusal):
    """The record changed after it was opened (an import or another window)."""


class DuplicateNhsNumber(Refusal):
    def __init__(self, nhs_number: str, patient_id: str) -> None:
        super().__init__(f"NHS number {nhs_number} belongs to another patient in the caseload.")
        self.patient_id = patient_id


@dataclass(frozen=True)
class PatientDetails:
    nhs_number: str
    family_name: str
    given_name: str
    date_of_birth: date
    sex: str
    address: str | None
    postcode: str | None
    phone: str | None
    caseload_status: str
    named_coordinator_id: str | None
    consent_status: str
    efi_score: float | None
    lives_alone: bool
    is_a_carer: bool
    has_respect_form: bool
    next_review_date: date | None
    referral_date: date | None
    referral_source: str | None
    referral_reason: str | None
    date_of_death: date | None = None


FIELD_NAMES = tuple(f.name for f in fields(PatientDetails))
FLAGS = ("lives_alone", "is_a_carer", "has_respect_form")


def details_of(p: Patient) -> PatientDetails:
    return PatientDetails(**{name: getattr(p, name) for name in FIELD_NAMES})


def as_form(d: PatientDetails) -> dict[str, str | bool]:
    """The values a form shows (dates as DD/MM/YYYY), the inverse of `parse_form`."""
    out: dict[str, str | bool] = {}
    for name in FIELD_NAMES:
        value = getattr(d, name)
        if name in FLAGS:
            out[name] = bool(value)
        elif name == "nhs_number":
            out[name] = format_nhs(value)
        elif isinstance(value, date):
            out[name] = value.strftime("%d/%m/%Y")
        elif value is None:
            out[name] = ""
        else:
            out[name] = str(value)
    return out


def _text(values: Mapping[str, str | bool], name: str) -> str:
    value = values.get(name, "")
    return value if isinstance(value, str) else ""


def _choice(value: str, allowed: Mapping[str, str], what: str) -> str:
    if value not in allowed:
        raise parse.FieldError(f"{value!r} is not a {what} (one of {', '.join(allowed.values())})")
    return value


def checked(problems: dict[str, str], name: str, fn: Callable[[], T]) -> T | None:
    """fn()'s value, or None with what is wrong noted against the field's name."""
    try:
        return fn()
    except parse.FieldError as exc:
        problems[name] = str(exc)
        return None


def parse_form(values: Mapping[str, str | bool], today: date) -> PatientDetails:
    """Check every field and say what is wrong with each; raise FormInvalid if any is."""
    problems: dict[str, str] = {}
    parsed: dict[str, object] = {}

    def take(name: str, fn: Callable[[], object]) -> None:
        parsed[name] = checked(problems, name, fn)

    t = _text
    take("nhs_number", lambda: parse.parse_nhs_number(t(values, "nhs_number")))
    take("family_name", lambda: parse.parse_name(t(values, "family_name"), "family name"))
    take("given_name", lambda: parse.parse_name(t(values, "given_name"), "given name"))
    take("date_of_birth", lambda: parse.parse_date_of_birth(t(values, "date_of_birth"), today))
    take("sex", lambda: _choice(t(values, "sex"), SEX, "sex"))
    take("address", lambda: parse.parse_address(t(values, "address")))
    take(
        "postcode",
        lambda: parse.parse_postcode(t(values, "postcode")) if t(values, "postcode") else None,
    )
    take("phone", lambda: parse.parse_phone(t(values, "phone")))
    take(
        "caseload_status",
        lambda: _choice(t(values, "caseload_status"), CASELOAD_STATUS, "caseload status"),
    )
    take("named_coordinator_id", lambda: _staff_id(t(values, "named_coordinator_id")))
    take("consent_status", lambda: _choice(t(values, "consent_status"), CONSENT, "consent"))
    take("efi_score", lambda: parse.parse_efi(t(values, "efi_score")))
    take(
        "next_review_date",
        lambda: parse.parse_optional_date(t(values, "next_review_date"), "next review date"),
    )
    take(
        "referral_date",
        lambda: _not_future(
            parse.parse_optional_date(t(values, "referral_date"), "referral date"), today
        ),
    )
    take(
        "referral_source",
        lambda: parse.parse_text(t(values, "referral_source"), "referral source", 100),
    )
    take(
        "referral_reason",
        lambda: parse.parse_text(t(values, "referral_reason"), "referral reason", 2000),
    )
    take(
        "date_of_death",
        lambda: _not_future(
            parse.parse_optional_date(t(values, "date_of_death"), "date of death"), today
        ),
    )
    for flag in FLAGS:
        parsed[flag] = bool(values.get(flag, False))
    born = parsed.get("date_of_birth")
    died = parsed.get("date_of_death")
    if isinstance(died, date) and isinstance(born, date) and died < born:
        problems["date_of_death"] = "the date of death is before the date of birth"
    elif isinstance(died, date) and parsed.get("caseload_status") not in (None, "died"):
        # As in the caseload CSV: a date of death means the status Died, said, not assumed.
        problems["date_of_death"] = "a date of death needs the status Died"
    review = parsed.get("next_review_date")
    if isinstance(born, date) and isinstance(review, date) and review < born:
        problems["next_review_date"] = "the next review is before the date of birth"
    if problems:
        raise FormInvalid(problems)
    return PatientDetails(**parsed)  # type: ignore[arg-type]


def _staff_id(value: str) -> str | None:
    if not value:
        return None
    if not _ID.match(value):
        raise parse.FieldError("choose a named coordinator from the list")
    return value


def _not_future(value: date | None, today: date) -> date | None:
    if value is not None and value > today:
        raise parse.FieldError(f"{value:%d/%m/%Y} is in the future")
    return value


@dataclass(frozen=True)
class Saved:
    patient_id: str
    changed: tuple[str, ...]
    updated_at: datetime


def check_nhs_number_free(session: Session, nhs_number: str, patient_id: str | None) -> None:
    query = select(Patient.id).where(Patient.nhs_number == nhs_number, Patient.deleted.is_(False))
    for other in session.execute(query).scalars():
        if other != patient_id:
            raise DuplicateNhsNumber(nhs_number, other)


def check_coordinator(session: Session, staff_id: str | None) -> None:
    if staff_id is None:
        return
    member = session.get(StaffMember, staff_id)
    if member is None or member.deleted:
        raise FormInvalid({"named_coordinator_id": "that staff member is not in this store"})


def apply_details(store: OpenStore, patient: Patient, d: PatientDetails) -> None:
    if d.consent_status != patient.consent_status:
        patient.consent_recorded_by_id = store.actor.staff_id
        patient.consent_recorded_at = store.clock.now()
    for name in FIELD_NAMES:
        if getattr(patient, name) != getattr(d, name):
            setattr(patient, name, getattr(d, name))


def save_details(
    store: OpenStore, patient_id: str, d: PatientDetails, seen_updated_at: datetime
) -> Saved:
    """Write changed fields in one transaction; refuse if the record moved on meanwhile."""
    with store.session() as s, s.begin():
        patient = s.get(Patient, patient_id)
        if patient is None or patient.deleted:
            raise ChangedElsewhere("This patient is no longer in the caseload.")
        if patient.updated_at != seen_updated_at:
            raise ChangedElsewhere(
                "This record was changed after you opened it (by an import or another "
                "window). Your edits are kept: reopen the record to see the new version."
            )
        check_nhs_number_free(s, d.nhs_number, patient_id)
        check_coordinator(s, d.named_coordinator_id)
        before = details_of(patient)
        changed = tuple(n for n in FIELD_NAMES if getattr(before, n) != getattr(d, n))
        if changed:
            apply_details(store, patient, d)
            s.flush()
        return Saved(patient_id, changed, patient.updated_at)
