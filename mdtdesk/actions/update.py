"""Everything the action screen can change at once, checked and written in one
transaction: what, when and how urgent, the referral's progress, then the status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mdtdesk.actions.referrals import change_referral
from mdtdesk.actions.tracking import Changed, change_fields, change_status, get
from mdtdesk.store.opened import OpenStore


@dataclass(frozen=True, slots=True)
class Update:
    description: str | None = None  # None: leave as it is
    due_date: date | None = None
    priority: str | None = None
    referral_status: str | None = None
    referral_on: date | None = None
    status: str | None = None
    note: str = ""


def update(store: OpenStore, action_id: str, wanted: Update) -> Changed:
    note = wanted.note.strip()
    with store.session() as s, s.begin():
        action = get(s, action_id)
        changes = []
        if action.status in ("done", "cancelled") and wanted.status is not None:
            # Reopen first, so the rest applies to an open action.
            changes += change_status(s, store, action, wanted.status, note)
        if (wanted.description, wanted.due_date, wanted.priority) != (None, None, None):
            changes += change_fields(
                s,
                store,
                action,
                description=wanted.description,
                due_date=wanted.due_date,
                priority=wanted.priority,
                note=note,
            )
        if wanted.referral_status is not None and wanted.referral_on is not None:
            changes += change_referral(
                s, store, action, wanted.referral_status, wanted.referral_on, note
            )
        if wanted.status is not None and wanted.status != action.status:
            changes += change_status(s, store, action, wanted.status, note)
        return Changed(tuple(changes))
