"""The caseload CSV: columns by header name, as a GP system search exports them."""

from __future__ import annotations

REQUIRED = ("nhs_number", "family_name", "given_name", "date_of_birth", "sex", "postcode")
OPTIONAL = ("phone", "efi_score", "conditions", "named_coordinator", "caseload_status")
EXPORT_COLUMNS = REQUIRED + OPTIONAL


def normalise_header(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())
