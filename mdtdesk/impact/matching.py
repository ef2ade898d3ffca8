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
import functools
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
    grouped: dict[tuple[str, str], list[Person]] = defaultdict(list)
    for person in register:
        grouped[(person.sex, efi_band(person.efi))].append(person)
    pools = {key: _Pool(people) for key, people in grouped.items()}
    empty = _Pool([])
    out: list[Match] = []
    for case, t0 in sorted(cases, key=lambda c: (c[1], c[0].nhs_number)):
        pool = pools.get((case.sex, efi_band(case.efi)), empty)
        people, born, left_of, right_of = pool.people, pool.born, pool.left_of, pool.right_of
        wanted = pre_band(pre_emergencies(case, t0))
        chosen: list[int] = []
        target = case.date_of_birth.toordinal()
        # Everyone born in these days is in the case's age band at t0, and no one else.
        earliest, latest = band_births(age_band(case.date_of_birth, t0), t0)
        right = pool.alive_from(bisect.bisect_left(born, target))
        left = left_of[right]
        # Outwards from the case's date of birth, a whole distance at a time so that
        # people equally near are taken by NHS number.
        while len(chosen) < per_case:
            near_left = target - born[left] if left >= 0 and born[left] >= earliest else _FAR
            near_right = born[right] - target if born[right] <= latest else _FAR
            tied: list[int]
            # Mostly the nearest is one person alone at their distance.
            if near_left < near_right and (left_of[left] < 0 or born[left_of[left]] != born[left]):
                tied, left = [left], left_of[left]
            elif near_right < near_left and born[right_of[right]] != born[right]:
                tied, right = [right], right_of[right]
            elif (gap := min(near_left, near_right)) == _FAR:
                break
            else:
                tied = []
                # The same distance on the other side may be outside the band.
                while left >= 0 and target - born[left] == gap and born[left] >= earliest:
                    tied.append(left)
                    left = left_of[left]
                while born[right] - target == gap and born[right] <= latest:
                    tied.append(right)
                    right = right_of[right]
                tied.sort(key=lambda i: people[i].nhs_number)
            for i in tied:
                person = people[i]
                if (person.died is None or person.died > t0) and min(
                    pre_emergencies(person, t0), 2
                ) == wanted:
                    chosen.append(i)
                    if len(chosen) == per_case:
                        break
        for i in chosen:
            pool.take(i)
        out.append(Match(case, t0, [people[i] for i in chosen]))
    return out


class _Pool:
    """The register people of one sex and eFI band in order of birth, as a list that
    people leave when taken: the neighbours skip them, so later cases never walk past
    people already taken, and taking one costs the same however large the pool."""

    def __init__(self, people: list[Person]) -> None:
        people.sort(key=lambda p: (p.date_of_birth, p.nhs_number))
        n = len(people)
        self.people = people
        # The last entry stands past the end: born "never", so no walk goes beyond it.
        self.born = [p.date_of_birth.toordinal() for p in people] + [_FAR * 2]
        self.left_of = list(range(-1, n))
        self.right_of = list(range(1, n + 2))
        self._up = list(range(n + 1))  # towards the first one not taken at or after

    def alive_from(self, i: int) -> int:
        """The first person not taken at or after position i (or the end)."""
        up, root = self._up, i
        while up[root] != root:
            root = up[root]
        while up[i] != root:
            up[i], i = root, up[i]
        return root

    def take(self, i: int) -> None:
        left, right = self.left_of[i], self.right_of[i]
        if left >= 0:
            self.right_of[left] = right
        self.left_of[right] = left
        self._up[i] = i + 1


@functools.cache
def band_births(band: int, t0: date) -> tuple[int, int]:
    """The first and last date of birth (as ordinals) of people whose age at t0 is in
    the 5-year band starting at `band`."""
    return (_last_born_aged(band + 5, t0) + 1, _last_born_aged(band, t0))


def _last_born_aged(years: int, t0: date) -> int:
    """The last date of birth of someone at least `years` old (completed) on t0."""
    year = t0.year - years
    try:
        return date(year, t0.month, t0.day).toordinal()
    except ValueError:  # t0 is 29 February and that year had none
        return date(year, 2, 28).toordinal()


_FAR = 1 << 30
