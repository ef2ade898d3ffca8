"""The home screen's figures: the caseload by risk band and status, reviews due,
actions overdue by coordinator, care plans agreed and in date, and the last meetings.
Counts only, in a handful of grouped queries, so the screen never waits on them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mdtdesk.clock import today
from mdtdesk.store.models import (
    Action,
    AgendaItem,
    CarePlan,
    Meeting,
    Outcome,
    Patient,
    StaffMember,
)
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import OPEN_ACTION_STATUSES, efi_band

ON_CASELOAD = ("referred", "active")
SOON_DAYS = 30
LAST_MEETINGS = 4


@dataclass(frozen=True)
class MeetingLine:
    day: date
    cases: int
    minutes_per_case: float | None  # from the time meeting mode kept per case
    carried_forward: int  # cases not discussed, so carried to the next


@dataclass(frozen=True)
class Home:
    on: date
    by_status: dict[str, int]
    by_band: dict[str, int]  # people on the caseload (referred or active); "none": no eFI
    reviews: dict[str, int]  # overdue, due within 30 days, not set
    overdue_by_coordinator: list[tuple[str, int]]
    plans_agreed: int  # people on the caseload whose latest agreed plan is in date
    plans_out_of_date: int
    on_caseload: int
    meetings: list[MeetingLine] = field(default_factory=list)


def home(store: OpenStore) -> Home:
    on = today(store.clock)
    with store.session() as s:
        live = ~Patient.deleted
        by_status = dict(
            s.execute(
                select(Patient.caseload_status, func.count())
                .where(live)
                .group_by(Patient.caseload_status)
            ).all()
        )
        current = live & Patient.caseload_status.in_(ON_CASELOAD)
        bands: Counter[str] = Counter()
        reviews: Counter[str] = Counter()
        soon = on + timedelta(days=SOON_DAYS)
        for efi, review in s.execute(
            select(Patient.efi_score, Patient.next_review_date).where(current)
        ):
            bands[efi_band(efi) or "none"] += 1
            if review is None:
                reviews["not set"] += 1
            elif review < on:
                reviews["overdue"] += 1
            elif review <= soon:
                reviews["due within 30 days"] += 1
        names = dict(s.execute(select(StaffMember.id, StaffMember.name)).all())
        overdue = s.execute(
            select(Action.owner_id, func.count())
            .join(Patient, Patient.id == Action.patient_id)
            .where(
                ~Action.deleted,
                live,
                Action.status.in_(OPEN_ACTION_STATUSES),
                Action.due_date < on,
            )
            .group_by(Action.owner_id)
        ).all()
        by_coordinator = sorted(
            ((names.get(owner, "No owner") if owner else "No owner", n) for owner, n in overdue),
            key=lambda item: (-item[1], item[0]),
        )
        latest = (
            select(CarePlan.patient_id, func.max(CarePlan.version).label("version"))
            .where(~CarePlan.deleted, CarePlan.status == "agreed")
            .group_by(CarePlan.patient_id)
            .subquery()
        )
        agreed = in_date = 0
        for review in s.execute(
            select(CarePlan.review_date)
            .join(
                latest,
                (latest.c.patient_id == CarePlan.patient_id)
                & (latest.c.version == CarePlan.version),
            )
            .join(Patient, Patient.id == CarePlan.patient_id)
            .where(current, ~CarePlan.deleted)
        ).scalars():
            agreed += 1
            in_date += review is None or review >= on
        meetings = _meetings(s, on)
    return Home(
        on,
        by_status,
        dict(bands),
        {k: reviews.get(k, 0) for k in ("overdue", "due within 30 days", "not set")},
        by_coordinator,
        in_date,
        agreed - in_date,
        sum(n for status, n in by_status.items() if status in ON_CASELOAD),
        meetings,
    )


def _meetings(s: Session, on: date) -> list[MeetingLine]:
    done = s.execute(
        select(Meeting.id, Meeting.starts_at)
        .where(~Meeting.deleted, Meeting.state == "finished")
        .order_by(Meeting.starts_at.desc())
        .limit(LAST_MEETINGS)
    ).all()
    lines = []
    for meeting_id, starts in done:
        cases, seconds = s.execute(
            select(func.count(), func.coalesce(func.sum(AgendaItem.seconds_spent), 0)).where(
                AgendaItem.meeting_id == meeting_id, ~AgendaItem.deleted
            )
        ).one()
        carried = s.execute(
            select(func.count())
            .select_from(Outcome)
            .join(AgendaItem, AgendaItem.id == Outcome.agenda_item_id)
            .where(
                AgendaItem.meeting_id == meeting_id,
                ~Outcome.deleted,
                Outcome.outcome == "not_discussed",
            )
        ).scalar_one()
        per_case = round(seconds / 60 / cases, 1) if cases and seconds else None
        lines.append(MeetingLine(starts.date(), cases, per_case, carried))
    return lines
