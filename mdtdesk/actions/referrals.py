"""Referrals: an action with a service, tracked through sent, accepted or declined,
and seen. The service list is the practice's own; retired services stay on old
referrals but are not offered for new ones.

A referral's progress moves its action along: sent or accepted means waiting on the
service, declined hands it back to its owner (open), seen completes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mdtdesk.actions.tracking import ActionError, Change, Changed, apply, get
from mdtdesk.clock import short_day, today
from mdtdesk.store.models import Action, Service, StoreMeta
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import name_key
from mdtdesk.store.vocab import DEFAULT_SERVICES, REFERRAL_STATUS

_SEEDED = "services_seeded"
MAX_NAME = 200

# status -> the statuses it may follow (None: not sent yet)
_AFTER: dict[str, tuple[str | None, ...]] = {
    "sent": (None, "declined"),
    "accepted": ("sent",),
    "declined": ("sent", "accepted"),
    "seen": ("sent", "accepted"),
}
_DATE_OF = {
    "sent": "referral_sent_on",
    "accepted": "referral_replied_on",
    "declined": "referral_replied_on",
    "seen": "referral_seen_on",
}
_ACTION_STATUS = {"sent": "waiting", "accepted": "waiting", "declined": "open", "seen": "done"}


@dataclass(frozen=True, slots=True)
class ServiceRow:
    id: str
    name: str
    active: bool


def referral_line(service: str, status: str | None) -> str:
    """A referral in a few words: "Falls service: accepted"."""
    return f"{service}: {REFERRAL_STATUS.get(status or '', 'not sent yet').lower()}"


def _seed(s: Session) -> None:
    """A new store gets the usual services once; after that the list is the practice's."""
    if s.get(StoreMeta, _SEEDED) is not None:
        return
    if s.execute(select(func.count(Service.id))).scalar_one() == 0:
        for position, name in enumerate(DEFAULT_SERVICES):
            s.add(Service(name=name, active=True, position=position))
    s.add(StoreMeta(key=_SEEDED, value="1"))


def services(store: OpenStore, *, retired: bool = False) -> list[ServiceRow]:
    with store.session() as s, s.begin():
        _seed(s)
        query = select(Service).where(Service.deleted.is_(False))
        if not retired:
            query = query.where(Service.active.is_(True))
        rows = s.execute(query.order_by(Service.position, Service.name)).scalars()
        return [ServiceRow(r.id, r.name, r.active) for r in rows]


def _name(s: Session, name: str, service_id: str | None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ActionError("Service: give the service a name.")
    if len(name) > MAX_NAME:
        raise ActionError(f"Service: keep the name under {MAX_NAME} characters.")
    for other in s.execute(select(Service).where(Service.deleted.is_(False))).scalars():
        if other.id != service_id and name_key(other.name) == name_key(name):
            raise ActionError(f"Service: {other.name} is already in the list.")
    return name


def add_service(store: OpenStore, name: str) -> str:
    with store.session() as s, s.begin():
        _seed(s)
        last = s.execute(select(func.max(Service.position))).scalar()
        service = Service(name=_name(s, name, None), active=True, position=(last or 0) + 1)
        s.add(service)
        s.flush()
        return service.id


def _get(s: Session, service_id: str) -> Service:
    service = s.get(Service, service_id)
    if service is None or service.deleted:
        raise ActionError("Service: that service is not in the list.")
    return service


def rename_service(store: OpenStore, service_id: str, name: str) -> None:
    with store.session() as s, s.begin():
        service = _get(s, service_id)
        service.name = _name(s, name, service_id)


def set_service_active(store: OpenStore, service_id: str, active: bool) -> None:
    """Retire a service (or bring it back); referrals already made keep its name."""
    with store.session() as s, s.begin():
        _get(s, service_id).active = active


def move_service(store: OpenStore, service_id: str, offset: int) -> None:
    """Move a service up (-1) or down (+1) the list offered for referrals."""
    with store.session() as s, s.begin():
        rows = list(
            s.execute(
                select(Service)
                .where(Service.deleted.is_(False))
                .order_by(Service.position, Service.name)
            ).scalars()
        )
        index = next((i for i, r in enumerate(rows) if r.id == service_id), None)
        if index is None:
            raise ActionError("Service: that service is not in the list.")
        target = max(0, min(len(rows) - 1, index + offset))
        rows.insert(target, rows.pop(index))
        for position, row in enumerate(rows):
            if row.position != position:
                row.position = position


def change_referral(
    s: Session, store: OpenStore, action: Action, status: str, on: date, note: str
) -> list[Change]:
    """Record a referral's progress on a day; its action's status follows."""
    if status not in REFERRAL_STATUS:
        raise ActionError(f"Referral: choose {', '.join(REFERRAL_STATUS.values()).lower()}.")
    if action.service_id is None:
        raise ActionError("This action is not a referral to a service.")
    if action.status == "cancelled":
        raise ActionError("This referral was cancelled; reopen it first.")
    current = action.referral_status
    if current not in _AFTER[status]:
        was = REFERRAL_STATUS.get(current or "", "not sent yet").lower()
        raise ActionError(
            f"Referral: it is {was}; it cannot be marked {REFERRAL_STATUS[status].lower()}."
        )
    if on > today(store.clock):
        raise ActionError(f"Date: {short_day(on)} is in the future.")
    earlier = [d for d in (action.referral_sent_on, action.referral_replied_on) if d]
    if status != "sent" and earlier and on < max(earlier):
        raise ActionError(
            f"Date: {short_day(on)} is before the referral was {current} "
            f"({short_day(max(earlier))})."
        )
    values: dict[str, object] = {"referral_status": status, _DATE_OF[status]: on}
    if status == "sent":
        # Sent again after a decline: the old reply no longer stands.
        values.update(referral_replied_on=None, referral_seen_on=None)
    values["status"] = _ACTION_STATUS[status]
    return apply(s, store, action, values, note)


def set_referral(
    store: OpenStore, action_id: str, status: str, on: date, note: str = ""
) -> Changed:
    with store.session() as s, s.begin():
        return Changed(
            tuple(change_referral(s, store, get(s, action_id), status, on, note.strip()))
        )
