"""Referring a person into the caseload, after looking for them first.

A likely duplicate is the same NHS number (certain: the NHS number is the matching
key) or the same date of birth with a similar name (a mistyped or changed NHS number).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from sqlalchemy import or_, select

from mdtdesk.patients.details import (
    PatientDetails,
    apply_details,
    check_coordinator,
    check_nhs_number_free,
)
from mdtdesk.store.models import Patient
from mdtdesk.store.opened import OpenStore

SIMILAR = 0.75


@dataclass(frozen=True)
class Candidate:
    patient_id: str
    nhs_number: str
    family_name: str
    given_name: str
    date_of_birth: date
    caseload_status: str
    same_nhs_number: bool

    @property
    def why(self) -> str:
        if self.same_nhs_number:
            return "same NHS number"
        return "same date of birth and a similar name"


def _plain(text: str) -> str:
    """Lower case without accents, so 'Zoë' and 'Zoe' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def similar_names(a_family: str, a_given: str, b_family: str, b_given: str) -> bool:
    fa, ga, fb, gb = map(_plain, (a_family, a_given, b_family, b_given))
    if fa == fb and ga[:1] == gb[:1]:
        return True
    whole = SequenceMatcher(None, f"{ga} {fa}", f"{gb} {fb}").ratio()
    swapped = SequenceMatcher(None, f"{ga} {fa}", f"{fb} {gb}").ratio()
    return max(whole, swapped) >= SIMILAR


def likely_duplicates(
    store: OpenStore, nhs_number: str, date_of_birth: date, family_name: str, given_name: str
) -> list[Candidate]:
    with store.session() as s:
        found = s.execute(
            select(Patient).where(
                Patient.deleted.is_(False),
                or_(Patient.nhs_number == nhs_number, Patient.date_of_birth == date_of_birth),
            )
        ).scalars()
        out = [
            Candidate(
                p.id,
                p.nhs_number,
                p.family_name,
                p.given_name,
                p.date_of_birth,
                p.caseload_status,
                p.nhs_number == nhs_number,
            )
            for p in found
            if p.nhs_number == nhs_number
            or similar_names(family_name, given_name, p.family_name, p.given_name)
        ]
    return sorted(out, key=lambda c: (not c.same_nhs_number, c.family_name, c.given_name))


@dataclass(frozen=True)
class Referred:
    patient_id: str


def refer(store: OpenStore, d: PatientDetails) -> Referred:
    """Add a person to the caseload as referred. A known NHS number is refused."""
    with store.session() as s, s.begin():
        check_nhs_number_free(s, d.nhs_number, None)
        check_coordinator(s, d.named_coordinator_id)
        patient = Patient(consent_status="not_asked")
        s.add(patient)
        # Consent other than "not yet asked" is stamped with who recorded it and when.
        apply_details(store, patient, d)
        s.flush()
        return Referred(patient.id)
