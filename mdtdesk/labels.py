"""The words a person sees for a stored field name, in one place.

Screens used to make labels from column names ("Nhs number", "Efi score", "has respect
form", `admission_risk`); every screen and paper now asks here. Value vocabularies
(stored value -> label) are in `store.vocab`.
"""

from __future__ import annotations

from typing import Any

from mdtdesk.store.vocab import (
    ACTION_STATUS,
    CASELOAD_STATUS,
    CONSENT,
    PLAN_STATUS,
    PRIORITY,
    REFERRAL_STATUS,
    RISK_KIND,
)

FIELD = {
    # a person's details
    "nhs_number": "NHS number",
    "family_name": "Family name",
    "given_name": "Given name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone number",
    "caseload_status": "Caseload status",
    "named_coordinator_id": "Named coordinator",
    "named_coordinator": "Named coordinator",
    "consent_status": "Consent to share",
    "efi_score": "eFI score",
    "lives_alone": "Lives alone",
    "is_a_carer": "Is a carer",
    "has_respect_form": "ReSPECT form in place",
    "next_review_date": "Next review",
    "date_of_death": "Date of death",
    "event": "Event",
    "start_date": "Start date",
    "end_date": "End date (discharge)",
    "provider": "Provider (trust ODS code)",
    "primary_diagnosis": "Primary diagnosis (ICD-10)",
    "referral_date": "Referral date",
    "referral_source": "Referred by",
    "referral_reason": "Reason for referral",
    "conditions": "Conditions",
    # an action
    "description": "Action",
    "owner_id": "Owner",
    "due_date": "Due",
    "priority": "Priority",
    "status": "Status",
    "referral_status": "Referral",
    "referral_sent_on": "Referral sent on",
    "referral_replied_on": "Service replied on",
    "referral_seen_on": "Seen by the service on",
    # a hospital stay
    "kind": "Kind",
    "started_on": "Started",
    "ended_on": "Discharged",
    "hospital": "Hospital",
    "reason": "Reason",
    # other records a sync can disagree about
    "value": "Risk score",
    "content": "Care plan content",
    "deleted": "Deleted",
}

# Fields whose stored values are words from a vocabulary.
VALUES: dict[str, dict[str, str]] = {
    "caseload_status": CASELOAD_STATUS,
    "consent_status": CONSENT,
    "referral_status": REFERRAL_STATUS,
    "status": ACTION_STATUS,
    "priority": PRIORITY,
}


def field_label(name: str) -> str:
    """ "NHS number" for nhs_number. A name not listed reads as words, never as code."""
    if name in FIELD:
        return FIELD[name]
    words = name.removesuffix("_id").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


# Where one field name holds another record's words.
_OF_RECORD = {("care_plan", "status"): PLAN_STATUS}


def value_label(field: str, value: Any, record: str = "") -> str:
    """The words for a stored value: "Stepped down" for caseload_status stepped_down."""
    vocab = _OF_RECORD.get((record, field), VALUES.get(field))
    if vocab is not None and isinstance(value, str):
        return vocab.get(value, value)
    return str(value)


def risk_label(kind: str) -> str:
    return RISK_KIND.get(kind, field_label(kind))
