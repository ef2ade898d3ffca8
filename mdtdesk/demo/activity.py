"""Demo hospital activity and a demo risk register, shaped like the real thing so the
impact report has something honest to show: people are referred after a run of
emergency admissions, so their admissions fall afterwards whether or not the MDT
helped (regression to the mean); register people like them fall too, a little less."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from mdtdesk.demo import names

YEAR = 365
REASONS = (
    ("Fall", "W19"),
    ("Chest infection", "J22"),
    ("Exacerbation of COPD", "J441"),
    ("Heart failure", "I509"),
    ("Urinary infection", "N390"),
    ("Confusion", "R410"),
)
PROVIDERS = ("RM1", "RGP", "RCX")  # the demo hospitals' trust codes, in names.HOSPITALS order
SPAN = 4 * YEAR  # the hospital extract's reach back from today


@dataclass(frozen=True)
class Visit:
    kind: str  # "admission" or "ae_attendance"
    planned: bool
    start: date
    end: date | None
    where: int  # index into names.HOSPITALS and PROVIDERS
    reason: int  # index into REASONS


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: means here are small.
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _visits(rng: random.Random, first: date, last: date, per_year: float) -> Iterator[Visit]:
    """Emergency admissions at per_year, with A&E and elective visits beside them."""
    days = (last - first).days
    if days <= 0:
        return
    years = days / YEAR
    where = rng.randrange(len(PROVIDERS))
    for kind, planned, mean in (
        ("admission", False, per_year * years),
        ("ae_attendance", False, per_year * 0.8 * years),
        ("admission", True, 0.2 * years),
    ):
        for _ in range(_poisson(rng, mean)):
            start = first + timedelta(days=rng.randrange(days))
            stay = None if kind == "ae_attendance" else int(rng.expovariate(1 / 6))
            end = None if stay is None else start + timedelta(days=stay)
            yield Visit(kind, planned, start, end, where, rng.randrange(len(REASONS)))


def base_rate(rng: random.Random, efi: float) -> float:
    """A person's underlying emergency admissions a year: frailer, more."""
    return rng.gammavariate(1.5, 0.15 + efi)


def caseload_visits(
    rng: random.Random, efi: float, joined: date, on: date, died: date | None
) -> list[Visit]:
    """More use in the year before joining (that is why people are referred), back
    towards their own rate after, and a little lower still for the MDT's work."""
    rate = base_rate(rng, efi)
    start = on - timedelta(days=SPAN)
    end = min(on, died) if died else on
    before = list(_visits(rng, start, joined - timedelta(days=YEAR), rate))
    before += _visits(rng, joined - timedelta(days=YEAR), joined, rate * 1.6)
    return before + list(_visits(rng, joined + timedelta(days=1), end, rate * 1.0))


def register_visits(rng: random.Random, efi: float, on: date, died: date | None) -> list[Visit]:
    """Register people have runs of high use too (some years worse than others)."""
    rate = base_rate(rng, efi)
    end = min(on, died) if died else on
    visits: list[Visit] = []
    day = on - timedelta(days=SPAN)
    while day < end:
        upto = min(end, day + timedelta(days=YEAR))
        visits += _visits(rng, day, upto, rate * rng.choice((0.5, 0.8, 1.0, 1.2, 2.5)))
        day = upto
    return visits


def hospital_name(visit: Visit) -> str:
    return names.HOSPITALS[visit.where % len(names.HOSPITALS)]


def register(
    rng: random.Random, numbers: Iterator[str], count: int, on: date
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(register people, their hospital events) as table rows, for `count` people
    like the caseload: a little younger and less frail on the whole."""
    from mdtdesk.store.ids import new_id
    from mdtdesk.store.vocab import hospital_event_word

    people: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    for _ in range(count):
        female = rng.random() < 0.55
        age = max(65, min(104, int(rng.gauss(79, 8))))
        efi = round(min(0.75, max(0.03, rng.gauss(0.24, 0.1))), 3)
        died = on - timedelta(days=rng.randint(1, SPAN)) if rng.random() < 0.06 else None
        rid = new_id()
        people.append({
            "id": rid, "nhs_number": next(numbers),
            "family_name": rng.choice(names.FAMILY),
            "given_name": rng.choice(names.GIVEN_FEMALE if female else names.GIVEN_MALE),
            "date_of_birth": on - timedelta(days=age * YEAR + rng.randint(0, 364)),
            "sex": "female" if female else "male", "efi_score": efi, "date_of_death": died,
            "postcode": None,
        })  # fmt: skip
        for v in register_visits(rng, efi, on, died):
            events.append({
                "id": new_id(), "register_id": rid,
                "event": hospital_event_word(v.kind, v.planned), "started_on": v.start,
                "ended_on": v.end, "provider": PROVIDERS[v.where],
                "diagnosis": REASONS[v.reason][1],
            })  # fmt: skip
    return people, events
