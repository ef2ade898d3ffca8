"""Looking up staff members by name, as people type them."""

from __future__ import annotations

from dataclasses import dataclass

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


def staff_names(session: Session) -> dict[str, str]:
    """Staff id -> name for everyone ever on the list (old records name people who left)."""
    return {sid: name for sid, name in session.execute(select(StaffMember.id, StaffMember.name))}


def find_staff(session: Session, name: str) -> StaffMember | None:
    """The staff member with this name, ignoring case and extra spaces."""
    wanted = name_key(name)
    return next((m for m in _current_staff(session) if name_key(m.name) == wanted), None)


@dataclass(frozen=True, slots=True)
class StaffChoice:
    id: str
    name: str
    profession: str


def staff_choices(session: Session) -> list[StaffChoice]:
    """Active staff, by name, for pick lists (named coordinator, action owner)."""
    members = [m for m in _current_staff(session) if m.active]
    members.sort(key=lambda m: name_key(m.name))
    return [StaffChoice(m.id, m.name, m.profession) for m in members]
