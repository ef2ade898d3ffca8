"""Parsing values people type or a GP system exports, each with a message saying what is wrong."""

from __future__ import annotations

import re
from datetime import date, datetime

from mdtdesk import nhs_number
from mdtdesk.errors import Refusal
from mdtdesk.store import limits
from mdtdesk.store.vocab import CASELOAD_STATUS

CONDITION_LIMIT = 200
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")),
        start=1,
    )
    for name in names
}  # fmt: skip
_NAMED_MONTH = re.compile(r"^(\d{1,2})[- ]([A-Za-z]{3,9})[- ](\d{4})$")
_SEX = {
    "f": "female",
    "female": "female",
    "m": "male",
    "male": "male",
    "o": "other",
    "other": "other",
    "i": "other",
    "indeterminate": "other",
    "u": "unknown",
    "unknown": "unknown",
    "not known": "unknown",
}


class FieldError(Refusal, ValueError):
    pass


def _checked(value: str, what: str, limit: int, free_text: bool = False) -> str:
    problem = limits.text_problem(value, limit, free_text)
    if problem is not None:
        raise FieldError(f"{what} {problem}")
    return value


def parse_nhs_number(text: str) -> str:
    try:
        return nhs_number.normalise(text)
    except nhs_number.NhsNumberError as exc:
        raise FieldError(str(exc)) from None


def parse_name(text: str, what: str) -> str:
    value = " ".join(text.split())
    if not value:
        raise FieldError(f"{what} is empty")
    return _checked(value, what, 100)


def parse_date(text: str, what: str) -> date:
    value = text.strip()
    if not value:
        raise FieldError(f"{what} is empty")
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    named = _NAMED_MONTH.match(value)
    if named and named.group(2).lower() in _MONTHS:
        # EMIS writes 01-Jan-1940. Month names are read here, not by strptime's %b,
        # which follows the computer's language.
        day, month, year = int(named.group(1)), _MONTHS[named.group(2).lower()], named.group(3)
        try:
            return date(int(year), month, day)
        except ValueError:
            pass
    raise FieldError(f"{value!r} is not a date as YYYY-MM-DD, DD/MM/YYYY or DD-Mon-YYYY")


def parse_optional_date(text: str, what: str) -> date | None:
    return parse_date(text, what) if text.strip() else None


def parse_date_of_birth(text: str, today: date) -> date:
    parsed = parse_date(text, "date of birth")
    if parsed > today:
        raise FieldError(f"{text.strip()} is in the future")
    if parsed.year < 1890:
        raise FieldError(f"{text.strip()} is before 1890")
    return parsed


def parse_text(text: str, what: str, limit: int) -> str | None:
    """Optional free text, spaces tidied; None when blank."""
    value = " ".join(text.split())
    if not value:
        return None
    return _checked(value, what, limit)


def parse_address(text: str) -> str | None:
    """Lines kept (an address is written on lines), each with its spaces tidied."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    value = "\n".join(line for line in lines if line)
    return _checked(value, "address", 500, free_text=True) or None


def parse_sex(text: str) -> str:
    value = _SEX.get(text.strip().lower())
    if value is None:
        raise FieldError(f"{text.strip()!r} is not one of female, male, other, unknown (or F/M/U)")
    return value


def parse_postcode(text: str) -> str:
    compact = text.strip().upper()
    match = _POSTCODE.match(compact)
    if match is None:
        raise FieldError(f"{text.strip()!r} is not a UK postcode (like NR1 3AB)")
    return f"{match.group(1)} {match.group(2)}"


def parse_phone(text: str) -> str | None:
    value = text.strip()
    if not value:
        return None
    if not _PHONE.match(value):
        raise FieldError(f"{value!r} is not a phone number")
    return value


def parse_efi(text: str) -> float | None:
    value = text.strip()
    if not value:
        return None
    try:
        score = float(value)
    except ValueError:
        raise FieldError(f"{value!r} is not a number") from None
    if not 0 <= score <= 1:
        raise FieldError(f"{value} is outside 0 to 1 (the eFI is a fraction)")
    return score


def parse_conditions(text: str) -> list[str]:
    seen: dict[str, str] = {}
    for part in text.split(";"):
        name = " ".join(part.split())
        if name:
            _checked(name, f"condition {name[:30]!r}", CONDITION_LIMIT)
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


def parse_status(text: str) -> str | None:
    value = text.strip().lower().replace(" ", "_")
    if not value:
        return None
    if value not in CASELOAD_STATUS:
        raise FieldError(f"{text.strip()!r} is not one of {', '.join(CASELOAD_STATUS)}")
    return value


# A cell a spreadsheet would run as a formula gets a leading apostrophe on the way out
# (CSV injection); the caseload import takes it off again.
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")


def neutralise(value: str) -> str:
    return "'" + value if _FORMULA.match(value) else value


def restore(value: str) -> str:
    return value[1:] if value.startswith("'") and _FORMULA.match(value) else value
