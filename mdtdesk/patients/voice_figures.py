"""The person's voice in the impact report (issue 18): each scale's mean score at
joining and at six months (and the change for people answered at both), how many
people on the caseload have an agreed care plan and a copy of it, and their goals
achieved. Also the questionnaires due, for the reminders."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from mdtdesk.careplan.content import from_json
from mdtdesk.clock import today
from mdtdesk.impact.questionnaire import SCALES, Questionnaire, due
from mdtdesk.patients.voice import current, responses_of
from mdtdesk.store.models import AuditEvent, CarePlan, Patient, QuestionnaireResponse
from mdtdesk.store.opened import OpenStore

ON_CASELOAD = ("referred", "active")


@dataclass(frozen=True)
class Scale:
    key: str  # person_centred, coordinated
    name: str  # as the questionnaire names it
    joining: tuple[int, float | None]  # people answered, mean score 0-3
    six_months: tuple[int, float | None]
    change: tuple[int, float | None]  # people answered at both, mean change


@dataclass(frozen=True)
class VoiceFigures:
    questionnaire: str
    scales: list[Scale]
    on_caseload: int
    plans_agreed: int
    plans_with_copy: int  # the person's copy of the latest agreed plan was printed
    goals: int
    goals_achieved: int
    due_joining: int
    due_six_months: int

    def as_json(self) -> dict[str, Any]:
        def part(p: tuple[int, float | None]) -> dict[str, Any]:
            return {"people": p[0], "mean": p[1]}

        return {
            "questionnaire": self.questionnaire,
            "scales": {s.key: {"name": s.name, "joining": part(s.joining),
                               "six_months": part(s.six_months), "change": part(s.change)}
                       for s in self.scales},
            "on_caseload": self.on_caseload, "plans_agreed": self.plans_agreed,
            "plans_with_copy": self.plans_with_copy, "goals": self.goals,
            "goals_achieved": self.goals_achieved,
            "due": {"joining": self.due_joining, "six_months": self.due_six_months},
        }  # fmt: skip


def _mean(values: list[float]) -> tuple[int, float | None]:
    return len(values), (round(sum(values) / len(values), 2) if values else None)


def voice_figures(store: OpenStore) -> VoiceFigures:
    on = today(store.clock)
    with store.session() as s:
        questionnaire = current(s)
        people = {
            pid: (joined, status)
            for pid, joined, status in s.execute(
                select(Patient.id, Patient.referral_date, Patient.caseload_status).where(
                    ~Patient.deleted, Patient.caseload_status.in_(ON_CASELOAD)
                )
            )
        }
        answered: dict[str, dict[str, tuple[float | None, float | None]]] = defaultdict(dict)
        for pid, timepoint, pc, co in s.execute(
            select(QuestionnaireResponse.patient_id, QuestionnaireResponse.timepoint,
                   QuestionnaireResponse.person_centred, QuestionnaireResponse.coordinated)
            .where(~QuestionnaireResponse.deleted)
        ):  # fmt: skip
            if pid in people:
                answered[pid][timepoint] = (pc, co)
        latest = (
            select(CarePlan.patient_id, func.max(CarePlan.version).label("version"))
            .where(~CarePlan.deleted, CarePlan.status == "agreed")
            .group_by(CarePlan.patient_id)
            .subquery()
        )
        plans = [
            (plan_id, content)
            for pid, plan_id, content in s.execute(
                select(CarePlan.patient_id, CarePlan.id, CarePlan.content).join(
                    latest,
                    (latest.c.patient_id == CarePlan.patient_id)
                    & (latest.c.version == CarePlan.version),
                )
            )
            if pid in people
        ]
        printed = set(
            s.execute(
                select(AuditEvent.record_id).where(
                    AuditEvent.action == "print",
                    AuditEvent.entity == "care_plan",
                    AuditEvent.detail.like('%"copy": "patient"%'),
                )
            ).scalars()
        )
    scales = []
    for n, name in enumerate(SCALES):
        joining, six, change = [], [], []
        for times in answered.values():
            first, later = (times[t][n] if t in times else None for t in ("joining", "six_months"))
            joining += [] if first is None else [first]
            six += [] if later is None else [later]
            change += [] if first is None or later is None else [later - first]
        scales.append(
            Scale(name, questionnaire.scales[name], _mean(joining), _mean(six), _mean(change))
        )
    goals = [g for _, content in plans for g in from_json(content).goals]
    dues = [t for pid, (joined, status) in people.items()
            for t in due(joined, status, set(answered.get(pid, {})), on)]  # fmt: skip
    return VoiceFigures(
        questionnaire.title,
        scales,
        len(people),
        len(plans),
        sum(1 for plan_id, _ in plans if plan_id in printed),
        len(goals),
        sum(1 for g in goals if g.progress == "achieved"),
        dues.count("joining"),
        dues.count("six_months"),
    )


def voice_lines(figures: VoiceFigures) -> list[str]:
    """The person's voice in words, the same on the screen, on paper and in the terminal."""

    def score(part: tuple[int, float | None]) -> str:
        n, mean = part
        return "nobody yet" if mean is None else f"{mean:.2f} of 3 ({n:,} people)"

    lines = [
        f"{s.name}: at joining {score(s.joining)}; at 6 months {score(s.six_months)}"
        + (
            f"; change for the {s.change[0]:,} answered at both {s.change[1]:+.2f}"
            if s.change[1] is not None
            else ""
        )
        for s in figures.scales
    ]
    lines += [
        f"Care plans: {figures.plans_agreed:,} of {figures.on_caseload:,} people on the "
        f"caseload have an agreed plan; {figures.plans_with_copy:,} were given their copy.",
        f"Goals: {figures.goals_achieved:,} of {figures.goals:,} in agreed plans achieved.",
        f"Questionnaires due: {figures.due_joining:,} at joining, "
        f"{figures.due_six_months:,} at 6 months.",
    ]
    return lines


def patient_due(store: OpenStore, patient_id: str) -> list[str]:
    """The questionnaires due for one person (the record's reminder)."""
    with store.session() as s:
        row = s.execute(
            select(Patient.referral_date, Patient.caseload_status).where(Patient.id == patient_id)
        ).first()
        done = set(
            s.execute(
                select(QuestionnaireResponse.timepoint).where(
                    QuestionnaireResponse.patient_id == patient_id,
                    ~QuestionnaireResponse.deleted,
                )
            ).scalars()
        )
    return [] if row is None else due(row[0], row[1], done, today(store.clock))


def answers_of(text: str) -> dict[str, int | None]:
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Due:
    patient_id: str
    name: str
    timepoint: str


def due_list(store: OpenStore, coordinator_id: str | None = None) -> list[Due]:
    """Questionnaires due, for a coordinator's people (None: everyone's), by name."""
    on = today(store.clock)
    with store.session() as s:
        query = select(Patient.id, Patient.family_name, Patient.given_name,
                       Patient.referral_date, Patient.caseload_status).where(
            ~Patient.deleted, Patient.caseload_status.in_(ON_CASELOAD),
            Patient.referral_date.is_not(None))  # fmt: skip
        if coordinator_id is not None:
            query = query.where(Patient.named_coordinator_id == coordinator_id)
        people = s.execute(query).all()
        done: dict[str, set[str]] = defaultdict(set)
        for pid, timepoint in s.execute(
            select(QuestionnaireResponse.patient_id, QuestionnaireResponse.timepoint).where(
                ~QuestionnaireResponse.deleted
            )
        ):
            done[pid].add(timepoint)
    out = [
        Due(pid, f"{given} {family}", t)
        for pid, family, given, joined, status in people
        for t in due(joined, status, done.get(pid, set()), on)
    ]
    return sorted(out, key=lambda d: (d.name.split()[-1:], d.name, d.timepoint))


@dataclass(frozen=True)
class Answered:
    id: str
    timepoint: str
    answered_on: date
    person_centred: float | None
    coordinated: float | None
    answers: dict[str, int | None]


@dataclass(frozen=True)
class PatientVoice:
    questionnaire: Questionnaire
    answered: list[Answered]
    due: list[str]


def patient_voice(store: OpenStore, patient_id: str) -> PatientVoice:
    """One person's answers, the questionnaire to ask and what is due (the record's tab)."""
    with store.session() as s:
        questionnaire = current(s)
        rows = [
            Answered(
                r.id,
                r.timepoint,
                r.answered_on,
                r.person_centred,
                r.coordinated,
                answers_of(r.answers),
            )
            for r in responses_of(s, patient_id)
        ]
    return PatientVoice(questionnaire, rows, patient_due(store, patient_id))
