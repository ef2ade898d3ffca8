"""What `mdtdesk info` shows: practice, schema, counts and users — never patient data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from mdtdesk.store import migrate
from mdtdesk.store.models import (
    Action,
    AuditEvent,
    CarePlan,
    ContactLogEntry,
    HospitalEvent,
    Meeting,
    Patient,
    Practice,
    Record,
    StaffMember,
)
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import name_key

_COUNTED: dict[str, type[Record]] = {
    "patients": Patient,
    "staff_members": StaffMember,
    "meetings": Meeting,
    "actions": Action,
    "contacts": ContactLogEntry,
    "hospital_events": HospitalEvent,
    "care_plans": CarePlan,
}


def describe(store: OpenStore) -> dict[str, Any]:
    """A JSON-ready summary of the store, read in one session."""
    can_unlock = {name_key(u) for u in store.keyfile.users()}
    with store.session() as s:
        counts = {
            name: s.execute(
                select(func.count()).select_from(model).where(model.deleted.is_(False))
            ).scalar_one()
            for name, model in _COUNTED.items()
        }
        counts["audit_events"] = s.execute(select(func.count(AuditEvent.seq))).scalar_one()
        practice = s.execute(select(Practice).where(Practice.deleted.is_(False))).scalars().first()
        staff = s.execute(
            select(StaffMember)
            .where(StaffMember.deleted.is_(False), StaffMember.active.is_(True))
            .order_by(StaffMember.name)
        ).scalars()
        users = [
            {
                "name": m.name,
                "profession": m.profession,
                "organisation_type": m.organisation_type,
                "role": m.app_role,
                "can_unlock": name_key(m.name) in can_unlock,
            }
            for m in staff
        ]
        revision = migrate.current_revision(s.connection())
    return {
        "store": str(store.paths.folder),
        "store_id": store.store_id,
        "practice": {
            "ods_code": practice.ods_code if practice else "",
            "name": practice.name if practice else "",
        },
        "schema_version": revision,
        "key_generation": store.keyfile.generation,
        "counts": counts,
        "users": users,
    }
