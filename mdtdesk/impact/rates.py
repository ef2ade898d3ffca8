"""Rates per 1,000 person-years and their 95 % intervals, as the impact report states
them (issue 18): exact Poisson limits below 10 events, Byar's approximation from 10 up;
a rate ratio with its interval on the log scale; the ratio of two rate ratios
(difference-in-differences) with its interval from the four counts.

No statistics library: these few formulas are written out so each can be checked
against published values (tests/core/test_impact_rates.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z = 1.959963984540054  # the 97.5th centile of the standard normal
ALPHA = 0.05
EXACT_BELOW = 10
PER = 1000.0


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def _poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean)."""
    if mean <= 0:
        return 1.0
    term = math.exp(-mean)
    total = term
    for i in range(1, k + 1):
        term *= mean / i
        total += term
    return min(total, 1.0)


def _solve(target: float, k: int, low: float, high: float, below: bool) -> float:
    """The mean at which P(X <= k) (below) or P(X >= k) equals target, by bisection."""
    for _ in range(200):
        mid = (low + high) / 2
        value = _poisson_cdf(k, mid) if below else 1.0 - _poisson_cdf(k - 1, mid)
        # P(X <= k) falls as the mean grows; P(X >= k) rises.
        if (value > target) == below:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def count_interval(count: int) -> Interval:
    """95 % limits for the expected number of events, given `count` observed."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    if count < EXACT_BELOW:
        # Exact (Garwood) limits: the chi-squared form, solved on the Poisson sums.
        low = 0.0 if count == 0 else _solve(ALPHA / 2, count, 0.0, count + 0.0, below=False)
        high = _solve(ALPHA / 2, count, float(count), count + 20.0, below=True)
        return Interval(low, high)
    # Byar's approximation.
    low = count * (1 - 1 / (9 * count) - Z / (3 * math.sqrt(count))) ** 3
    up = count + 1
    high = up * (1 - 1 / (9 * up) + Z / (3 * math.sqrt(up))) ** 3
    return Interval(low, high)


@dataclass(frozen=True)
class Rate:
    count: int
    person_years: float
    value: float | None  # per 1,000 person-years; None with no person-time
    interval: Interval | None


def rate(count: int, person_years: float) -> Rate:
    if person_years <= 0:
        return Rate(count, 0.0, None, None)
    limits = count_interval(count)
    scale = PER / person_years
    return Rate(
        count, person_years, count * scale, Interval(limits.low * scale, limits.high * scale)
    )


@dataclass(frozen=True)
class Ratio:
    value: float | None
    interval: Interval | None


def rate_ratio(pre: Rate, post: Rate) -> Ratio:
    """post / pre, with exp(ln RR +- 1.96 sqrt(1/O_pre + 1/O_post)); none when either
    count is 0 or either window has no person-time."""
    if not pre.count or not post.count or pre.value is None or post.value is None:
        return Ratio(None, None)
    value = post.value / pre.value
    spread = Z * math.sqrt(1 / pre.count + 1 / post.count)
    return Ratio(value, Interval(value * math.exp(-spread), value * math.exp(spread)))


def ratio_of_ratios(cases: tuple[Rate, Rate], controls: tuple[Rate, Rate]) -> Ratio:
    """Difference-in-differences as the ratio of the two rate ratios (cases over
    controls), its interval from the four counts on the log scale."""
    ours, theirs = rate_ratio(*cases), rate_ratio(*controls)
    if ours.value is None or theirs.value is None:
        return Ratio(None, None)
    value = ours.value / theirs.value
    counts = (cases[0].count, cases[1].count, controls[0].count, controls[1].count)
    spread = Z * math.sqrt(sum(1 / c for c in counts))
    return Ratio(value, Interval(value * math.exp(-spread), value * math.exp(spread)))


def wide(ratio: Ratio) -> bool:
    """'Small numbers': an interval for a ratio wider than the span from 0.5 to 2 (its
    high end more than 4 times its low end), or no interval at all. A precise figure
    far from 1 (0.37 to 0.43 from thousands of admissions) is not small numbers."""
    return ratio.interval is None or ratio.interval.high > 4.0 * ratio.interval.low
