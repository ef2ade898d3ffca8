"""What a care plan says, section by section (the PRSB personalised care and support
plan), and how it is kept: one JSON document per version in care_plan.content.

Reading is forgiving (early plans held only "what_matters" and goal strings);
checking is strict and names the section and item that is wrong."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from mdtdesk.store.errors import StoreError
from mdtdesk.store.ids import new_id
from mdtdesk.store.vocab import GOAL_PROGRESS, SUPPORT_ROLE

MAX_TEXT = 4000
MAX_ITEMS = 40


class PlanInvalid(StoreError):
    """Problems keyed by field ("goals.2.target"), each a sentence saying what to do."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__(" ".join(self.problems.values()))


@dataclass(frozen=True, slots=True)
class Goal:
    text: str
    target: date | None = None
    progress: str = "not_started"
    actions: tuple[str, ...] = ()  # ids of the actions that work towards it
    id: str = field(default_factory=new_id)


@dataclass(frozen=True, slots=True)
class Supporter:
    role: str
    name: str
    does: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class PlanContent:
    what_matters: str = ""  # in the person's own words
    about_me: str = ""
    needs: str = ""  # my health conditions and needs, as the person would put them
    goals: tuple[Goal, ...] = ()
    self_care: str = ""
    rescue_medication: str = ""
    support: tuple[Supporter, ...] = ()
    early_signs: str = ""
    in_hours: str = ""  # who to call, daytime
    out_of_hours: str = ""
    crisis_plan: str = ""
    respect_in_place: bool | None = None
    respect_kept: str = ""
    preferences: str = ""  # wishes for care and treatment, preferred place of care
    medication_review: date | None = None
    agreed_how: str = ""
    distribution: tuple[str, ...] = ()

    def with_goals(self, goals: tuple[Goal, ...]) -> PlanContent:
        return replace(self, goals=goals)


TEXT_FIELDS = (
    "what_matters",
    "about_me",
    "needs",
    "self_care",
    "rescue_medication",
    "early_signs",
    "in_hours",
    "out_of_hours",
    "crisis_plan",
    "respect_kept",
    "preferences",
    "agreed_how",
)


def _day(value: Any) -> date | None:
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _goal(raw: Any) -> Goal | None:
    if isinstance(raw, str):
        return Goal(raw.strip()) if raw.strip() else None
    if not isinstance(raw, dict):
        return None
    actions = raw.get("actions")
    progress = raw.get("progress")
    return Goal(
        text=_text(raw.get("text") or raw.get("goal")),
        target=_day(raw.get("target")),
        progress=progress if progress in GOAL_PROGRESS else "not_started",
        actions=tuple(a for a in actions if isinstance(a, str))
        if isinstance(actions, list)
        else (),
        id=raw["id"] if isinstance(raw.get("id"), str) else new_id(),
    )


def _supporter(raw: Any) -> Supporter | None:
    if not isinstance(raw, dict):
        return None
    role = raw.get("role")
    return Supporter(
        role=role if role in SUPPORT_ROLE else "other",
        name=_text(raw.get("name")),
        does=_text(raw.get("does")),
        phone=_text(raw.get("phone")),
    )


def from_json(text: str | None) -> PlanContent:
    """The content of a stored version; fields it lacks are empty."""
    try:
        data: Any = json.loads(text or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    goals = data.get("goals") if isinstance(data.get("goals"), list) else []
    support = data.get("support") if isinstance(data.get("support"), list) else []
    people = data.get("distribution") if isinstance(data.get("distribution"), list) else []
    in_place = data.get("respect_in_place")
    return PlanContent(
        **{name: _text(data.get(name)) for name in TEXT_FIELDS},
        goals=tuple(g for g in map(_goal, goals) if g is not None),
        support=tuple(p for p in map(_supporter, support) if p is not None),
        respect_in_place=in_place if isinstance(in_place, bool) else None,
        medication_review=_day(data.get("medication_review")),
        distribution=tuple(_text(d) for d in people if _text(d)),
    )


def to_json(content: PlanContent) -> str:
    def plain(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return json.dumps(plain(asdict(content)), ensure_ascii=False, sort_keys=True)


def _long(problems: dict[str, str], key: str, label: str, text: str) -> None:
    if len(text) > MAX_TEXT:
        problems[key] = f"{label}: keep it under {MAX_TEXT:,} characters."


def check(content: PlanContent) -> PlanContent:
    """The content as it may be saved in a draft, or PlanInvalid naming each problem."""
    problems: dict[str, str] = {}
    for name in TEXT_FIELDS:
        _long(problems, name, name.replace("_", " ").capitalize(), getattr(content, name))
    if len(content.goals) > MAX_ITEMS:
        problems["goals"] = f"Goals: a plan holds at most {MAX_ITEMS}."
    for n, goal in enumerate(content.goals, start=1):
        if not goal.text:
            problems[f"goals.{n}.text"] = f"Goal {n}: say what the person wants to achieve."
        _long(problems, f"goals.{n}.text", f"Goal {n}", goal.text)
        if goal.progress not in GOAL_PROGRESS:
            problems[f"goals.{n}.progress"] = (
                f"Goal {n}: progress must be one of {', '.join(GOAL_PROGRESS.values())}."
            )
    if len(content.support) > MAX_ITEMS:
        problems["support"] = f"Care and support: a plan lists at most {MAX_ITEMS} people."
    for n, person in enumerate(content.support, start=1):
        if not person.name:
            problems[f"support.{n}.name"] = f"Care and support, row {n}: give a name."
        if person.role not in SUPPORT_ROLE:
            problems[f"support.{n}.role"] = f"Care and support, row {n}: choose a role."
        if len(person.phone) > 40:
            problems[f"support.{n}.phone"] = f"Care and support, row {n}: phone is too long."
    if problems:
        raise PlanInvalid(problems)
    return content


def check_agreeable(content: PlanContent) -> None:
    """What the person's copy cannot do without: their words, a goal, and who to call."""
    check(content)
    problems: dict[str, str] = {}
    if not content.what_matters:
        problems["what_matters"] = "What matters to me: write it in the person's own words."
    if not content.goals:
        problems["goals"] = "My goals: agree at least one goal with the person."
    if not content.in_hours and not any(p.phone for p in content.support):
        problems["in_hours"] = (
            "Who to call: give a daytime number, or a phone for someone in care and support."
        )
    if problems:
        raise PlanInvalid(problems)


def ordered_support(content: PlanContent) -> list[Supporter]:
    """Named coordinator first, then the roles in their usual order."""
    rank = {role: n for n, role in enumerate(SUPPORT_ROLE)}
    return sorted(content.support, key=lambda p: rank.get(p.role, len(rank)))
