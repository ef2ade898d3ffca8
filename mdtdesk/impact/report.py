"""The impact report's one definition (issue 18), on plain data: caseload people with
their join dates and hospital events, register people with theirs. The screen, the
PDF, the CSV and `--json` all read what `impact` returns.

Warnings are in words, because a before/after figure on people chosen for high use
mostly shows regression to the mean (Roland et al., BMJ 2005)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from mdtdesk.impact.matching import Match, Person, match
from mdtdesk.impact.rates import Rate, Ratio, rate, rate_ratio, ratio_of_ratios, wide
from mdtdesk.impact.windows import (
    MONTHS,
    Event,
    Figures,
    PreCounts,
    figures,
    monthly,
    windows,
)

WINDOW_DAYS = 365


@dataclass(frozen=True)
class Member:
    person: Person
    joined: date | None  # the referral date, t0
    events: list[Event] = field(default_factory=list)


@dataclass
class Side:
    """One window's totals for a group of people."""

    person_years: float = 0.0
    emergency_admissions: int = 0
    elective_admissions: int = 0
    ae_attendances: int = 0
    emergency_bed_days: int = 0

    def add(self, f: Figures) -> None:
        self.person_years += f.person_years
        self.emergency_admissions += f.emergency_admissions
        self.elective_admissions += f.elective_admissions
        self.ae_attendances += f.ae_attendances
        self.emergency_bed_days += f.emergency_bed_days

    def rate(self) -> Rate:
        return rate(self.emergency_admissions, self.person_years)


@dataclass
class Group:
    people: int = 0
    pre: Side = field(default_factory=Side)
    post: Side = field(default_factory=Side)
    # Months -12 ... 12 from t0: emergency admissions, and how many people were watched.
    month_admissions: dict[int, int] = field(default_factory=dict)
    month_people: dict[int, int] = field(default_factory=dict)

    def add_months(self, counts: dict[int, int], watched: tuple[int, ...]) -> None:
        for m, n in counts.items():
            self.month_admissions[m] = self.month_admissions.get(m, 0) + n
        for m in watched:
            self.month_people[m] = self.month_people.get(m, 0) + 1

    def months(self) -> list[tuple[int, int, int, float | None]]:
        """(month, admissions, people watched, admissions per 1,000 people watched)."""
        out = []
        for m in (*range(-MONTHS, 0), *range(1, MONTHS + 1)):
            n, people = self.month_admissions.get(m, 0), self.month_people.get(m, 0)
            out.append((m, n, people, round(1000 * n / people, 1) if people else None))
        return out

    def rate_ratio(self) -> Ratio:
        return rate_ratio(self.pre.rate(), self.post.rate())


@dataclass
class Impact:
    window_days: int
    as_of: date
    no_join_date: int
    unmatched_cases: int
    caseload: Group
    comparison: Group
    difference_in_differences: Ratio
    warnings: list[str]

    def as_json(self) -> dict[str, Any]:
        def side(s: Side) -> dict[str, Any]:
            r = s.rate()
            return {
                "person_years": round(s.person_years, 3),
                "emergency_admissions": s.emergency_admissions,
                "elective_admissions": s.elective_admissions,
                "ae_attendances": s.ae_attendances,
                "emergency_bed_days": s.emergency_bed_days,
                "rate": r.value,
                "rate_ci": [r.interval.low, r.interval.high] if r.interval else None,
            }

        def ratio(r: Ratio) -> dict[str, Any]:
            return {
                "value": r.value,
                "ci": [r.interval.low, r.interval.high] if r.interval else None,
            }

        def group(g: Group) -> dict[str, Any]:
            return {"people": g.people, "pre": side(g.pre), "post": side(g.post),
                    "rate_ratio": ratio(g.rate_ratio()),
                    "monthly": [{"month": m, "emergency_admissions": n, "people": p,
                                 "per_1000": r} for m, n, p, r in g.months()]}  # fmt: skip

        return {
            "window_days": self.window_days,
            "as_of": self.as_of.isoformat(),
            "no_join_date": self.no_join_date,
            "unmatched_cases": self.unmatched_cases,
            "warnings": self.warnings,
            "caseload": group(self.caseload),
            "comparison": group(self.comparison),
            "difference_in_differences": ratio(self.difference_in_differences),
        }


def impact(
    caseload: list[Member],
    register: list[Member],
    as_of: date,
    window_days: int = WINDOW_DAYS,
    data_from: date | None = None,
    data_to: date | None = None,
) -> Impact:
    """The report of people held in memory, counted person by person with
    `windows.figures`: the readable reference. A store's report (`from_store`) counts
    the same windows in SQL, and tests hold the two equal on random people.
    data_from/data_to: the first and last day the hospital data covers, if known."""
    events_of: Mapping[str, list[Event]] = {
        m.person.nhs_number: m.events for m in (*caseload, *register)
    }

    counters: dict[str, PreCounts] = {}

    def pre_emergencies(person: Person, t0: date) -> int:
        counter = counters.get(person.nhs_number)
        if counter is None:
            counter = PreCounts.of(events_of.get(person.nhs_number, []))
            counters[person.nhs_number] = counter
        return counter.count(t0, window_days)

    no_join = sum(1 for m in caseload if m.joined is None)
    cases = [(m.person, m.joined) for m in caseload if m.joined is not None and m.joined <= as_of]
    matches = match(cases, [m.person for m in register], pre_emergencies)
    ours, theirs = Group(), Group()
    for m in matches:
        for person, group in ((m.case, ours), *((c, theirs) for c in m.controls)):
            pre, post = windows(m.t0, window_days, as_of, person.died)
            events = events_of.get(person.nhs_number, [])
            group.people += 1
            group.pre.add(figures(pre, events, m.t0))
            group.post.add(figures(post, events, m.t0))
            group.add_months(*monthly(pre, post, events, m.t0))
    return finish(ours, theirs, matches, no_join, window_days, as_of, data_from, data_to)


def finish(
    ours: Group,
    theirs: Group,
    matches: list[Match],
    no_join: int,
    window_days: int,
    as_of: date,
    data_from: date | None,
    data_to: date | None,
) -> Impact:
    """The report from the two groups' totals, however they were counted."""
    unmatched = sum(1 for m in matches if not m.controls)
    did = ratio_of_ratios(
        (ours.pre.rate(), ours.post.rate()), (theirs.pre.rate(), theirs.post.rate())
    )
    warnings = _warnings(
        ours, theirs, did, unmatched, matches, window_days, as_of, data_from, data_to
    )
    return Impact(window_days, as_of, no_join, unmatched, ours, theirs, did, warnings)


def group_warnings(
    ours: Group,
    theirs: Group,
    did: Ratio,
    unmatched: int,
    cases: int,
    count: Callable[[int], str] = "{:,}".format,
) -> list[str]:
    """The warnings that follow from the figures alone (also for pooled figures, whose
    numbers leave a hub suppressed: `count` writes them)."""
    said: list[str] = []
    if theirs.people == 0:
        said.append(
            "There is no comparison group: a fall after joining may be regression to the "
            "mean (people chosen for high use tend to use less later anyway). Import the "
            "practice's risk register to compare with people like them."
        )
    if wide(ours.rate_ratio()) or (theirs.people and wide(did)):
        said.append(
            "Small numbers: the interval runs beyond 0.5 to 2, so the figure could easily "
            "be chance."
        )
    if unmatched:
        said.append(f"{count(unmatched)} of {count(cases)} caseload people had no one like them "
                    "on the register to compare with.")  # fmt: skip
    return said


def _warnings(
    ours: Group,
    theirs: Group,
    did: Ratio,
    unmatched: int,
    matches: list[Match],
    window_days: int,
    as_of: date,
    data_from: date | None,
    data_to: date | None,
) -> list[str]:
    said = group_warnings(ours, theirs, did, unmatched, len(matches))
    if matches and (data_from is not None or data_to is not None):
        first = min(m.t0 for m in matches) - timedelta(days=window_days)
        last = min(max(m.t0 for m in matches) + timedelta(days=window_days), as_of)
        if (data_from is not None and data_from > first) or (
            data_to is not None and data_to < last
        ):
            held = " to ".join(f"{d:%d/%m/%Y}" if d else "?" for d in (data_from, data_to))
            said.append(
                f"The hospital data ({held}) does not cover both windows for everyone "
                f"({first:%d/%m/%Y} to {last:%d/%m/%Y}): counts near the edges are "
                "missing, not zero."
            )
    return said
