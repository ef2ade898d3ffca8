"""The comparison group: up to three register people for each caseload person, as the
impact report defines it (issue 18).

Cases are taken in order of t0, then NHS number. Each gets up to `per_case` register
people who were alive at its t0 (no date of death on or before it), of the same sex,
the same 5-year age band at t0 (completed years: 65-69, 70-74, ...), the same eFI band
(no score is a band of its own) and the same number of emergency admissions in the pre
window counted from the case's t0 (0, 1, 2 or more); nearest date of birth first, ties
by NHS number; each register person is used at most once. A control then takes its
case's t0 and is measured in the same windows.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

PER_CASE = 3


@dataclass(frozen=True)
class Person:
    nhs_number: str
    sex: str
    date_of_birth: date
    efi: float | None
    died: date | None = None


def efi_band(score: float | None) -> str:
    if score is None:
        return "none"
    if score <= 0.12:
        return "fit"
    if score <= 0.24:
        return "mild"
    if score <= 0.36:
        return "moderate"
    return "severe"


def age_on(born: date, day: date) -> int:
    """Completed years."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(born: date, day: date) -> int:
    return age_on(born, day) // 5 * 5


def pre_band(count: int) -> int:
    return min(count, 2)


@dataclass(frozen=True)
class Match:
    case: Person
    t0: date
    controls: list[Person]


def match(
    cases: list[tuple[Person, date]],
    register: list[Person],
    pre_emergencies: Callable[[Person, date], int],
    per_case: int = PER_CASE,
) -> list[Match]:
    """Each case with the register people chosen for it, in the order cases are taken.
    pre_emergencies(person, t0) counts a person's emergency admissions in the pre
    window of t0."""
    pools: dict[tuple[str, str], list[Person]] = defaultdict(list)
    for person in register:
        pools[(person.sex, efi_band(person.efi))].append(person)
    births: dict[tuple[str, str], list[int]] = {}
    for key, pool in pools.items():
        pool.sort(key=lambda p: (p.date_of_birth, p.nhs_number))
        births[key] = [p.date_of_birth.toordinal() for p in pool]
    out: list[Match] = []
    for case, t0 in sorted(cases, key=lambda c: (c[1], c[0].nhs_number)):
        key = (case.sex, efi_band(case.efi))
        pool, born = pools.get(key, []), births.get(key, [])
        band, wanted = age_band(case.date_of_birth, t0), pre_band(pre_emergencies(case, t0))

        def fits(person: Person, band: int = band, wanted: int = wanted, t0: date = t0) -> bool:
            return (
                (person.died is None or person.died > t0)
                and age_band(person.date_of_birth, t0) == band
                and pre_band(pre_emergencies(person, t0)) == wanted
            )

        chosen: list[Person] = []
        target = case.date_of_birth.toordinal()
        right = bisect.bisect_left(born, target)
        left = right - 1
        # Outwards from the case's date of birth, a whole distance at a time so that
        # people equally near are taken by NHS number. Outside the age band, stop.
        while len(chosen) < per_case and (left >= 0 or right < len(pool)):
            gaps = [target - born[left] if left >= 0 else None,
                    born[right] - target if right < len(pool) else None]  # fmt: skip
            gap = min(g for g in gaps if g is not None)
            if gap > 5 * 366:
                break  # no one further away can share the age band
            tied: list[Person] = []
            while left >= 0 and target - born[left] == gap:
                tied.append(pool[left])
                left -= 1
            while right < len(pool) and born[right] - target == gap:
                tied.append(pool[right])
                right += 1
            for person in sorted(tied, key=lambda p: p.nhs_number):
                if len(chosen) < per_case and fits(person):
                    chosen.append(person)
        # Out of the pool, so later cases do not walk past people already taken.
        for person in chosen:
            at = bisect.bisect_left(born, person.date_of_birth.toordinal())
            while pool[at] is not person:
                at += 1
            del pool[at], born[at]
        out.append(Match(case, t0, chosen))
    return out
