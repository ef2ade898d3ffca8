"""Unsaved form edits kept in the encrypted store when the app locks.

A draft belongs to the staff member who typed it: only they get it back, and saving
or discarding the form removes it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Select, select

from mdtdesk.store.models import Draft
from mdtdesk.store.opened import OpenStore


def _mine(owner: str, patient_id: str, form: str) -> Select[Draft]:
    return select(Draft).where(
        Draft.staff_id == owner, Draft.patient_id == patient_id, Draft.form == form
    )


def keep_draft(store: OpenStore, patient_id: str, form: str, content: dict[str, Any]) -> bool:
    """Keep (or replace) a draft; False when the user has no staff record to own it."""
    owner = store.actor.staff_id
    if owner is None:
        return False
    with store.session() as s, s.begin():
        draft = s.execute(_mine(owner, patient_id, form)).scalar_one_or_none()
        if draft is None:
            draft = Draft(staff_id=owner, patient_id=patient_id, form=form)
            s.add(draft)
        draft.content = json.dumps(content, sort_keys=True)
        draft.saved_at = store.clock.now()
    return True


def draft_for(store: OpenStore, patient_id: str, form: str) -> dict[str, Any] | None:
    """This user's draft of one form for one patient, if they left one."""
    owner = store.actor.staff_id
    if owner is None:
        return None
    with store.session() as s:
        draft = s.execute(_mine(owner, patient_id, form)).scalar_one_or_none()
        return None if draft is None else dict(json.loads(draft.content))


def drop_draft(store: OpenStore, patient_id: str, form: str) -> None:
    owner = store.actor.staff_id
    if owner is None:
        return
    with store.session() as s, s.begin():
        for draft in s.execute(_mine(owner, patient_id, form)).scalars():
            s.delete(draft)
