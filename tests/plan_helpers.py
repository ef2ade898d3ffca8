"""Builders for care plan tests: a full plan in every PRSB section."""

from __future__ import annotations

from datetime import date
from typing import Any

from mdtdesk.careplan import versions
from mdtdesk.careplan.content import Goal, PlanContent, Supporter
from mdtdesk.store.opened import OpenStore
from tests.action_helpers import TODAY


def full_content(**changes: Any) -> PlanContent:
    values: dict[str, Any] = dict(
        what_matters="Staying in my bungalow with my dog, Pip.",
        about_me="I was a nurse for thirty years. Please speak to me, not about me.",
        needs="COPD\nHeart failure",
        goals=(
            Goal("Walk to the post office with my frame", date(2027, 3, 1), "in_progress"),
            Goal("Stay out of hospital this winter", date(2027, 4, 1), "not_started"),
        ),
        self_care="Weigh myself every morning; use my inhalers as shown.",
        rescue_medication="Rescue pack in the kitchen drawer.",
        support=(
            Supporter("gp", "Dr Hannah Kerrison", "Reviews my medicines", "01603 555 010"),
            Supporter("coordinator", "Jo Seago", "Organises my care", "01603 555 042"),
            Supporter("carer", "Mary Wilde", "Daughter; shopping", "07700 900 123"),
        ),
        early_signs="Ankles swelling or more breathless than usual.",
        in_hours="The practice on 01603 555 010",
        out_of_hours="NHS 111",
        crisis_plan="Sit upright, use the blue inhaler, call 999 if I cannot speak.",
        respect_in_place=True,
        respect_kept="Red folder by the front door",
        preferences="To be cared for at home if I become very ill.",
        medication_review=date(2027, 1, 15),
        distribution=("Me (my own copy)", "My GP record"),
    )
    values.update(changes)
    return PlanContent(**values)


def agreed_plan(
    store: OpenStore, patient_id: str, content: PlanContent | None = None, how: str = "home_visit"
) -> versions.PlanVersion:
    draft = versions.start_draft(store, patient_id)
    versions.save_draft(store, draft.id, content or full_content(), date(2027, 5, 1))
    return versions.agree(store, draft.id, TODAY, how, date(2027, 5, 1))
