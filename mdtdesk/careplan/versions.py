"""A person's care plan versions: draft -> agreed -> superseded.

Only a draft can be changed. Editing an agreed plan starts a new draft (version n+1)
from it; agreeing a draft supersedes the version agreed before. Nothing is ever
overwritten, so every version stays readable and comparable."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.careplan.content import (
    PlanContent,
    PlanInvalid,
    Supporter,
    check,
    check_agreeable,
    from_json,
    to_json,
)
from mdtdesk.clock import short_day, today
from mdtdesk.store.errors import StoreError
from mdtdesk.store.models import Action, CarePlan, Condition, KeyContact, Patient, StaffMember
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import AGREED_HOW

LONGEST_REVIEW_DAYS = 3 * 366


class PlanError(StoreError):
    pass


@dataclass(frozen=True)
class PlanVersion:
    id: str
    patient_id: str
    version: int
    status: str
    content: PlanContent
    agreed_on: date | None
    review_date: date | None
    updated_at: datetime
    updated_by: str | None

    @property
    def label(self) -> str:
        when = f", agreed {short_day(self.agreed_on)}" if self.agreed_on else ""
        return f"Version {self.version} ({self.status}{when})"


def as_version(row: CarePlan) -> PlanVersion:
    return PlanVersion(
        id=row.id,
        patient_id=row.patient_id,
        version=row.version,
        status=row.status,
        content=from_json(row.content),
        agreed_on=row.agreed_on,
        review_date=row.review_date,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def rows_of(s: Session, patient_id: str) -> list[CarePlan]:
    """Newest version first; two devices may each have made the same number, so the
    later change breaks the tie."""
    query = (
        select(CarePlan)
        .where(CarePlan.patient_id == patient_id, CarePlan.deleted.is_(False))
        .order_by(CarePlan.version.desc(), CarePlan.updated_at.desc())
    )
    return list(s.execute(query).scalars())


def versions(store: OpenStore, patient_id: str) -> list[PlanVersion]:
    with store.session() as s:
        return [as_version(r) for r in rows_of(s, patient_id)]


def _patient(s: Session, patient_id: str) -> Patient:
    patient = s.get(Patient, patient_id)
    if patient is None or patient.deleted:
        raise PlanError("This person is no longer in the store.")
    return patient


def _plan(s: Session, plan_id: str) -> CarePlan:
    plan = s.get(CarePlan, plan_id)
    if plan is None or plan.deleted:
        raise PlanError("That care plan version is no longer in the store.")
    return plan


def prefill(s: Session, patient: Patient) -> PlanContent:
    """A first draft from what the record already knows: coordinator, carers,
    conditions and the ReSPECT flag, so nobody types them twice."""
    support: list[Supporter] = []
    coordinator = s.get(StaffMember, patient.named_coordinator_id or "")
    if coordinator is not None:
        support.append(Supporter("coordinator", coordinator.name, "Organises my care", ""))
    carers = s.execute(
        select(KeyContact)
        .where(
            KeyContact.patient_id == patient.id,
            KeyContact.deleted.is_(False),
            KeyContact.is_carer.is_(True),
        )
        .order_by(KeyContact.name)
    ).scalars()
    for carer in carers:
        support.append(Supporter("carer", carer.name, carer.relationship, carer.phone or ""))
    conditions = s.execute(
        select(Condition.name)
        .where(Condition.patient_id == patient.id, Condition.deleted.is_(False))
        .order_by(Condition.name)
    ).scalars()
    distribution = ["Me (my own copy)", "My GP record"]
    if coordinator is not None:
        distribution.append(f"{coordinator.name} (named coordinator)")
    return PlanContent(
        needs="\n".join(conditions),
        support=tuple(support),
        respect_in_place=True if patient.has_respect_form else None,
        distribution=tuple(distribution),
    )


def start_draft(store: OpenStore, patient_id: str) -> PlanVersion:
    """The draft to edit: the open one if there is one, else a new version copied from
    the latest (or, for a first plan, filled in from the record)."""
    with store.session() as s, s.begin():
        patient = _patient(s, patient_id)
        rows = rows_of(s, patient_id)
        draft = next((r for r in rows if r.status == "draft"), None)
        if draft is not None:
            return as_version(draft)
        base = rows[0] if rows else None
        content = from_json(base.content) if base else prefill(s, patient)
        # A plan is often revised because its review is due: a passed date is not kept.
        review = base.review_date if base else None
        row = CarePlan(
            patient_id=patient_id,
            version=(max(r.version for r in rows) + 1) if rows else 1,
            status="draft",
            content=to_json(content),
            review_date=review if review and review > today(store.clock) else None,
        )
        s.add(row)
        s.flush()
        return as_version(row)


def _draft(s: Session, plan_id: str) -> CarePlan:
    plan = _plan(s, plan_id)
    if plan.status != "draft":
        raise PlanError(
            f"Version {plan.version} is {plan.status}, and agreed plans are kept as they "
            "were: edit the plan to start a new draft."
        )
    return plan


def _linked_actions(s: Session, patient_id: str, content: PlanContent) -> None:
    wanted = {a for g in content.goals for a in g.actions}
    if not wanted:
        return
    found = set(
        s.execute(
            select(Action.id).where(
                Action.id.in_(wanted), Action.patient_id == patient_id, Action.deleted.is_(False)
            )
        ).scalars()
    )
    for n, goal in enumerate(content.goals, start=1):
        if set(goal.actions) - found:
            raise PlanInvalid(
                {f"goals.{n}.actions": f"Goal {n}: a linked action is not one of this person's."}
            )


def _review(review_date: date | None, start: date, after: str = "the plan is agreed") -> None:
    if review_date is None:
        return
    if review_date <= start:
        raise PlanInvalid({"review_date": f"Review date: choose a day after {after}."})
    if (review_date - start).days > LONGEST_REVIEW_DAYS:
        raise PlanInvalid({"review_date": "Review date: review the plan within three years."})


def save_draft(
    store: OpenStore,
    plan_id: str,
    content: PlanContent,
    review_date: date | None,
    seen: datetime | None = None,
) -> PlanVersion:
    """Save a draft's content; seen is the draft's updated_at when the editor opened it,
    so two people editing one draft cannot overwrite each other unseen."""
    content = check(content)
    with store.session() as s, s.begin():
        plan = _draft(s, plan_id)
        if seen is not None and plan.updated_at != seen:
            who = plan.updated_by or "someone else"
            raise PlanError(
                f"{who} changed this draft since you opened it; close the editor and open it "
                "again to see their changes."
            )
        _linked_actions(s, plan.patient_id, content)
        _review(review_date, today(store.clock), "today")
        plan.content = to_json(content)
        plan.review_date = review_date
        s.flush()
        return as_version(plan)


def agree(
    store: OpenStore, plan_id: str, agreed_on: date, how: str, review_date: date | None
) -> PlanVersion:
    """Agree a draft with the person; the version agreed before it is superseded."""
    if how not in AGREED_HOW:
        raise PlanInvalid({"agreed_how": "How agreed: choose how the plan was agreed."})
    if agreed_on > today(store.clock):
        raise PlanInvalid({"agreed_on": "Agreed on: the date cannot be in the future."})
    if review_date is None:
        raise PlanInvalid({"review_date": "Review date: every agreed plan needs a review date."})
    _review(review_date, agreed_on)
    with store.session() as s, s.begin():
        plan = _draft(s, plan_id)
        content = from_json(plan.content)
        check_agreeable(content)
        for other in rows_of(s, plan.patient_id):
            if other.status == "agreed" and other.id != plan.id:
                other.status = "superseded"
        plan.content = to_json(replace(content, agreed_how=how))
        plan.status = "agreed"
        plan.agreed_on = agreed_on
        plan.review_date = review_date
        s.flush()
        return as_version(plan)


def discard_draft(store: OpenStore, plan_id: str) -> None:
    """Throw a draft away (a tombstone, like every removal); agreed versions stay."""
    with store.session() as s, s.begin():
        _draft(s, plan_id).deleted = True


def current(rows: list[CarePlan]) -> CarePlan | None:
    """The version to print from rows_of: the agreed one, or failing that the draft."""
    agreed = next((r for r in rows if r.status == "agreed"), None)
    return agreed or next((r for r in rows if r.status == "draft"), None)
