"""Demo questionnaire answers: most people answered at joining, about half of those
six months on, scoring a little higher once their care is coordinated. Each person's
answers come from a generator of their own (seeded by their NHS number), so adding
them left the rest of the demo as it was."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

from mdtdesk.impact.questionnaire import SIX_MONTHS, Questionnaire, scores


def rows(
    questionnaire: Questionnaire, number: str, pid: str, joined: date, on: date
) -> list[dict[str, Any]]:
    rng = random.Random(f"voice {number}")
    out: list[dict[str, Any]] = []
    if joined > on or rng.random() > 0.7:
        return out
    times = [("joining", joined + timedelta(days=rng.randint(0, 21)), 0.0)]
    if on >= joined + SIX_MONTHS and rng.random() < 0.55:
        times.append(("six_months", joined + SIX_MONTHS + timedelta(days=rng.randint(0, 28)), 0.6))
    for timepoint, day, lift in times:
        answers: dict[str, int | None] = {
            item.id: None if rng.random() < 0.06
            else max(0, min(3, round(rng.gauss(1.4 + lift, 0.8))))
            for item in questionnaire.items
        }  # fmt: skip
        if all(v is None for v in answers.values()):
            answers[questionnaire.items[0].id] = 1
        made = scores(questionnaire, answers)
        out.append({"patient_id": pid, "timepoint": timepoint, "answered_on": min(day, on),
                    "questionnaire": questionnaire.id, "answers": json.dumps(answers),
                    "person_centred": made["person_centred"],
                    "coordinated": made["coordinated"]})  # fmt: skip
    return out
