"""What of a person who declined sharing may go to the hub.

Identity and status always go (the hub cannot place a record without them, and the
consent decision itself is what tells hub staff why the rest is missing). The other
categories are off unless the practice turns them on.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.store import audit
from mdtdesk.store.errors import StoreError
from mdtdesk.store.models import StoreMeta

ALWAYS = frozenset({"identity", "status"})
CATEGORIES: dict[str, str] = {
    "identity": "NHS number, name, date of birth, sex",
    "status": "caseload status and the consent decision",
    "coordinator": "named coordinator",
    "contact": "address, postcode, phone",
    "referral": "referral date, source and reason",
    "risk": "frailty score, flags, review date and risk scores",
    "conditions": "long-term conditions",
    "care": (
        "care plans, key contacts, actions, meetings, contact log, hospital visits, "
        "requests for discussion"
    ),
}
DEFAULT = frozenset({"identity", "status", "coordinator"})

_PATIENT_FIELDS = {
    "identity": ("nhs_number", "family_name", "given_name", "date_of_birth", "sex"),
    "status": (
        "caseload_status",
        "consent_status",
        "consent_recorded_by_id",
        "consent_recorded_at",
        "date_of_death",
        "deleted",
    ),
    "coordinator": ("named_coordinator_id",),
    "contact": ("address", "postcode", "phone"),
    "referral": ("referral_date", "referral_source", "referral_reason"),
    "risk": ("efi_score", "lives_alone", "has_respect_form", "is_a_carer", "next_review_date"),
}
_CHILD_TABLES = {
    "risk": ("risk_score",),
    "conditions": ("condition",),
    "care": (
        "care_plan",
        "key_contact",
        "action",
        "action_event",
        "agenda_item",
        "outcome",
        "contact_log_entry",
        "hospital_event",
        "discussion_request",
        "questionnaire_response",
    ),
}
_KEY = "declined_share"


def policy(session: Session) -> frozenset[str]:
    text = session.execute(select(StoreMeta.value).where(StoreMeta.key == _KEY)).scalar()
    return DEFAULT if text is None else frozenset(json.loads(text)) | ALWAYS


def set_policy(session: Session, allowed: set[str]) -> frozenset[str]:
    unknown = allowed - set(CATEGORIES)
    if unknown:
        raise StoreError(
            f"Unknown category {', '.join(sorted(unknown))}: choose from {', '.join(CATEGORIES)}."
        )
    chosen = frozenset(allowed) | ALWAYS
    row = session.get(StoreMeta, _KEY)
    text = json.dumps(sorted(chosen))
    if row is None:
        session.add(StoreMeta(key=_KEY, value=text))
    else:
        row.value = text
    audit.log(session, "update", entity="sync_settings", declined_share=sorted(chosen))
    return chosen


def patient_fields_sent(allowed: frozenset[str]) -> frozenset[str]:
    return frozenset(f for cat in allowed for f in _PATIENT_FIELDS.get(cat, ()))


def child_tables_sent(allowed: frozenset[str]) -> frozenset[str]:
    return frozenset(t for cat in allowed for t in _CHILD_TABLES.get(cat, ()))


CHILD_TABLES = frozenset(t for tables in _CHILD_TABLES.values() for t in tables)
