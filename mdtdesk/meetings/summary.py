"""The one-screen story of a person for the meeting: problems, risk, recent hospital
visits, open actions, last outcome and care-plan goals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from mdtdesk.careplan.content import from_json
from mdtdesk.clock import age_on, short_day
from mdtdesk.meetings.schedule import get, local_day
from mdtdesk.store import audit
from mdtdesk.store.models import (
    Action,
    AgendaItem,
    CarePlan,
    Condition,
    HospitalEvent,
    Meeting,
    Outcome,
    Patient,
    RiskScore,
)
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import staff_names
from mdtdesk.store.vocab import (
    CASELOAD_STATUS,
    GOAL_PROGRESS,
    OPEN_ACTION_STATUSES,
    OUTCOME,
    efi_band,
)

RECENT_DAYS = 365


@dataclass(frozen=True, slots=True)
class OpenAction:
    id: str
    description: str
    owner: str
    due: date | None
    status: str
    from_this_meeting: bool


@dataclass(frozen=True)
class CaseSummary:
    patient_id: str
    name: str
    nhs_number: str
    age: int
    status: str
    coordinator: str
    problems: list[str]
    risk: list[str]
    hospital: list[str]
    actions: list[OpenAction]
    last_outcome: str
    goals: list[str]


def goals_of(content: str) -> list[str]:
    """Goals from a care plan's content, with how each is going."""
    plan = from_json(content)
    return [f"{g.text} ({GOAL_PROGRESS[g.progress].lower()})" for g in plan.goals] or (
        [f"What matters: {plan.what_matters}"] if plan.what_matters else []
    )


def case_summary(store: OpenStore, patient_id: str, meeting_id: str) -> CaseSummary:
    """Read for the meeting screen; audited as a view of the person's record."""
    with store.session() as s, s.begin():
        p = s.get(Patient, patient_id)
        if p is None:
            raise LookupError("This person is no longer in the store.")
        meeting = get(s, meeting_id)
        day = local_day(meeting.starts_at)
        staff = staff_names(s)

        def of(model: Any) -> Any:
            return select(model).where(model.patient_id == patient_id, model.deleted.is_(False))

        problems = [c.name for c in s.execute(of(Condition).order_by(Condition.name)).scalars()]
        risk = []
        if p.efi_score is not None:
            risk.append(f"eFI {p.efi_score:.2f} ({efi_band(p.efi_score)})")
        latest: dict[str, RiskScore] = {}
        for r in s.execute(of(RiskScore).order_by(RiskScore.recorded_on)).scalars():
            latest[r.kind] = r
        if "admission_risk" in latest:
            r = latest["admission_risk"]
            risk.append(f"Admission risk {r.value:g}% ({short_day(r.recorded_on)})")
        flags = [
            ("lives alone", p.lives_alone),
            ("is a carer", p.is_a_carer),
            ("ReSPECT form", p.has_respect_form),
        ]
        risk += [label.capitalize() for label, on in flags if on]
        hospital = [
            f"{short_day(h.started_on)} "
            f"{'planned ' if h.planned else ''}"
            f"{'admission' if h.kind == 'admission' else 'A&E'}"
            f"{': ' + h.reason if h.reason else ''}"
            for h in s.execute(
                of(HospitalEvent)
                .where(HospitalEvent.started_on >= day - timedelta(days=RECENT_DAYS))
                .order_by(HospitalEvent.started_on.desc())
            ).scalars()
        ]
        actions = [
            OpenAction(
                a.id,
                a.description,
                staff.get(a.owner_id or "", "no owner"),
                a.due_date,
                a.status,
                a.meeting_id == meeting_id,
            )
            for a in s.execute(
                of(Action)
                .where(Action.status.in_(OPEN_ACTION_STATUSES))
                .order_by(Action.due_date.is_(None), Action.due_date)
            ).scalars()
        ]
        last = s.execute(
            select(Outcome.outcome, Outcome.notes, Meeting.starts_at)
            .join(AgendaItem, AgendaItem.id == Outcome.agenda_item_id)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(
                Outcome.patient_id == patient_id,
                Outcome.deleted.is_(False),
                Meeting.id != meeting_id,
                Meeting.starts_at < meeting.starts_at,
                Outcome.outcome.not_in(("pending",)),
            )
            .order_by(Meeting.starts_at.desc())
            .limit(1)
        ).first()
        last_outcome = "Not discussed before"
        if last is not None:
            last_outcome = f"{short_day(local_day(last[2]))}: {OUTCOME.get(last[0], last[0])}"
            if last[1]:
                last_outcome += f" — {last[1]}"
        plan = (
            s.execute(
                of(CarePlan).where(CarePlan.status == "agreed").order_by(CarePlan.version.desc())
            )
            .scalars()
            .first()
        )
        audit.log(s, "view", entity="patient", record_id=patient_id, screen="meeting")
        return CaseSummary(
            patient_id=p.id,
            name=f"{p.family_name.upper()}, {p.given_name}",
            nhs_number=p.nhs_number,
            age=age_on(p.date_of_birth, day),
            status=CASELOAD_STATUS.get(p.caseload_status, p.caseload_status),
            coordinator=staff.get(p.named_coordinator_id or "", "none"),
            problems=problems,
            risk=risk,
            hospital=hospital,
            actions=actions,
            last_outcome=last_outcome,
            goals=goals_of(plan.content) if plan else [],
        )
