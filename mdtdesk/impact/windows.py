"""One person's hospital use before and after joining the caseload, as the impact
report defines it (issue 18).

For a person joining on t0, with a window of W days and a report date R:
- the pre window is the days t0-W to t0-1; the post window the days t0+1 to the
  earliest of t0+W, the date of death and R (so it may be shorter, or empty);
- an event counts in a window when its start date falls in it;
- an emergency admission whose stay covers t0 (start <= t0 <= end) is the index spell:
  it counts in neither window (it is often why the person was referred);
- emergency bed days: for each emergency admission counted in a window, the nights
  from its start to its end (end - start; a same-day stay adds 0), not counting
  nights after the window's last day (an admission still open counts to that day);
- person-years: the window's days / 365.25.
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

EMERGENCY = "emergency_admission"
ELECTIVE = "elective_admission"
AE = "ae_attendance"
KINDS = (EMERGENCY, ELECTIVE, AE)
DAYS_PER_YEAR = 365.25


class Event(NamedTuple):
    # A tuple, not a dataclass: a report reads 200,000 of them, and a frozen
    # dataclass's __init__ cost a quarter of a second of that.
    kind: str
    start: date
    end: date | None = None


@dataclass(frozen=True)
class Window:
    first: date
    last: date  # inclusive; before `first` when the window is empty

    @property
    def days(self) -> int:
        return max(0, (self.last - self.first).days + 1)

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class Figures:
    days: int
    person_years: float
    emergency_admissions: int
    elective_admissions: int
    ae_attendances: int
    emergency_bed_days: int


def windows(
    t0: date, window_days: int, as_of: date, died: date | None = None
) -> tuple[Window, Window]:
    """The pre and post windows of a person who joined on t0."""
    pre = Window(t0 - timedelta(days=window_days), t0 - timedelta(days=1))
    return pre, Window(t0 + timedelta(days=1), post_last(t0, window_days, as_of, died))


def post_last(t0: date, window_days: int, as_of: date, died: date | None = None) -> date:
    """The post window's last day: the earliest of t0+W, the date of death and R."""
    last = min(t0 + timedelta(days=window_days), as_of)
    return last if died is None else min(last, died)


def is_index_spell(event: Event, t0: date) -> bool:
    return event.kind == EMERGENCY and event.start <= t0 <= (event.end or event.start)


def figures(window: Window, events: list[Event], t0: date) -> Figures:
    counts = dict.fromkeys(KINDS, 0)
    bed_days = 0
    for event in events:
        if not window.holds(event.start) or is_index_spell(event, t0):
            continue
        counts[event.kind] += 1
        if event.kind == EMERGENCY:
            # Nights from the start, up to the end or the window's last night.
            stop = window.last + timedelta(days=1)
            if event.end is not None and event.end < stop:
                stop = event.end
            bed_days += max(0, (stop - event.start).days)
    return Figures(
        days=window.days,
        person_years=window.days / DAYS_PER_YEAR,
        emergency_admissions=counts[EMERGENCY],
        elective_admissions=counts[ELECTIVE],
        ae_attendances=counts[AE],
        emergency_bed_days=bed_days,
    )


MONTHS = 12
DAYS_PER_MONTH = DAYS_PER_YEAR / 12


def month_of(day: date, t0: date) -> int:
    """The month a day falls in, counted from t0: -12 ... -1 before, 1 ... 12 after
    (months of 30.44 days; t0 itself is month 0, in neither window)."""
    return month_of_offset((day - t0).days)


def month_of_offset(offset: int) -> int:
    """month_of for a day `offset` days from t0."""
    if offset < 0:
        return int(offset // DAYS_PER_MONTH)
    if offset == 0:
        return 0
    return int((offset - 1) // DAYS_PER_MONTH) + 1


def monthly(
    pre: Window, post: Window, events: list[Event], t0: date
) -> tuple[dict[int, int], tuple[int, ...]]:
    """(emergency admissions by month, the months the person was watched in): for the
    chart of admissions aligned on t0. A month counts as watched when its first day is
    inside the person's window (so people who died or joined lately drop out)."""
    counts: dict[int, int] = {}
    for event in events:
        if event.kind != EMERGENCY or is_index_spell(event, t0):
            continue
        if pre.holds(event.start) or post.holds(event.start):
            m = month_of(event.start, t0)
            if -MONTHS <= m <= MONTHS and m != 0:
                counts[m] = counts.get(m, 0) + 1
    return counts, watched((t0 - pre.first).days, (post.last - t0).days)


@functools.cache
def watched(pre_days: int, post_last: int) -> tuple[int, ...]:
    """The months whose first day is within pre_days before t0, or no later than
    post_last days after it."""
    before = tuple(m for m in range(-MONTHS, 0) if -first_day(m) <= pre_days)
    return before + tuple(m for m in range(1, MONTHS + 1) if first_day(m) <= post_last)


def first_day(month: int) -> int:
    """The first day of a month counted from t0, as a day offset from t0."""
    if month < 0:
        return math.ceil(month * DAYS_PER_MONTH)
    return math.ceil((month - 1) * DAYS_PER_MONTH) + 1


class PreCounts:
    """Emergency admissions in the pre window of any t0, by bisection: matching asks
    this of each register person it looks at, for each case's t0. Spells are day
    ordinals in order of their start; an admission not yet discharged ends on its
    start."""

    def __init__(self, starts: list[int], ends: list[int]) -> None:
        self.starts, self.ends = starts, ends
        self._apart: bool | None = None

    @property
    def apart(self) -> bool:
        """Each stay over before the next begins, as nearly always: then only the last
        stay begun before t0 can be the index spell."""
        if self._apart is None:
            ends, starts = self.ends, self.starts
            self._apart = all(e < s for e, s in zip(ends, starts[1:], strict=False))
        return self._apart

    @classmethod
    def of(cls, events: list[Event]) -> PreCounts:
        spells = sorted((e.start.toordinal(), (e.end or e.start).toordinal())
                        for e in events if e.kind == EMERGENCY)  # fmt: skip
        return cls([s for s, _ in spells], [e for _, e in spells])

    def count(self, t0: date, window_days: int) -> int:
        starts = self.starts
        if not starts:
            return 0
        day = t0.toordinal()
        high = bisect.bisect_left(starts, day)  # starts up to t0 - 1
        low = bisect.bisect_left(starts, day - window_days, 0, high)
        if high == low:
            return 0
        # A stay that began in the window and ran over t0 is the index spell.
        if self.ends[high - 1] < day and (high - low == 1 or self.apart):
            return high - low
        if self.apart:
            return high - low - 1
        return sum(end < day for end in self.ends[low:high])
