"""The experience questionnaire's definition (issue 18): items scored 0 to 3 in two
scales, person-centred and coordinated, read from a data file. mdtdesk ships its own
(mdtdesk/data/questionnaire.json, in the spirit of National Voices' "I statements");
a practice holding a licence for another set, such as P3CEQ, loads it in the same
format. A scale's score is the mean of its answered items; with none, it has none."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any

from mdtdesk.errors import Refusal

SCALES = ("person_centred", "coordinated")
SIX_MONTHS = timedelta(days=182)
_MAX_ITEMS = 60


class QuestionnaireInvalid(Refusal, ValueError):
    """A questionnaire file that cannot be loaded; says where and why."""


@dataclass(frozen=True)
class Item:
    id: str
    scale: str
    text: str


@dataclass(frozen=True)
class Questionnaire:
    id: str
    title: str
    answers: tuple[str, str, str, str]  # the words for 0, 1, 2 and 3
    scales: dict[str, str]  # scale -> its name
    items: tuple[Item, ...]
    source: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "source": self.source,
                "answers": list(self.answers), "scales": self.scales,
                "items": [{"id": i.id, "scale": i.scale, "text": i.text}
                          for i in self.items]}  # fmt: skip


def _text(value: Any, where: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise QuestionnaireInvalid(f"{where}: give some text")
    if len(value) > limit:
        raise QuestionnaireInvalid(f"{where}: {len(value):,} characters, more than {limit}")
    return value.strip()


def parse(data: Any, name: str = "the questionnaire") -> Questionnaire:
    """A questionnaire from its JSON; QuestionnaireInvalid names the field at fault."""
    if not isinstance(data, dict):
        raise QuestionnaireInvalid(f"{name}: is not a JSON object")
    answers = data.get("answers")
    if not isinstance(answers, list) or len(answers) != 4:
        raise QuestionnaireInvalid(f"{name}: answers: give four, for the scores 0 to 3")
    words = tuple(_text(a, f"{name}: answers[{i}]", 40) for i, a in enumerate(answers))
    scales = data.get("scales")
    if not isinstance(scales, dict) or set(scales) != set(SCALES):
        raise QuestionnaireInvalid(f"{name}: scales: name the two scales, {' and '.join(SCALES)}")
    named = {k: _text(scales[k], f"{name}: scales.{k}", 60) for k in SCALES}
    items = data.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= _MAX_ITEMS:
        raise QuestionnaireInvalid(f"{name}: items: give 1 to {_MAX_ITEMS} items")
    made: list[Item] = []
    for n, item in enumerate(items):
        where = f"{name}: items[{n}]"
        if not isinstance(item, dict):
            raise QuestionnaireInvalid(f"{where}: is not an object")
        item_id = _text(item.get("id"), f"{where}.id", 40)
        if any(i.id == item_id for i in made):
            raise QuestionnaireInvalid(f"{where}.id: {item_id!r} is used twice")
        scale = item.get("scale")
        if scale not in SCALES:
            raise QuestionnaireInvalid(f"{where}.scale: {str(scale)[:40]!r} is not "
                                       f"{' or '.join(SCALES)}")  # fmt: skip
        made.append(Item(item_id, scale, _text(item.get("text"), f"{where}.text", 300)))
    for scale in SCALES:
        if not any(i.scale == scale for i in made):
            raise QuestionnaireInvalid(f"{name}: items: no item is in the {scale} scale")
    source = data.get("source", "")
    return Questionnaire(
        _text(data.get("id"), f"{name}: id", 40),
        _text(data.get("title"), f"{name}: title", 120),
        (words[0], words[1], words[2], words[3]),
        named,
        tuple(made),
        source[:1000] if isinstance(source, str) else "",
    )


def bundled() -> Questionnaire:
    text = resources.files("mdtdesk.data").joinpath("questionnaire.json").read_text("utf-8")
    return parse(json.loads(text), "questionnaire.json")


def scores(questionnaire: Questionnaire, answers: dict[str, int | None]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for scale in SCALES:
        given = [answers[i.id] for i in questionnaire.items
                 if i.scale == scale and answers.get(i.id) is not None]  # fmt: skip
        out[scale] = (
            round(sum(v for v in given if v is not None) / len(given), 3) if given else None
        )
    return out


def due(joined: date | None, status: str, done: set[str], on: date) -> list[str]:
    """The time points a person's questionnaire is due at (for the reminders): at
    joining once they have a referral date, at six months from six months after it;
    none for people no longer referred or active."""
    if joined is None or status not in ("referred", "active") or joined > on:
        return []
    wanted = ["joining"] + (["six_months"] if on >= joined + SIX_MONTHS else [])
    return [t for t in wanted if t not in done]
