"""Care plans on paper: one person's plan, or a meeting's people in one batch, each
plan headed and numbered as if printed alone. Every copy that leaves is audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reportlab.platypus import Flowable, PageBreak

from mdtdesk.careplan.printable import PlanPaperData, read, read_many
from mdtdesk.clock import short_day
from mdtdesk.errors import Refusal
from mdtdesk.meetings.agenda import agenda
from mdtdesk.nhs_number import format_nhs
from mdtdesk.printing.care_plan_person import person_story
from mdtdesk.printing.care_plan_pro import professional_story
from mdtdesk.printing.document import PageGroup, build, file_safe, save
from mdtdesk.store import audit
from mdtdesk.store.opened import OpenStore

COPIES = {"patient": "the person's copy", "professional": "professional copy"}


class NoPlans(Refusal, ValueError):
    pass


@dataclass(frozen=True)
class CarePlanPaper:
    pdf: bytes
    file_name: str
    plan_ids: tuple[str, ...]
    missing: tuple[str, ...] = ()  # people in a batch with no plan to print


def _check_copy(copy: str) -> None:
    if copy not in COPIES:
        raise ValueError(f"copy must be one of {', '.join(COPIES)}, not {copy!r}")


def header_of(data: PlanPaperData, copy: str) -> tuple[str, str]:
    plan, p = data.plan, data.person
    what = "My care and support plan" if copy == "patient" else "Care and support plan"
    state = " · DRAFT, not yet agreed" if plan.status == "draft" else ""
    if plan.status == "superseded":
        state = " · SUPERSEDED by a later version"
    header = f"{what} · version {plan.version}{state}"
    detail = (
        f"{p.display_name} · NHS number {format_nhs(p.nhs_number)} · "
        f"Born {short_day(p.date_of_birth)}"
    )
    return header, detail


def _story(data: PlanPaperData, copy: str, large: bool) -> list[Flowable]:
    return person_story(data, large) if copy == "patient" else professional_story(data)


def plans_pdf(
    plans: Sequence[PlanPaperData], copy: str, large: bool, printed: datetime, printed_by: str
) -> bytes:
    _check_copy(copy)
    if not plans:
        raise NoPlans("There are no care plans to print.")
    story: list[Flowable] = []
    for n, data in enumerate(plans):
        if n:
            story.append(PageBreak())
        story.append(PageGroup(*header_of(data, copy)))
        story += _story(data, copy, large)
    first = plans[0].person
    title = (
        f"Care plan: {first.full_name}" if len(plans) == 1 else f"Care plans ({len(plans)} people)"
    )
    header, detail = header_of(plans[0], copy)
    return build(
        story,
        title=title,
        header=header,
        detail=detail,
        printed=printed,
        printed_by=printed_by,
        large=large and copy == "patient",
    )


def file_name(data: PlanPaperData, copy: str, large: bool = False) -> str:
    p = data.person
    safe = file_safe(f"{p.family_name} {p.given_name}")
    size = " large print" if large and copy == "patient" else ""
    return f"Care plan - {safe} - {p.nhs_number} - v{data.plan.version} {copy}{size}.pdf"


def paper(
    store: OpenStore,
    patient_id: str,
    copy: str = "patient",
    large: bool = False,
    plan_id: str | None = None,
) -> CarePlanPaper:
    """One person's plan in memory (the agreed version unless plan_id names another)."""
    _check_copy(copy)
    data = read(store, patient_id, plan_id)
    pdf = plans_pdf([data], copy, large, store.clock.now(), store.actor.name)
    return CarePlanPaper(pdf, file_name(data, copy, large), (data.plan.id,))


def batch(
    store: OpenStore, patient_ids: Sequence[str], copy: str = "patient", large: bool = False
) -> CarePlanPaper:
    """Several people's plans in one PDF, in the order given; people with no plan are
    named in missing rather than stopping the batch."""
    _check_copy(copy)
    plans, missing = read_many(store, patient_ids)
    if not plans:
        raise NoPlans("None of these people has a care plan yet.")
    pdf = plans_pdf(plans, copy, large, store.clock.now(), store.actor.name)
    ids = tuple(d.plan.id for d in plans)
    return CarePlanPaper(pdf, f"Care plans - {len(plans)} people - {copy}.pdf", ids, tuple(missing))


def meeting_batch(
    store: OpenStore, meeting_id: str, copy: str = "patient", large: bool = False
) -> CarePlanPaper:
    """The plans of everyone on a meeting's agenda, in agenda order."""
    made = batch(store, [row.patient_id for row in agenda(store, meeting_id)], copy, large)
    return CarePlanPaper(
        made.pdf,
        made.file_name.replace("Care plans", "MDT care plans"),
        made.plan_ids,
        made.missing,
    )


def log_printed(store: OpenStore, made: CarePlanPaper, copy: str, how: str) -> None:
    """Audit each plan in a paper that has left the store (file or printer)."""
    with store.session() as s, s.begin():
        for plan_id in made.plan_ids:
            audit.log(s, "print", entity="care_plan", record_id=plan_id, copy=copy, to=how)


def save_plan(
    store: OpenStore, patient_id: str, path: Path, copy: str = "patient", large: bool = False
) -> CarePlanPaper:
    made = paper(store, patient_id, copy, large)
    save(path, made.pdf)
    log_printed(store, made, copy, "file")
    return made
