"""Small builders for action tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from mdtdesk.actions import tracking
from mdtdesk.store.opened import OpenStore
from tests.meeting_helpers import add_patient, add_staff

TODAY = date(2026, 11, 23)  # the test clock's day


def coordinated(store: OpenStore, family: str, coordinator: str | None = None) -> str:
    """A person on the caseload whose named coordinator is `coordinator`."""
    return add_patient(store, family, named_coordinator_id=coordinator)


def coordinator(store: OpenStore, name: str = "Jo Seago") -> str:
    return add_staff(store, name, "Care coordinator")


def action(
    store: OpenStore,
    patient_id: str,
    what: str = "Chase the cardiology letter",
    due: date = TODAY,
    **fields: Any,
) -> str:
    new = tracking.NewAction(patient_id=patient_id, description=what, due_date=due, **fields)
    return tracking.create(store, new)
