"""Demo care plans: full PRSB sections in invented words, some with an earlier
version superseded and some with a new draft under way."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from mdtdesk.careplan.content import Goal, PlanContent, Supporter, to_json
from mdtdesk.demo import names
from mdtdesk.store.vocab import AGREED_HOW, GOAL_PROGRESS

PRACTICE_PHONE = "01603 555 010"


@dataclass(frozen=True)
class PlanFacts:
    """What the demo person's record says, so the plan agrees with it."""

    coordinator: str
    gp: str
    carers: Sequence[tuple[str, str, str]]  # name, relationship, phone
    conditions: Sequence[str]
    has_respect: bool
    action_ids: Sequence[str]


def content(rng: random.Random, facts: PlanFacts, on: date) -> PlanContent:
    goals = [
        Goal(
            text,
            target=on + timedelta(days=rng.randint(30, 240)),
            progress=rng.choice(tuple(GOAL_PROGRESS)[:3]),
        )
        for text in rng.sample(names.GOALS, rng.randint(2, 3))
    ]
    if facts.action_ids:
        goals[0] = Goal(goals[0].text, goals[0].target, goals[0].progress, (facts.action_ids[0],))
    support = [
        Supporter(
            "coordinator",
            facts.coordinator,
            "Organises my care and chases referrals",
            f"01603 555 0{rng.randint(11, 99)}",
        ),
        Supporter("gp", facts.gp, "My GP; reviews my medicines", PRACTICE_PHONE),
        *[Supporter("carer", n, f"{rel}; helps me day to day", ph) for n, rel, ph in facts.carers],
    ]
    if rng.random() < 0.6:
        support.append(
            Supporter("nurse", "District nursing team", "Dressings and injections", "01603 555 200")
        )
    if rng.random() < 0.3:
        support.append(
            Supporter(
                "voluntary", "Age UK Norfolk", "Befriending call on Tuesdays", "0300 500 1217"
            )
        )
    copd = "COPD" in facts.conditions
    return PlanContent(
        what_matters=rng.choice(names.WHAT_MATTERS),
        about_me=rng.choice(names.ABOUT_ME),
        needs="\n".join(facts.conditions),
        goals=tuple(goals),
        self_care=rng.choice(names.SELF_CARE),
        rescue_medication=(
            "Rescue pack (steroid and antibiotic tablets) in the kitchen drawer. Start it if "
            "my phlegm changes colour, and ring the practice the same day."
            if copd
            else ""
        ),
        support=tuple(support),
        early_signs=rng.choice(names.EARLY_SIGNS),
        in_hours=f"The practice on {PRACTICE_PHONE}; ask for {facts.coordinator}",
        out_of_hours="NHS 111 (call 111). Tell them I have a care plan at the practice.",
        crisis_plan=rng.choice(names.CRISIS_PLANS),
        respect_in_place=facts.has_respect,
        respect_kept="In the red folder by the front door" if facts.has_respect else "",
        preferences=rng.choice(names.PREFERENCES),
        medication_review=on + timedelta(days=rng.randint(20, 120)),
        agreed_how=rng.choice(tuple(AGREED_HOW)),
        distribution=(
            "Me (my own copy)",
            "My GP record",
            f"{facts.coordinator} (named coordinator)",
            *[f"{n} ({rel.lower()})" for n, rel, _ in facts.carers[:1]],
        ),
    )


def rows(rng: random.Random, patient_id: str, facts: PlanFacts, on: date) -> list[dict[str, Any]]:
    """CarePlan rows: version 1 agreed, and sometimes version 2 with 1 superseded, and
    sometimes a draft of the next version."""
    first = content(rng, facts, on)
    agreed_on = on - timedelta(days=rng.randint(120, 400))
    plans = [
        dict(
            patient_id=patient_id,
            version=1,
            status="agreed",
            agreed_on=agreed_on,
            review_date=agreed_on + timedelta(days=180),
            content=to_json(first),
        )
    ]
    if rng.random() < 0.3:
        plans[0]["status"] = "superseded"
        moved = tuple(
            Goal(g.text, g.target, rng.choice(("in_progress", "achieved")), g.actions, g.id)
            for g in first.goals
        )
        again = on - timedelta(days=rng.randint(10, 100))
        plans.append(
            dict(
                patient_id=patient_id,
                version=2,
                status="agreed",
                agreed_on=again,
                review_date=again + timedelta(days=rng.randint(90, 180)),
                content=to_json(first.with_goals(moved)),
            )
        )
    if rng.random() < 0.1:
        plans.append(
            dict(
                patient_id=patient_id,
                version=len(plans) + 1,
                status="draft",
                agreed_on=None,
                review_date=plans[-1]["review_date"],
                content=plans[-1]["content"],
            )
        )
    return plans
