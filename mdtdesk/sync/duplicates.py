"""The same NHS number under two patient ids: found at the hub, merged by a person.

A merge keeps one record, tombstones the others and leaves a redirect for each, so a
reference to a merged-away id (from any practice) still leads to the kept record.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.store import audit
from mdtdesk.store.errors import StoreError
from mdtdesk.store.models import Patient, PatientRedirect
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.sync_tables import SyncDuplicate


def detect(session: Session, nhs_numbers: Iterable[str], now: datetime) -> int:
    """Open (or widen) a duplicate item for each of these NHS numbers held twice.

    Returns how many of them are duplicates now.
    """
    numbers = sorted(set(nhs_numbers))
    held: dict[str, list[str]] = defaultdict(list)
    for start in range(0, len(numbers), 900):
        rows = session.execute(
            select(Patient.nhs_number, Patient.id)
            .where(Patient.nhs_number.in_(numbers[start : start + 900]))
            .where(Patient.deleted.is_(False))
            .order_by(Patient.nhs_number, Patient.id)
        ).all()
        for number, pid in rows:
            held[number].append(pid)
    twice = {n: ids for n, ids in held.items() if len(ids) > 1}
    if not twice:
        return 0
    open_items = {
        d.nhs_number: d
        for d in session.execute(
            select(SyncDuplicate).where(
                SyncDuplicate.nhs_number.in_(sorted(twice)), SyncDuplicate.resolved_at.is_(None)
            )
        ).scalars()
    }
    for number, ids in twice.items():
        item = open_items.get(number)
        if item is None:
            session.add(
                SyncDuplicate(nhs_number=number, patient_ids=json.dumps(ids), opened_at=now)
            )
        else:
            item.patient_ids = json.dumps(sorted(set(json.loads(item.patient_ids)) | set(ids)))
    return len(twice)


@dataclass(frozen=True)
class DuplicateView:
    id: str
    nhs_number: str
    patients: list[Patient]
    opened_at: datetime


def open_duplicates(store: OpenStore) -> list[DuplicateView]:
    with store.session() as s:
        items = s.execute(
            select(SyncDuplicate)
            .where(SyncDuplicate.resolved_at.is_(None))
            .order_by(SyncDuplicate.opened_at)
        ).scalars()
        out = []
        for item in items:
            ids = json.loads(item.patient_ids)
            patients = list(
                s.execute(
                    select(Patient).where(Patient.id.in_(ids)).order_by(Patient.created_at)
                ).scalars()
            )
            out.append(DuplicateView(item.id, item.nhs_number, patients, item.opened_at))
        return out


@dataclass(frozen=True)
class MergedDuplicate:
    kept: str
    merged_away: list[str]


def merge(store: OpenStore, duplicate_id: str, keep: str) -> MergedDuplicate:
    """Keep patient `keep`; tombstone the others, each with a redirect to it."""
    with store.session() as s, s.begin():
        item = s.get(SyncDuplicate, duplicate_id)
        if item is None or item.resolved_at is not None:
            raise StoreError("That duplicate has already been dealt with.")
        ids = json.loads(item.patient_ids)
        if keep not in ids:
            raise StoreError("Choose one of the duplicate's own records to keep.")
        kept = s.get(Patient, keep)
        if kept is None or kept.deleted:
            raise StoreError("The record chosen to keep has been deleted since.")
        others = []
        for pid in ids:
            if pid == keep:
                continue
            other = s.get(Patient, pid)
            if other is None or other.deleted:
                continue
            other.deleted = True
            s.add(PatientRedirect(from_patient_id=pid, to_patient_id=keep, home=other.home))
            others.append(pid)
        item.resolved_at = store.clock.now()
        item.resolved_by = store.actor.name
        item.kept_id = keep
        audit.log(
            s,
            "update",
            entity="patient",
            record_id=keep,
            merged=others,
            nhs_number_duplicate=item.id,
        )
    return MergedDuplicate(keep, others)


def resolve_patient_id(session: Session, patient_id: str) -> str:
    """Follow redirects left by merges to the record that is kept now."""
    seen = {patient_id}
    while True:
        nxt = session.execute(
            select(PatientRedirect.to_patient_id).where(
                PatientRedirect.from_patient_id == patient_id, PatientRedirect.deleted.is_(False)
            )
        ).scalar()
        if nxt is None or nxt in seen:
            return patient_id
        seen.add(nxt)
        patient_id = nxt
