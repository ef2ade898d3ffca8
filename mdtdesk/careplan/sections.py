"""A plan version as titled sections of plain lines: what the record's Care plan tab
shows, and what two versions are compared by, side by side."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mdtdesk.careplan.content import ordered_support
from mdtdesk.careplan.versions import PlanVersion
from mdtdesk.clock import short_date, short_day
from mdtdesk.store.vocab import AGREED_HOW, GOAL_PROGRESS, SUPPORT_ROLE

RESPECT = {True: "in place", False: "not in place", None: "not recorded"}


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Compared:
    title: str
    old: tuple[str, ...]
    new: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _labelled(*pairs: tuple[str, str]) -> list[str]:
    return [f"{label}: {text}" for label, text in pairs if text]


def sections(plan: PlanVersion, actions: Mapping[str, str]) -> list[Section]:
    """actions maps action ids to a one-line description, for goals' linked actions."""
    c = plan.content
    goals: list[str] = []
    for goal in c.goals:
        by = f" (by {short_day(goal.target)})" if goal.target else ""
        goals.append(f"{goal.text}{by}: {GOAL_PROGRESS.get(goal.progress, goal.progress)}")
        goals += [
            f"    action: {actions.get(a, 'an action no longer in the store')}"
            for a in goal.actions
        ]
    support = [
        " · ".join(part for part in (f"{SUPPORT_ROLE[p.role]}: {p.name}", p.does, p.phone) if part)
        for p in ordered_support(c)
    ]
    agreed = (
        [f"Agreed on {short_day(plan.agreed_on)} {AGREED_HOW.get(c.agreed_how, '')}".rstrip()]
        if plan.agreed_on
        else ["Not yet agreed with the person"]
    )
    review = [
        f"Medication review: {short_date(c.medication_review)}",
        f"Plan review: {short_date(plan.review_date)}",
    ]
    respect = [f"ReSPECT form: {RESPECT[c.respect_in_place]}"]
    return [
        Section(
            "About me and what matters to me",
            tuple(_labelled(("What matters to me", c.what_matters), ("About me", c.about_me))),
        ),
        Section("My health conditions and needs", tuple(c.needs.splitlines())),
        Section("My goals", tuple(goals)),
        Section(
            "What I can do myself",
            tuple(
                _labelled(
                    ("Looking after myself", c.self_care),
                    ("Rescue medication", c.rescue_medication),
                )
            ),
        ),
        Section("My care and support", tuple(support)),
        Section(
            "If things get worse",
            tuple(
                _labelled(
                    ("Early signs", c.early_signs),
                    ("In working hours call", c.in_hours),
                    ("Out of hours call", c.out_of_hours),
                    ("Crisis plan", c.crisis_plan),
                )
            ),
        ),
        Section(
            "Planning ahead",
            tuple(respect + _labelled(("Kept", c.respect_kept), ("My wishes", c.preferences))),
        ),
        Section("Reviews", tuple(review)),
        Section("Agreed with me", tuple(agreed + [f"Copy to: {d}" for d in c.distribution])),
    ]


def compare(
    old: PlanVersion | None, new: PlanVersion, actions: Mapping[str, str]
) -> list[Compared]:
    """Section by section; a first version is compared with nothing."""
    after = sections(new, actions)
    before = sections(old, actions) if old else [Section(s.title, ()) for s in after]
    return [Compared(a.title, b.lines, a.lines) for b, a in zip(before, after, strict=True)]
