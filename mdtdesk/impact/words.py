"""The impact report in words, the same on the screen, on paper and in the terminal."""

from __future__ import annotations

from collections.abc import Callable

from mdtdesk.impact.rates import Rate, Ratio
from mdtdesk.impact.report import Group, Impact, Side


def number(value: float | None, places: int = 1) -> str:
    return "none" if value is None else f"{value:,.{places}f}"


def rate_text(r: Rate) -> str:
    if r.value is None:
        return "no time watched"
    if r.interval is None:
        return number(r.value)
    return f"{number(r.value)} ({number(r.interval.low)} to {number(r.interval.high)})"


def ratio_text(r: Ratio) -> str:
    if r.value is None:
        return "cannot be worked out (a count is 0)"
    if r.interval is None:
        return number(r.value, 2)
    return f"{r.value:.2f} (95% interval {r.interval.low:.2f} to {r.interval.high:.2f})"


def headline(impact: Impact) -> str:
    """One sentence: what happened to emergency admissions after joining."""
    g = impact.caseload
    if g.people == 0:
        return "No one on the caseload has a referral date yet: there is nothing to report."
    before, after = g.pre.rate(), g.post.rate()
    said = (
        f"{g.people:,} caseload people: emergency admissions per 1,000 person-years "
        f"{number(before.value)} in the year before joining and {number(after.value)} "
        f"after; rate ratio {ratio_text(g.rate_ratio())}."
    )
    if impact.comparison.people:
        said += (
            f" Against {impact.comparison.people:,} similar people on the register, the "
            f"difference is {ratio_text(impact.difference_in_differences)}"
            " (below 1 means fewer admissions than expected)."
        )
    return said


MEASURES: tuple[tuple[str, Callable[[Group, Side], str]], ...] = (
    ("People", lambda g, s: f"{g.people:,}"),
    ("Person-years watched", lambda g, s: number(s.person_years)),
    ("Emergency admissions", lambda g, s: f"{s.emergency_admissions:,}"),
    ("  per 1,000 person-years (95% interval)", lambda g, s: rate_text(s.rate())),
    ("Emergency bed days", lambda g, s: f"{s.emergency_bed_days:,}"),
    ("Elective admissions", lambda g, s: f"{s.elective_admissions:,}"),
    ("A&E attendances", lambda g, s: f"{s.ae_attendances:,}"),
)


def figures_table(impact: Impact) -> tuple[list[str], list[list[str]]]:
    """Header and rows: each measure before and after, for the caseload and the
    comparison group."""
    header = ["", "Caseload: before", "after", "Comparison: before", "after"]
    rows = []
    for name, show in MEASURES:
        row = [name]
        for g in (impact.caseload, impact.comparison):
            row += [show(g, g.pre), show(g, g.post)]
        rows.append(row)
    rows.append(["Rate ratio, after / before", ratio_text(impact.caseload.rate_ratio()), "",
                 ratio_text(impact.comparison.rate_ratio()), ""])  # fmt: skip
    return header, rows


def month_rows(impact: Impact) -> list[list[str]]:
    """The chart's numbers: per month from joining, admissions and people watched."""
    rows = []
    for (m, n, p, r), (_, cn, cp, cr) in zip(
        impact.caseload.months(), impact.comparison.months(), strict=True
    ):
        rows.append([f"{m:+d}", f"{n:,}", f"{p:,}", number(r), f"{cn:,}", f"{cp:,}", number(cr)])
    return rows


MONTH_HEADER = [
    "Month",
    "Caseload admissions",
    "people",
    "per 1,000",
    "Comparison admissions",
    "people",
    "per 1,000",
]


def per_1000(group: Group) -> list[float | None]:
    return [r for _, _, _, r in group.months()]


METHODS = (
    "Who is counted: everyone on the caseload with a referral date on or before the "
    "report date. Each person is watched for the window before joining (the days before "
    "the referral date) and the window after (from the day after, to the end of the "
    "window, their death or the report date, whichever is first). An emergency admission "
    "that was under way on the referral date is the index stay: it is often why the "
    "person was referred, so it counts in neither window. Rates are per 1,000 "
    "person-years, with exact Poisson intervals under 10 events and Byar's approximation "
    "from 10.",
    "Why a comparison group: people chosen because they used hospital a lot tend to use "
    "it less later anyway (regression to the mean), so a fall after joining is not by "
    "itself a sign that case management worked. Each caseload person is compared with up "
    "to three people from the practice's risk register who were alive when they joined, "
    "of the same sex, five-year age band, frailty (eFI) band and number of emergency "
    "admissions in the year before; they are watched over the same days. The difference "
    "in differences is the caseload's rate ratio divided by the comparison group's: below "
    "1 means fewer admissions than people like them had.",
)
