"""The contact log: each contact with or about a person, and the follow-up action it
leaves, written together in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mdtdesk.actions.tracking import ActionError, NewAction, checked_new
from mdtdesk.clock import short_time
from mdtdesk.store.models import ContactLogEntry, Patient, StaffMember
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import CONTACT_KIND

MAX_NOTES = 10_000
MAX_MINUTES = 12 * 60
# Who the contact was with must be said for these kinds.
WITH_SOMEONE = ("with_carer", "with_professional")
# A contact typed in "now" on a laptop whose clock is a little behind is not "future".
_GRACE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class NewContact:
    patient_id: str
    at: datetime  # timezone-aware; stored in UTC
    kind: str
    notes: str
    duration_minutes: int | None = None
    with_whom: str = ""
    staff_id: str | None = None  # who made the contact; None: the person logged in
    follow_up: NewAction | None = None


@dataclass(frozen=True, slots=True)
class Logged:
    contact_id: str
    action_id: str | None


def _check(store: OpenStore, new: NewContact) -> None:
    if new.kind not in CONTACT_KIND:
        raise ActionError(f"Type: choose {', '.join(CONTACT_KIND.values()).lower()}.")
    if new.at.tzinfo is None:
        raise ActionError("When: a contact time needs a time zone.")
    if new.at > store.clock.now() + _GRACE:
        raise ActionError(f"When: {short_time(new.at)} is in the future.")
    if new.duration_minutes is not None and not 1 <= new.duration_minutes <= MAX_MINUTES:
        raise ActionError(f"Duration: give minutes between 1 and {MAX_MINUTES}.")
    if new.kind in WITH_SOMEONE and not new.with_whom.strip():
        who = "carer" if new.kind == "with_carer" else "professional"
        raise ActionError(f"With whom: say which {who} the contact was with.")
    if len(new.with_whom) > 200:
        raise ActionError("With whom: keep it under 200 characters.")
    if len(new.notes) > MAX_NOTES:
        raise ActionError(f"Notes: keep them under {MAX_NOTES:,} characters.")
    if new.follow_up is not None and new.follow_up.patient_id != new.patient_id:
        raise ActionError("Follow-up: it must be for the same person as the contact.")


def log_contact(store: OpenStore, new: NewContact) -> Logged:
    """Record a contact, and its follow-up action if there is one; both or neither."""
    _check(store, new)
    with store.session() as s, s.begin():
        patient = s.get(Patient, new.patient_id)
        if patient is None or patient.deleted:
            raise ActionError("This person is no longer in the store.")
        staff_id = new.staff_id or store.actor.staff_id
        if staff_id is not None and s.get(StaffMember, staff_id) is None:
            raise ActionError("Who: that person is not on the staff list.")
        # Check the follow-up before anything is written.
        action = checked_new(s, store, new.follow_up) if new.follow_up else None
        contact = ContactLogEntry(
            patient_id=patient.id,
            at=new.at,
            kind=new.kind,
            staff_id=staff_id,
            duration_minutes=new.duration_minutes,
            notes=new.notes.strip() or None,
            with_whom=new.with_whom.strip() or None,
        )
        s.add(contact)
        s.flush()
        if action is not None:
            action.contact_id = contact.id
            s.add(action)
            s.flush()
        return Logged(contact.id, action.id if action else None)
