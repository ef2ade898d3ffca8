"""Looking up staff members by name, as people type them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mdtdesk.store.models import StaffMember


def find_staff(session: Session, name: str) -> StaffMember | None:
    """The staff member with this name, ignoring case and surrounding spaces."""
    wanted = name.strip().lower()
    query = select(StaffMember).where(func.lower(StaffMember.name) == wanted).limit(1)
    return session.execute(query).scalars().first()
