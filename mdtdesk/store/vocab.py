"""Fixed vocabularies: stored value -> label shown to people."""

from __future__ import annotations

CASELOAD_STATUS = {
    "referred": "Referred",
    "active": "Active",
    "stepped_down": "Stepped down",
    "discharged": "Discharged",
    "died": "Died",
}

CONSENT = {
    "given": "Given",
    "declined": "Declined",
    "best_interests": "Best-interests decision",
    "not_asked": "Not yet asked",
}


ORGANISATION_TYPE = {"health": "Health", "social_care": "Social care", "voluntary": "Voluntary"}

APP_ROLE = {"admin": "Administrator", "member": "Team member"}


def efi_band(score: float | None) -> str | None:
    """eFI band: fit 0-0.12, mild 0.13-0.24, moderate 0.25-0.36, severe above 0.36."""
    if score is None:
        return None
    if score <= 0.12:
        return "fit"
    if score <= 0.24:
        return "mild"
    if score <= 0.36:
        return "moderate"
    return "severe"
