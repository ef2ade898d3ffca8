"""The impact report's rates and intervals against published values (issue 18)."""

from __future__ import annotations

import math

import pytest

from mdtdesk.impact.rates import (
    Interval,
    count_interval,
    rate,
    rate_ratio,
    ratio_of_ratios,
    wide,
)

# Exact 95 % Poisson limits for the mean (Garwood), as tabulated for example in
# Ulm, Am J Epidemiol 1990, and the chi-squared form chi2(0.025, 2k)/2, chi2(0.975, 2k+2)/2.
EXACT = {
    0: (0.0, 3.689),
    1: (0.0253, 5.572),
    2: (0.2422, 7.225),
    5: (1.6235, 11.668),
    9: (4.1154, 17.0848),
}


@pytest.mark.parametrize(("count", "limits"), EXACT.items())
def test_exact_limits_below_ten(count: int, limits: tuple[float, float]) -> None:
    got = count_interval(count)
    assert got.low == pytest.approx(limits[0], abs=6e-4)
    assert got.high == pytest.approx(limits[1], abs=6e-4)


def test_byar_from_ten_up_and_within_a_fifth_of_a_percent_of_the_exact_limits() -> None:
    # Exact limits at 10, 20, 50 and 100 events (Garwood): Byar's approximation is
    # used from 10 up and stays within 0.2 % of them.
    exact = {10: (4.7954, 18.3904), 20: (12.2165, 30.8884), 50: (37.1110, 65.9188),
             100: (81.3640, 121.6268)}  # fmt: skip
    for k, (low, high) in exact.items():
        got = count_interval(k)
        assert got.low == pytest.approx(low, rel=2e-3) and got.high == pytest.approx(high, rel=2e-3)
    k, z = 100, 1.959963984540054
    low = k * (1 - 1 / (9 * k) - z / (3 * math.sqrt(k))) ** 3
    high = (k + 1) * (1 - 1 / (9 * (k + 1)) + z / (3 * math.sqrt(k + 1))) ** 3
    assert count_interval(100) == Interval(low, high)  # Byar's formula, not the exact one


def test_a_rate_is_per_1000_person_years_and_none_without_person_time() -> None:
    r = rate(5, 250.0)
    assert r.value == pytest.approx(20.0)
    assert r.interval is not None
    assert r.interval.low == pytest.approx(1.6235 * 4, abs=3e-3)
    assert rate(3, 0.0).value is None and rate(3, 0.0).interval is None


def test_rate_ratio_on_the_log_scale_and_none_with_a_zero_count() -> None:
    pre, post = rate(40, 100.0), rate(20, 100.0)
    ratio = rate_ratio(pre, post)
    assert ratio.value == pytest.approx(0.5)
    spread = 1.959963984540054 * math.sqrt(1 / 40 + 1 / 20)
    assert ratio.interval is not None
    assert ratio.interval.low == pytest.approx(0.5 * math.exp(-spread))
    assert ratio.interval.high == pytest.approx(0.5 * math.exp(spread))
    assert rate_ratio(rate(0, 100.0), post).value is None
    assert not wide(ratio)  # 0.29 to 0.85: high / low 2.9, narrower than 0.5 to 2 (4)
    assert wide(rate_ratio(rate(5, 100.0), rate(3, 100.0)))  # 0.14 to 2.5
    assert wide(rate_ratio(rate(4, 100.0), rate(4, 100.0)))  # 0.25 to 4.0: high / low 16
    assert not wide(rate_ratio(rate(2760, 2000.0), rate(909, 1640.0)))  # 0.37 to 0.43


def test_difference_in_differences_from_the_four_counts() -> None:
    cases = (rate(40, 100.0), rate(20, 100.0))  # halved
    controls = (rate(40, 100.0), rate(30, 100.0))  # down a quarter: regression to the mean
    did = ratio_of_ratios(cases, controls)
    assert did.value == pytest.approx(0.5 / 0.75)
    spread = 1.959963984540054 * math.sqrt(1 / 40 + 1 / 20 + 1 / 40 + 1 / 30)
    assert did.interval is not None and did.value is not None
    assert did.interval.low == pytest.approx(did.value * math.exp(-spread))
    assert ratio_of_ratios(cases, (rate(0, 100.0), rate(3, 100.0))).value is None
