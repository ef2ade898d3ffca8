"""One person's windows and counts, on hand-made data with known answers (issue 18)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mdtdesk.impact.windows import AE, ELECTIVE, EMERGENCY, Event, figures, windows

T0 = date(2026, 1, 10)


def test_the_pre_window_is_the_w_days_before_t0_and_the_post_window_the_w_after() -> None:
    pre, post = windows(T0, 365, as_of=date(2027, 6, 1))
    assert (pre.first, pre.last, pre.days) == (date(2025, 1, 10), date(2026, 1, 9), 365)
    assert (post.first, post.last, post.days) == (date(2026, 1, 11), date(2027, 1, 10), 365)


def test_the_post_window_stops_at_death_or_the_report_date() -> None:
    _, by_death = windows(T0, 365, as_of=date(2027, 6, 1), died=date(2026, 3, 1))
    assert (by_death.last, by_death.days) == (date(2026, 3, 1), 50)
    _, by_report = windows(T0, 365, as_of=date(2026, 2, 9))
    assert by_report.days == 30
    _, died_first = windows(T0, 365, as_of=date(2027, 6, 1), died=date(2026, 1, 5))
    assert died_first.days == 0
    f = figures(died_first, [Event(EMERGENCY, date(2026, 2, 1), date(2026, 2, 3))], T0)
    assert (f.person_years, f.emergency_admissions) == (0.0, 0)


def test_the_index_spell_counts_in_neither_window() -> None:
    pre, post = windows(T0, 365, as_of=date(2027, 6, 1))
    index = Event(EMERGENCY, date(2026, 1, 5), date(2026, 1, 14))  # covers t0
    for window in (pre, post):
        assert figures(window, [index], T0).emergency_admissions == 0
        assert figures(window, [index], T0).emergency_bed_days == 0
    # An A&E visit on a day before t0 is not an index spell: it counts.
    assert figures(pre, [Event(AE, date(2026, 1, 9))], T0).ae_attendances == 1


def test_events_count_by_their_start_and_bed_days_are_nights() -> None:
    pre, post = windows(T0, 365, as_of=date(2027, 6, 1))
    events = [
        Event(EMERGENCY, date(2025, 6, 1), date(2025, 6, 5)),  # 4 nights
        Event(EMERGENCY, date(2025, 7, 1), date(2025, 7, 1)),  # same day: 0
        Event(ELECTIVE, date(2025, 8, 1), date(2025, 8, 3)),  # not emergency bed days
        Event(AE, date(2025, 9, 1)),
        Event(EMERGENCY, date(2026, 1, 8), date(2026, 1, 9)),  # ends before t0: pre, 1 night
        Event(EMERGENCY, date(2027, 1, 8), date(2027, 1, 20)),  # post, cut at 10 Jan: 3
        Event(EMERGENCY, date(2027, 2, 1), date(2027, 2, 4)),  # after the post window
    ]
    before, after = figures(pre, events, T0), figures(post, events, T0)
    assert (before.emergency_admissions, before.elective_admissions, before.ae_attendances) == (
        3, 1, 1,
    )  # fmt: skip
    assert before.emergency_bed_days == 4 + 0 + 1
    assert (after.emergency_admissions, after.emergency_bed_days) == (1, 3)
    assert before.person_years == pytest.approx(365 / 365.25)


def test_an_admission_not_yet_discharged_counts_nights_to_the_windows_end() -> None:
    _, post = windows(T0, 365, as_of=date(2026, 3, 1))
    f = figures(post, [Event(EMERGENCY, date(2026, 2, 20))], T0)
    assert (f.emergency_admissions, f.emergency_bed_days) == (1, 10)  # 20 Feb to 1 Mar


def test_the_chart_months_align_on_joining_and_drop_people_no_longer_watched() -> None:
    from mdtdesk.impact.windows import first_day, month_of, monthly

    t0 = date(2025, 6, 1)
    for m in (*range(-12, 0), *range(1, 13)):
        day = t0 + timedelta(days=first_day(m))
        assert month_of(day, t0) == m and month_of(day - timedelta(days=1), t0) != m
    assert (first_day(-12), first_day(-1), first_day(1), first_day(2), first_day(12)) == (
        -365, -30, 1, 32, 336,
    )  # fmt: skip
    died = t0 + timedelta(days=40)
    pre, post = windows(t0, 365, date(2026, 6, 1), died)
    events = [
        Event(EMERGENCY, t0 - timedelta(days=1)),  # month -1
        Event(EMERGENCY, t0 - timedelta(days=2), t0 + timedelta(days=3)),  # the index spell
        Event(EMERGENCY, t0 + timedelta(days=35)),  # month 2
        Event(AE, t0 + timedelta(days=5)),  # not an admission
    ]
    counts, watched = monthly(pre, post, events, t0)
    assert counts == {-1: 1, 2: 1}
    assert watched == (*range(-12, 0), 1, 2)  # died on day 40: month 3 starts on day 62


def test_matchings_pre_counts_agree_with_the_pre_windows_figures_even_for_overlapping_stays() -> (
    None
):
    import random

    from mdtdesk.impact.windows import PreCounts

    rng = random.Random(18)
    for _ in range(400):
        events = []
        for _ in range(rng.randint(0, 5)):
            start = T0 + timedelta(days=rng.randint(-60, 10))
            stay = rng.choice((None, 0, 2, 15, 40))  # long stays overlap the next
            events.append(Event(rng.choice((EMERGENCY, EMERGENCY, AE)), start,
                                None if stay is None else start + timedelta(stay)))  # fmt: skip
        counts = PreCounts.of(events)
        for t0 in (T0 + timedelta(days=d) for d in range(-20, 20, 3)):
            pre, _ = windows(t0, 30, as_of=date(2027, 6, 1))
            assert counts.count(t0, 30) == figures(pre, events, t0).emergency_admissions
