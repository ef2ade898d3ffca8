"""The conflict queue: both values side by side, and a person's decision.

Resolving writes the chosen value as an ordinary change (a new clock, made on top of
both), so it travels back to the practice in its next update like any other edit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.labels import value_label
from mdtdesk.nhs_number import format_nhs
from mdtdesk.store import audit
from mdtdesk.store.errors import StoreError
from mdtdesk.store.models import Patient, StaffMember
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.sync_tables import SyncConflict
from mdtdesk.sync.wire import SPECS, BadValue


def open_conflicts(store: OpenStore) -> list[SyncConflict]:
    with store.session() as s:
        return list(
            s.execute(
                select(SyncConflict)
                .where(SyncConflict.resolved_at.is_(None))
                .order_by(SyncConflict.opened_at, SyncConflict.entity, SyncConflict.field)
            ).scalars()
        )


def parse_value(entity: str, field: str, text: str) -> Any:
    """A value typed by a person for `field`, checked like an incoming one."""
    spec = SPECS[entity]
    index = spec.fields.index(field)
    raw: Any = text.strip()
    if raw == "" and not spec.required[index]:
        return None
    try:
        if field == "deleted" or spec.converters[index].__name__ in (
            "_boolean",
            "_integer",
            "_number",
        ):
            raw = json.loads(raw)
        return spec.converters[index](raw)
    except (BadValue, ValueError) as exc:
        raise StoreError(f"{field}: {exc}") from None


@dataclass(frozen=True)
class Resolved:
    conflict_id: str
    value: Any
    changed: bool


def resolve(store: OpenStore, conflict_id: str, choice: str, edited: str | None = None) -> Resolved:
    """choice: "kept" (the value applied), "other" (the one set aside) or "edit"."""
    with store.session() as s, s.begin():
        item = s.get(SyncConflict, conflict_id)
        if item is None or item.resolved_at is not None:
            raise StoreError("That conflict has already been resolved.")
        spec = SPECS[item.entity]
        if choice == "edit":
            if edited is None:
                raise StoreError("Type the value to keep.")
            value = parse_value(item.entity, item.field, edited)
        elif choice in ("kept", "other"):
            raw = json.loads(item.kept_value if choice == "kept" else item.other_value)
            value = None if raw is None else spec.converters[spec.fields.index(item.field)](raw)
        else:
            raise StoreError(f"Unknown choice {choice!r}.")
        record = s.get(spec.model, item.record_id)
        if record is None:
            raise StoreError("The record in conflict is no longer in this store.")
        changed = getattr(record, item.field) != value
        if changed:
            setattr(record, item.field, value)
        item.resolved_at = store.clock.now()
        item.resolved_by = store.actor.name
        item.resolution = json.dumps(value, default=str)
        audit.log(
            s,
            "update",
            entity="sync_conflict",
            record_id=item.record_id,
            field=item.field,
            choice=choice,
        )
    return Resolved(conflict_id, value, changed)


@dataclass(frozen=True)
class Labels:
    """How a person reads a conflict: whose record, and the two values in words."""

    record: str
    kept: str
    other: str


def _words(session: Session, entity: str, field: str, raw_text: str, kind: str) -> str:
    value = json.loads(raw_text)
    if kind == "delete":
        return "Deleted" if value else "Kept, and edited"
    if value is None:
        return "(empty)"
    if field.endswith("_id"):
        staff = session.get(StaffMember, value)
        return staff.name if staff is not None else f"unknown person ({value[:8]})"
    return value_label(field, value, entity)


def labels(store: OpenStore, items: list[SyncConflict]) -> dict[str, Labels]:
    out: dict[str, Labels] = {}
    with store.session() as s:
        for item in items:
            patient = s.get(Patient, item.patient_id) if item.patient_id else None
            record = item.entity.replace("_", " ")
            if patient is not None:
                number = format_nhs(patient.nhs_number)
                record = f"{patient.family_name.upper()}, {patient.given_name} ({number})"
                if item.entity != "patient":
                    record += f": {item.entity.replace('_', ' ')}"
            out[item.id] = Labels(
                record,
                _words(s, item.entity, item.field, item.kept_value, item.kind),
                _words(s, item.entity, item.field, item.other_value, item.kind),
            )
    return out
