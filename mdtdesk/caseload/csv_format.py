"""The caseload CSV: columns by header name, as a GP system search exports them."""

from __future__ import annotations

import re
from collections.abc import Mapping

REQUIRED = ("nhs_number", "family_name", "given_name", "date_of_birth", "sex", "postcode")
OPTIONAL = (
    "phone",
    "efi_score",
    "conditions",
    "named_coordinator",
    "caseload_status",
    "referral_date",
    "date_of_death",
)
EXPORT_COLUMNS = REQUIRED + OPTIONAL

# The names EMIS Web and SystmOne reports give these columns (normalised). "Usual GP's
# Full Name" is left for the person to choose: the usual GP is not always the named
# coordinator, and a guess would put people under the wrong name.
ALIASES: dict[str, tuple[str, ...]] = {
    "nhs_number": ("nhs_no", "nhs", "nhs_number_formatted"),
    "family_name": ("surname", "last_name", "family_names"),
    "given_name": ("calling_name", "forename", "first_name", "given_names", "forenames"),
    "date_of_birth": ("dob", "birth_date", "date_of_birth_ddmmyyyy"),
    "sex": ("gender",),
    "postcode": ("post_code", "postal_code", "address_postcode"),
    "phone": (
        "telephone",
        "telephone_number",
        "phone_number",
        "mobile_telephone",
        "home_telephone",
        "mobile_number",
        "preferred_telephone",
    ),
    "efi_score": ("efi", "electronic_frailty_index", "efi_value"),
    "conditions": ("problems", "active_problems"),
    "named_coordinator": ("coordinator", "care_coordinator"),
    "caseload_status": ("status",),
    "referral_date": ("date_referred", "referred_on", "join_date", "date_joined"),
    "date_of_death": ("dod", "died_on", "death_date"),
}


def normalise_header(name: str) -> str:
    """'Usual GP's Full Name' -> 'usual_gps_full_name': case, spaces and punctuation
    never decide whether a column is recognised."""
    plain = name.strip().lower().replace("'", "").replace("\u2019", "")
    return re.sub(r"[^0-9a-z]+", "_", plain).strip("_")


def known(name: str) -> bool:
    """Whether a (normalised) header names one of the caseload's columns."""
    return name in EXPORT_COLUMNS or any(name in names for names in ALIASES.values())


def resolve(
    header: list[str],
    column_map: Mapping[str, str] | None = None,
    columns: tuple[str, ...] = EXPORT_COLUMNS,
    aliases: Mapping[str, tuple[str, ...]] = ALIASES,
) -> dict[str, str]:
    """Our column -> the file's (normalised) header name it is read from: the person's
    choice where they made one, else the column's own name, else a GP system's name.
    columns and aliases are the caseload's unless a file of another kind is read."""
    present = set(header)
    chosen: dict[str, str] = {}
    for column in columns:
        if column_map and column in column_map:
            chosen[column] = normalise_header(column_map[column])
            continue
        for name in (column, *aliases.get(column, ())):
            if name in present:
                chosen[column] = name
                break
    return chosen


# A cell a spreadsheet would run as a formula (CSV injection) starts with one of these;
# the export puts an apostrophe before it, as spreadsheets do, and the import takes one
# apostrophe off again, so every value goes out and comes back exactly.
