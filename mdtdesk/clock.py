"""Clocks passed into services, so tests can fix "now" without patching."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that only moves when told to."""

    current: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current = self.current + delta


def today(clock: Clock) -> date:
    # Local calendar date: "today" for a user in a UK practice is the wall-clock date.
    return clock.now().astimezone().date()


def short_day(day: date) -> str:
    """A date as papers, reasons and lists write it: 4 Nov 2026."""
    return f"{day.day} {day:%b %Y}"


def short_time(at: datetime) -> str:
    """A moment on the local clock, as lists write it: 4 Nov 2026 14:05."""
    local = at.astimezone()
    return f"{short_day(local.date())} {local:%H:%M}"


def short_date(day: date | None) -> str:
    """short_day, saying so when there is no date."""
    return "no date" if day is None else short_day(day)


def plain_day(day: date | None) -> str:
    """A date as it is said ("3 June 2027"), for the person's own papers; "" if none."""
    return f"{day.day} {day:%B %Y}" if day else ""


def long_day(day: date) -> str:
    """A date in full, as a paper's heading writes it: Tuesday 24 November 2026."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def age_on(born: date, on: date) -> int:
    """Whole years of age on a day (a 29 February birthday ages on 1 March)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
