"""Looking up staff members by name, as people type them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.store.models import StaffMember


def name_key(name: str) -> str:
    """Spaces collapsed and case folded in Python: SQLite's lower() only folds ASCII."""
    return " ".join(name.split()).casefold()


def _current_staff(session: Session) -> list[StaffMember]:
    query = select(StaffMember).where(StaffMember.deleted.is_(False))
    return list(session.execute(query).scalars())


def staff_ids_by_name(session: Session) -> dict[str, str]:
    """name_key(name) -> staff id, for matching many names at once."""
    return {name_key(m.name): m.id for m in _current_staff(session)}


def find_staff(session: Session, name: str) -> StaffMember | None:
    """The staff member with this name, ignoring case and extra spaces."""
    wanted = name_key(name)
    return next((m for m in _current_staff(session) if name_key(m.name) == wanted), None)
