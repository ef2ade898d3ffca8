"""The worklist: open actions by when they are due (overdue, due today, this week,
later), filtered by owner, person and service, with counts; and one action in full
with its history.

"Today" is the practice's calendar day (the machine's time zone), not UTC's: at
00:30 on a summer morning in the UK it is already tomorrow here but still today in
UTC, and an action due yesterday is overdue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session, aliased

from mdtdesk.actions.tracking import ActionError, describe, events_of
from mdtdesk.clock import short_day, today
from mdtdesk.store.models import (
    Action,
    ContactLogEntry,
    Meeting,
    Patient,
    Service,
)
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import staff_names
from mdtdesk.store.vocab import CONTACT_KIND, OPEN_ACTION_STATUSES

BUCKETS = {
    "overdue": "Overdue",
    "today": "Due today",
    "week": "This week",
    "later": "Later",
    "closed": "Done or cancelled",
}
WEEK = 7  # "this week": due in the next seven days


def bucket_of(due: date | None, status: str, on: date) -> str:
    if status not in OPEN_ACTION_STATUSES:
        return "closed"
    if due is None:
        return "later"
    if due < on:
        return "overdue"
    if due == on:
        return "today"
    return "week" if due <= on + timedelta(days=WEEK) else "later"


@dataclass(frozen=True, slots=True)
class WorkItem:
    id: str
    patient_id: str
    patient: str  # FAMILY, Given
    nhs_number: str
    description: str
    owner_id: str | None
    owner: str
    due_date: date | None
    priority: str
    status: str
    bucket: str
    source: str  # "MDT 17 Nov 2026", "Contact 20 Nov 2026", "Ad hoc"
    service_id: str | None
    service: str | None
    referral_status: str | None
    referral_sent_on: date | None
    referral_replied_on: date | None
    referral_seen_on: date | None


@dataclass(frozen=True, slots=True)
class Filter:
    owner_id: str | None = None  # None: everyone's
    patient: str = ""  # part of a name, or of an NHS number
    service_id: str | None = None  # only referrals to this service
    closed: bool = False  # include done and cancelled actions


@dataclass(frozen=True)
class Worklist:
    on: date
    items: list[WorkItem]
    counts: dict[str, int] = field(default_factory=dict)


def _matches(text: str, family: str, given: str, nhs: str) -> bool:
    words = text.casefold().split()
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits and len(digits) == len(text.replace(" ", "")):
        return digits in nhs
    name = f"{family} {given}".casefold()
    return all(w in name for w in words)


# Only the columns shown: whole records would carry their sync clocks too.
_ACTION_COLUMNS = (
    Action.id,
    Action.patient_id,
    Action.description,
    Action.owner_id,
    Action.due_date,
    Action.priority,
    Action.status,
    Action.service_id,
    Action.referral_status,
    Action.referral_sent_on,
    Action.referral_replied_on,
    Action.referral_seen_on,
)
_Rows = Select[Any]


def _query(wanted: Filter, action_id: str | None = None) -> _Rows:
    when = aliased(Meeting)
    contact = aliased(ContactLogEntry)
    # Outer joins: the service name and the meeting and contact times may be None.
    columns: list[Any] = [
        *_ACTION_COLUMNS,
        Patient.family_name,
        Patient.given_name,
        Patient.nhs_number,
        Service.name,
        when.starts_at,
        contact.at,
    ]
    query = (
        select(*columns)
        .join(Patient, Patient.id == Action.patient_id)
        .outerjoin(Service, Service.id == Action.service_id)
        .outerjoin(when, when.id == Action.meeting_id)
        .outerjoin(contact, contact.id == Action.contact_id)
        .where(Action.deleted.is_(False), Patient.deleted.is_(False))
    )
    if action_id is not None:
        return query.where(Action.id == action_id)
    if not wanted.closed:
        query = query.where(Action.status.in_(OPEN_ACTION_STATUSES))
    if wanted.owner_id is not None:
        query = query.where(Action.owner_id == wanted.owner_id)
    if wanted.service_id is not None:
        query = query.where(Action.service_id == wanted.service_id)
    return query


def _item(row: Row[Any], names: dict[str, str], on: date) -> WorkItem:
    family, given, nhs, service, met_at, contact_at = row[len(_ACTION_COLUMNS) :]
    if met_at is not None:
        source = f"MDT {short_day(met_at.astimezone().date())}"
    elif contact_at is not None:
        source = f"Contact {short_day(contact_at.astimezone().date())}"
    else:
        source = "Ad hoc"
    return WorkItem(
        id=row.id,
        patient_id=row.patient_id,
        patient=f"{family.upper()}, {given}",
        nhs_number=nhs,
        description=row.description,
        owner_id=row.owner_id,
        owner=names.get(row.owner_id or "", "no owner"),
        due_date=row.due_date,
        priority=row.priority,
        status=row.status,
        bucket=bucket_of(row.due_date, row.status, on),
        source=source,
        service_id=row.service_id,
        service=service,
        referral_status=row.referral_status,
        referral_sent_on=row.referral_sent_on,
        referral_replied_on=row.referral_replied_on,
        referral_seen_on=row.referral_seen_on,
    )


_ORDER = {name: i for i, name in enumerate(BUCKETS)}
_URGENCY = {"urgent": 0, "high": 1, "routine": 2}


def worklist(store: OpenStore, wanted: Filter = Filter()) -> Worklist:
    on = today(store.clock)
    with store.session() as s:
        names = staff_names(s)
        rows = s.execute(_query(wanted)).all()
    text = wanted.patient.strip()
    items = [
        _item(r, names, on)
        for r in rows
        if not text or _matches(text, r.family_name, r.given_name, r.nhs_number)
    ]
    items.sort(
        key=lambda i: (
            _ORDER[i.bucket],
            i.due_date or date.max,
            _URGENCY.get(i.priority, 3),
            i.patient,
        )
    )
    counts = dict.fromkeys(BUCKETS, 0)
    for i in items:
        counts[i.bucket] += 1
    return Worklist(on, items, counts)


@dataclass(frozen=True, slots=True)
class HistoryLine:
    at: datetime  # UTC
    who: str
    text: str


@dataclass(frozen=True)
class ActionDetail:
    item: WorkItem
    history: list[HistoryLine]


def detail(store: OpenStore, action_id: str) -> ActionDetail:
    """One action and every change to it, oldest first, starting with who set it."""
    on = today(store.clock)
    with store.session() as s:
        names = staff_names(s)
        row = s.execute(_query(Filter(), action_id)).first()
        action = s.get(Action, action_id)
        if row is None or action is None:
            raise ActionError("That action is no longer in the store.")
        created = HistoryLine(
            action.created_at,
            names.get(action.created_by_id or "", "someone not in the staff list"),
            f"Set: {action.description}" + _origin(s, action),
        )
        lines = [created] + [
            HistoryLine(
                e.at,
                names.get(e.staff_id or "", "someone not in the staff list"),
                describe(e, names),
            )
            for e in events_of(s, action_id)
        ]
    return ActionDetail(_item(row, names, on), lines)


def _origin(s: Session, action: Action) -> str:
    if action.meeting_id is not None:
        return " (agreed at the MDT meeting)"
    if action.contact_id is not None:
        contact = s.get(ContactLogEntry, action.contact_id)
        if contact is not None:
            return f" (follow-up to a {CONTACT_KIND.get(contact.kind, contact.kind).lower()})"
    return ""
