"""How records travel in a sync file, and the checks every incoming value passes.

Each table is announced once with its field list; each record is then one JSON array:
[id, created_at, updated_by, clocks, value, value, ...]. Values are JSON scalars
(dates and times as ISO text). Which fields a table exchanges, and how each is checked,
comes from the models, so a new column cannot be forgotten here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, Integer, String, Text
from sqlalchemy.sql.schema import Column, Table

from mdtdesk import nhs_number
from mdtdesk.errors import Refusal
from mdtdesk.store import limits
from mdtdesk.store.models import RECORD_MODELS, SYNC_META, Record
from mdtdesk.store.types import UtcDateTime
from mdtdesk.store.vocab import (
    ACTION_STATUS,
    APP_ROLE,
    CASELOAD_STATUS,
    CONSENT,
    CONTACT_KIND,
    MEETING_STATE,
    ORGANISATION_TYPE,
    OUTCOME,
    PRIORITY,
    REFERRAL_STATUS,
    TIMEPOINT,
)

Convert = Callable[[Any], Any]

# Concurrent changes to these open a conflict item for a person (the deterministic
# winner is applied all the same).
SIGNIFICANT: dict[str, frozenset[str]] = {
    "patient": frozenset(
        {"named_coordinator_id", "consent_status", "caseload_status", "efi_score"}
    ),
    "risk_score": frozenset({"value"}),
    "care_plan": frozenset({"content", "status"}),
    "action": frozenset({"owner_id", "status", "due_date", "referral_status"}),
}
# Written once and added to, never argued over.
APPEND_ONLY = frozenset({"outcome", "contact_log_entry", "action_event"})

_VOCAB: dict[tuple[str, str], frozenset[str]] = {
    ("patient", "sex"): frozenset({"female", "male", "other", "unknown"}),
    ("patient", "caseload_status"): frozenset(CASELOAD_STATUS),
    ("patient", "consent_status"): frozenset(CONSENT),
    ("staff_member", "organisation_type"): frozenset(ORGANISATION_TYPE),
    ("staff_member", "app_role"): frozenset(APP_ROLE),
    ("meeting", "state"): frozenset(MEETING_STATE),
    ("outcome", "outcome"): frozenset(OUTCOME),
    ("action", "status"): frozenset(ACTION_STATUS),
    ("action", "priority"): frozenset(PRIORITY),
    ("action", "referral_status"): frozenset(REFERRAL_STATUS),
    ("contact_log_entry", "kind"): frozenset(CONTACT_KIND),
    ("questionnaire_response", "timepoint"): frozenset(TIMEPOINT),
}


class BadValue(Refusal, ValueError):
    pass


def _text(limit: int, free_text: bool) -> Convert:
    def convert(value: Any) -> str:
        if not isinstance(value, str):
            raise BadValue("is not text")
        problem = limits.text_problem(value, limit, free_text)
        if problem is not None:
            raise BadValue(problem)
        return value

    return convert


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadValue("is not a whole number")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadValue("is not a number")
    return float(value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadValue("is not true or false")
    return value


def _date(value: Any) -> date:
    if not isinstance(value, str):
        raise BadValue("is not a date")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise BadValue(f"{value[:40]!r} is not a date (YYYY-MM-DD)") from None
    problem = limits.date_problem(parsed)
    if problem is not None:
        raise BadValue(problem)
    return parsed


def utc_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise BadValue("is not a time")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadValue(f"{value[:40]!r} is not a time") from None
    if parsed.tzinfo is None:
        raise BadValue(f"{value!r} has no time zone")
    # Checked before the time-zone shift, which overflows in year 1 and 9999.
    problem = limits.date_problem(parsed)
    if problem is not None:
        raise BadValue(problem)
    return parsed.astimezone(UTC)


def _vocab(allowed: frozenset[str], inner: Convert) -> Convert:
    def convert(value: Any) -> str:
        text: str = inner(value)
        if text not in allowed:
            raise BadValue(f"{text!r} is not one of {', '.join(sorted(allowed))}")
        return text

    return convert


def _nhs(value: Any) -> str:
    if not isinstance(value, str) or not value.isascii() or not nhs_number.is_valid(value):
        raise BadValue(f"{value!r} is not a valid NHS number")
    return value


def _converter(table: str, column: Column[Any]) -> Convert:
    kind = column.type
    convert: Convert
    if isinstance(kind, UtcDateTime):
        convert = utc_time
    elif isinstance(kind, Boolean):
        convert = _boolean
    elif isinstance(kind, Integer):
        convert = _integer
    elif isinstance(kind, Float):
        convert = _number
    elif isinstance(kind, Date):
        convert = _date
    elif isinstance(kind, String | Text):
        limit = limits.column_limit(column)
        assert limit is not None
        convert = _text(limit, isinstance(kind, Text))
    else:  # pragma: no cover - a new column type must be taught to sync
        raise TypeError(f"sync cannot carry {table}.{column.name} ({kind})")
    if (table, column.name) == ("patient", "nhs_number"):
        return _nhs
    allowed = _VOCAB.get((table, column.name))
    return _vocab(allowed, convert) if allowed else convert


def _dump(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class TableSpec:
    name: str
    model: type[Record]
    fields: tuple[str, ...]
    converters: tuple[Convert, ...]
    required: tuple[bool, ...]
    defaults: tuple[Any, ...]
    references: dict[str, str]
    field_set: frozenset[str]

    def dump(self, values: tuple[Any, ...]) -> list[Any]:
        return [_dump(v) for v in values]


def _spec(model: type[Record]) -> TableSpec:
    table = model.__table__
    assert isinstance(table, Table)
    columns = [c for c in table.columns if c.name not in SYNC_META]
    defaults = []
    for c in columns:
        default = getattr(c.default, "arg", None)
        defaults.append(None if callable(default) else default)
    references = {
        c.name: next(iter(c.foreign_keys)).column.table.name for c in columns if c.foreign_keys
    }
    return TableSpec(
        name=table.name,
        model=model,
        fields=tuple(c.name for c in columns),
        converters=tuple(_converter(table.name, c) for c in columns),
        required=tuple(not c.nullable for c in columns),
        defaults=tuple(defaults),
        references=references,
        field_set=frozenset(c.name for c in columns),
    )


SPECS: dict[str, TableSpec] = {m.__tablename__: _spec(m) for m in RECORD_MODELS}
# The audit rows a practice sends its hub, in the order they travel.
AUDIT_FIELDS = (
    "seq",
    "id",
    "at",
    "actor_id",
    "actor_name",
    "device",
    "action",
    "entity",
    "record_id",
    "detail",
    "prev_hash",
    "hash",
)
# Parents before children, so references resolve as rows are written.
ORDER: tuple[str, ...] = tuple(m.__tablename__ for m in RECORD_MODELS)
