"""Asking the MDT to discuss a person: the agenda builder proposes them until they are."""

from __future__ import annotations

from mdtdesk.clock import today
from mdtdesk.meetings.schedule import MeetingError
from mdtdesk.store.models import DiscussionRequest, Patient
from mdtdesk.store.opened import OpenStore

MAX_REASON = 2000


def ask_for_discussion(store: OpenStore, patient_id: str, reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise MeetingError("Reason: say why the team should discuss this person.")
    if len(reason) > MAX_REASON:
        raise MeetingError(f"Reason: keep it under {MAX_REASON:,} characters.")
    with store.session() as s, s.begin():
        patient = s.get(Patient, patient_id)
        if patient is None or patient.deleted:
            raise MeetingError("This person is no longer in the store.")
        request = DiscussionRequest(
            patient_id=patient_id,
            requested_by_id=store.actor.staff_id,
            requested_on=today(store.clock),
            reason=reason,
        )
        s.add(request)
        s.flush()
        return request.id
