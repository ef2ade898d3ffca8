"""Everything that happened to one person, newest first, as plain sentences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.clock import short_day
from mdtdesk.store.models import (
    Action,
    ActionEvent,
    AgendaItem,
    CarePlan,
    ContactLogEntry,
    Meeting,
    Outcome,
    Patient,
)
from mdtdesk.store.vocab import (
    ACTION_STATUS,
    CONSENT,
    CONTACT_KIND,
    OUTCOME,
    PLAN_STATUS,
    REFERRAL_STATUS,
)

if TYPE_CHECKING:
    from mdtdesk.patients.record import HospitalRow

KINDS = {
    "referral": "Referral",
    "consent": "Consent",
    "meeting": "MDT meeting",
    "action": "Action",
    "contact": "Contact",
    "admission": "Admission",
    "ae_attendance": "A&E attendance",
    "care_plan": "Care plan",
}


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime  # UTC; a date-only event sits at midday so it sorts sensibly within its day
    dated_only: bool
    kind: str
    text: str


def _on(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def _name(staff: Mapping[str, str], staff_id: str | None) -> str:
    return staff.get(staff_id or "", "someone not in the staff list")


def build_timeline(
    s: Session,
    p: Patient,
    staff: Mapping[str, str],
    plans: Sequence[CarePlan],
    actions: Sequence[Action],
    contacts: Sequence[ContactLogEntry],
    hospital: Sequence[HospitalRow],
    services: Mapping[str, str],
) -> list[TimelineEntry]:
    out: list[TimelineEntry] = []
    if p.referral_date is not None:
        source = f" by {p.referral_source}" if p.referral_source else ""
        reason = f": {p.referral_reason}" if p.referral_reason else ""
        out.append(
            TimelineEntry(_on(p.referral_date), True, "referral", f"Referred{source}{reason}")
        )
    if p.consent_recorded_at is not None:
        out.append(
            TimelineEntry(
                p.consent_recorded_at,
                False,
                "consent",
                f"Consent recorded as {CONSENT.get(p.consent_status, p.consent_status).lower()} "
                f"by {_name(staff, p.consent_recorded_by_id)}",
            )
        )
    discussed = s.execute(
        select(Meeting.starts_at, Meeting.state, AgendaItem.reason, Outcome.outcome, Outcome.notes)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .outerjoin(Outcome, (Outcome.agenda_item_id == AgendaItem.id) & Outcome.deleted.is_(False))
        .where(
            AgendaItem.patient_id == p.id,
            AgendaItem.deleted.is_(False),
            Meeting.deleted.is_(False),
        )
    ).all()
    for starts_at, state, reason, outcome, notes in discussed:
        # Only a case the team decided on was discussed; a meeting still to come (or a
        # case carried forward) is an agenda place, not a discussion.
        if outcome and outcome not in ("pending", "not_discussed"):
            text = f"Discussed at the MDT meeting: {reason} — outcome: "
            text += OUTCOME.get(outcome, outcome).lower()
            if notes:
                text += f" ({notes})"
        elif state == "finished":
            text = f"On the MDT agenda, not discussed: {reason}"
        else:
            text = f"On the agenda of the MDT meeting: {reason}"
        out.append(TimelineEntry(starts_at, False, "meeting", text))
    # An action agreed at a meeting happened then, whenever the record was typed in.
    meeting_ids = {a.meeting_id for a in actions if a.meeting_id}
    agreed_at = {
        r[0]: r[1]
        for r in s.execute(select(Meeting.id, Meeting.starts_at).where(Meeting.id.in_(meeting_ids)))
    }
    changed = s.execute(
        select(ActionEvent)
        .where(
            ActionEvent.patient_id == p.id,
            ActionEvent.deleted.is_(False),
            ActionEvent.field.in_(("status", "referral_status", "owner_id")),
        )
        .order_by(ActionEvent.at)
    ).scalars()
    events: dict[str, list[ActionEvent]] = {}
    for e in changed:
        events.setdefault(e.action_id, []).append(e)
    for a in actions:
        due = f", due {short_day(a.due_date)}" if a.due_date else ""
        owner = _name(staff, a.owner_id) if a.owner_id else "no owner yet"
        when = agreed_at.get(a.meeting_id or "", a.created_at)
        service = services.get(a.service_id or "")
        what = f"Referral to {service}" if service else "Action"
        out.append(
            TimelineEntry(when, False, "action", f"{what} for {owner}{due}: {a.description}")
        )
        mine = events.get(a.id, [])
        out += [_changed(e, a, service, staff) for e in mine]
        if a.status in ("done", "cancelled") and not any(e.field == "status" for e in mine):
            # Closed before changes had a history (an older store): its last update.
            out.append(
                TimelineEntry(a.updated_at, False, "action", f"Action {a.status}: {a.description}")
            )
    for c in contacts:
        minutes = f", {c.duration_minutes} min" if c.duration_minutes else ""
        with_whom = f" with {c.with_whom}" if c.with_whom else ""
        notes = f": {c.notes}" if c.notes else ""
        who = _name(staff, c.staff_id)
        kind = CONTACT_KIND.get(c.kind, c.kind.replace("_", " ").capitalize())
        out.append(
            TimelineEntry(c.at, False, "contact", f"{kind}{with_whom} by {who}{minutes}{notes}")
        )
    for h in hospital:
        where = f" at {h.hospital}" if h.hospital else ""
        why = f": {h.reason}" if h.reason else ""
        if h.kind == "admission":
            planned = "Planned admission" if h.planned else "Unplanned admission"
            until = f" until {short_day(h.ended_on)}" if h.ended_on else ""
            text = f"{planned}{where}{until}{why}"
        else:
            text = f"A&E attendance{where}{why}"
        out.append(TimelineEntry(_on(h.started_on), True, h.kind, text))
    for plan in plans:
        # An agreed plan is dated by the day it was agreed with the person, a draft by
        # its last change; never by when the row happened to be made.
        status = PLAN_STATUS.get(plan.status, plan.status).lower()
        what = f"Care plan version {plan.version} ({status})"
        if plan.agreed_on is not None:
            out.append(TimelineEntry(_on(plan.agreed_on), True, "care_plan", f"{what}, agreed"))
        else:
            out.append(TimelineEntry(plan.updated_at, False, "care_plan", what))
    out.sort(key=lambda e: e.at, reverse=True)
    return out


def _changed(
    e: ActionEvent, a: Action, service: str | None, staff: Mapping[str, str]
) -> TimelineEntry:
    who = _name(staff, e.staff_id)
    note = f" ({e.note})" if e.note else ""
    if e.field == "referral_status":
        state = REFERRAL_STATUS.get(e.new_value or "", "not sent").lower()
        text = f"Referral to {service or 'a service'} {state}{note}: {a.description}"
    elif e.field == "owner_id":
        text = f"Action passed to {_name(staff, e.new_value)} by {who}{note}: {a.description}"
    else:
        state = ACTION_STATUS.get(e.new_value or "", e.new_value or "").lower()
        text = f"Action {state} by {who}{note}: {a.description}"
    return TimelineEntry(e.at, False, "action", text)
