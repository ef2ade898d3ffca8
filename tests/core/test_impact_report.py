"""The impact report's one definition on hand-made people with known answers (issue 18)."""

from __future__ import annotations

from datetime import date

import pytest

from mdtdesk.impact.matching import Person
from mdtdesk.impact.report import Member, impact
from mdtdesk.impact.windows import AE, EMERGENCY, Event

AS_OF = date(2026, 12, 1)
T0 = date(2025, 6, 1)


def member(nhs: str, joined: date | None, events: list[Event], born: date = date(1945, 3, 1),
           died: date | None = None) -> Member:  # fmt: skip
    return Member(Person(nhs, "female", born, 0.3, died), joined, events)


def em(start: date, end: date) -> Event:
    return Event(EMERGENCY, start, end)


def test_caseload_and_comparison_counted_the_same_way() -> None:
    case = member("9990000001", T0, [
        em(date(2024, 9, 1), date(2024, 9, 4)),  # pre, 3 nights
        em(date(2025, 2, 1), date(2025, 2, 2)),  # pre, 1 night
        em(date(2025, 5, 30), date(2025, 6, 3)),  # the index spell: neither
        em(date(2025, 10, 1), date(2025, 10, 1)),  # post, same day: 0 nights
        Event(AE, date(2025, 11, 1)),
    ])  # fmt: skip
    register = [
        member(
            f"999000010{i}",
            None,
            [
                em(date(2024, 8, 1), date(2024, 8, 2)),
                em(date(2024, 12, 1), date(2024, 12, 3)),
                em(date(2025, 8, 1), date(2025, 8, 2)),
                em(date(2025, 9, 1), date(2025, 9, 2)),
            ],
            born=date(1945, 3, 1 + i),
        )
        for i in range(4)
    ]
    report = impact([case, member("9990000009", None, [])], register, AS_OF)
    assert (report.no_join_date, report.unmatched_cases) == (1, 0)
    ours, theirs = report.caseload, report.comparison
    assert (ours.people, theirs.people) == (1, 3)  # up to three controls each
    assert (ours.pre.emergency_admissions, ours.post.emergency_admissions) == (2, 1)
    assert (ours.pre.emergency_bed_days, ours.post.emergency_bed_days) == (4, 0)
    assert ours.post.ae_attendances == 1
    assert ours.pre.person_years == pytest.approx(365 / 365.25)
    assert (theirs.pre.emergency_admissions, theirs.post.emergency_admissions) == (6, 6)
    assert ours.rate_ratio().value == pytest.approx(0.5)
    assert theirs.rate_ratio().value == pytest.approx(1.0)
    assert report.difference_in_differences.value == pytest.approx(0.5)
    assert any(w.startswith("Small numbers") for w in report.warnings)
    data = report.as_json()
    top = {"window_days", "as_of", "no_join_date", "unmatched_cases", "warnings",
           "caseload", "comparison", "difference_in_differences"}  # fmt: skip
    assert set(data) == top
    side = {"person_years", "emergency_admissions", "elective_admissions", "ae_attendances",
            "emergency_bed_days", "rate", "rate_ci"}  # fmt: skip
    assert set(data["caseload"]["pre"]) == side
    assert data["caseload"]["pre"]["rate"] == pytest.approx(2 / (365 / 365.25) * 1000)


def test_censoring_at_death_and_at_the_report_date() -> None:
    died = member("9990000001", T0, [em(date(2025, 7, 1), date(2025, 7, 2))],
                  died=date(2025, 7, 31))  # fmt: skip
    late = member("9990000002", date(2026, 11, 1), [])  # 30 days of post window by 1 Dec
    report = impact([died, late], [], AS_OF)
    assert report.caseload.post.person_years == pytest.approx((60 + 30) / 365.25)
    assert report.caseload.post.emergency_admissions == 1
    assert report.comparison.people == 0
    assert report.warnings[0].startswith("There is no comparison group")
    assert report.difference_in_differences.value is None


def test_people_who_join_after_the_report_date_are_left_out_and_gaps_in_data_warned() -> None:
    future = member("9990000001", date(2027, 1, 1), [])
    now = member("9990000002", T0, [])
    report = impact([future, now], [], AS_OF, data_from=date(2025, 1, 1))
    assert report.caseload.people == 1
    assert any("does not cover both windows" in w for w in report.warnings)
