"""The impact report across practices (issue 18): each practice sends its report's
counts and person-years in its sync files (never a register person, never a name);
the hub pools them per practice and for the locality by summing the counts and
person-years per group and window, and works out the same rates and intervals.

What leaves the hub (CSV, PDF, the terminal) goes through `disclose`: counts from 1 to
7 are suppressed and the rest rounded to the nearest 5, as NHS disclosure control
does; a rate or ratio resting on a suppressed count is suppressed with it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from mdtdesk.impact.rates import Rate, Ratio, ratio_of_ratios
from mdtdesk.impact.report import Group, Impact, Side, group_warnings

COUNTS = ("emergency_admissions", "elective_admissions", "ae_attendances", "emergency_bed_days")
SUPPRESSED = "*"
_MAX_COUNT = 10**9
_MAX_YEARS = 1e8


class BadFigures(ValueError):
    """A practice's figures that cannot be taken in; says which value and why."""


def counts_of(impact: Impact) -> dict[str, Any]:
    """What a practice sends: counts and person-years only."""

    def side(s: Side) -> dict[str, Any]:
        return {"person_years": round(s.person_years, 6),
                **{name: getattr(s, name) for name in COUNTS}}  # fmt: skip

    def group(g: Group) -> dict[str, Any]:
        return {"people": g.people, "pre": side(g.pre), "post": side(g.post)}

    return {
        "as_of": impact.as_of.isoformat(),
        "window_days": impact.window_days,
        "no_join_date": impact.no_join_date,
        "unmatched_cases": impact.unmatched_cases,
        "caseload": group(impact.caseload),
        "comparison": group(impact.comparison),
    }


def _said(value: Any) -> str:
    return repr(value)[:40]


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_COUNT:
        raise BadFigures(f"{where}: {_said(value)} is not a count from 0 to {_MAX_COUNT:,}")
    return value


def _part(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadFigures(f"{where}: is missing")
    return value


def _side(value: Any, where: str) -> Side:
    part = _part(value, where)
    years = part.get("person_years")
    if (isinstance(years, bool) or not isinstance(years, int | float)
            or not math.isfinite(years) or not 0 <= years <= _MAX_YEARS):  # fmt: skip
        raise BadFigures(f"{where}.person_years: {_said(years)} is not a number of years")
    counts = {name: _count(part.get(name), f"{where}.{name}") for name in COUNTS}
    return Side(float(years), **counts)


def from_counts(sent: Any) -> Impact:
    """A practice's figures as an `Impact` (without months); BadFigures when any value
    is missing or out of range."""
    data = _part(sent, "impact")

    def group(name: str) -> Group:
        part = _part(data.get(name), name)
        people = _count(part.get("people"), f"{name}.people")
        return Group(people, _side(part.get("pre"), f"{name}.pre"),
                     _side(part.get("post"), f"{name}.post"))  # fmt: skip

    try:
        as_of = date.fromisoformat(str(data.get("as_of")))
    except ValueError:
        raise BadFigures(f"as_of: {_said(data.get('as_of'))} is not a date") from None
    window = data.get("window_days")
    if isinstance(window, bool) or not isinstance(window, int) or not 30 <= window <= 1095:
        raise BadFigures(f"window_days: {_said(window)} is not from 30 to 1095")
    ours, theirs = group("caseload"), group("comparison")
    no_join = _count(data.get("no_join_date"), "no_join_date")
    unmatched = _count(data.get("unmatched_cases"), "unmatched_cases")
    return _finish(window, as_of, no_join, unmatched, ours, theirs)


def _finish(
    window: int, as_of: date, no_join: int, unmatched: int, ours: Group, theirs: Group
) -> Impact:
    did = ratio_of_ratios(
        (ours.pre.rate(), ours.post.rate()), (theirs.pre.rate(), theirs.post.rate())
    )
    warnings = group_warnings(ours, theirs, did, unmatched, ours.people)
    return Impact(window, as_of, no_join, unmatched, ours, theirs, did, warnings)


def pool(reports: list[Impact]) -> Impact:
    """The locality: counts and person-years summed per group and window."""
    if not reports:
        raise BadFigures("no practice has sent its figures yet")
    windows = {r.window_days for r in reports}
    if len(windows) > 1:
        raise BadFigures(f"the practices' windows differ ({sorted(windows)} days)")
    ours, theirs = Group(), Group()
    for report in reports:
        for total, part in ((ours, report.caseload), (theirs, report.comparison)):
            total.people += part.people
            for mine, theirs_side in ((total.pre, part.pre), (total.post, part.post)):
                mine.person_years += theirs_side.person_years
                for name in COUNTS:
                    setattr(mine, name, getattr(mine, name) + getattr(theirs_side, name))
    return _finish(
        windows.pop(),
        max(r.as_of for r in reports),
        sum(r.no_join_date for r in reports),
        sum(r.unmatched_cases for r in reports),
        ours,
        theirs,
    )


# -- disclosure control ------------------------------------------------------------
def disclose(count: int) -> int | None:
    """0 stays 0; 1 to 7 is suppressed (None); the rest round to the nearest 5."""
    if count == 0:
        return 0
    if count <= 7:
        return None
    return (count + 2) // 5 * 5


class _Cells:
    """How the table's cells are written: suppressed and rounded, or exact."""

    def __init__(self, suppress: bool) -> None:
        self.suppress = suppress

    def count(self, n: int) -> str:
        shown = disclose(n) if self.suppress else n
        return SUPPRESSED if shown is None else str(shown)

    def hidden(self, *counts: int) -> bool:
        return self.suppress and any(disclose(c) is None for c in counts)

    def rate(self, r: Rate) -> list[str]:
        if self.hidden(r.count):
            return [SUPPRESSED] * 3
        if r.value is None or r.interval is None:
            return [""] * 3
        return [f"{r.value:.1f}", f"{r.interval.low:.1f}", f"{r.interval.high:.1f}"]

    def ratio(self, r: Ratio, *counts: int) -> list[str]:
        if self.hidden(*counts):
            return [SUPPRESSED] * 3
        if r.value is None or r.interval is None:
            return [""] * 3
        return [f"{r.value:.3f}", f"{r.interval.low:.3f}", f"{r.interval.high:.3f}"]


def _side_head(when: str) -> list[str]:
    return [f"{when}_{name}" for name in ("person_years", *COUNTS, "rate", "rate_low",
                                          "rate_high")]  # fmt: skip


HEADER = [
    "ods_code", "practice", "as_of", "group", "people", *_side_head("pre"),
    *_side_head("post"), "rate_ratio", "rate_ratio_low", "rate_ratio_high",
    "difference_in_differences", "did_low", "did_high",
]  # fmt: skip


@dataclass(frozen=True)
class Entry:
    ods_code: str  # "" for the locality
    practice: str
    figures: Impact


def table_rows(entries: list[Entry], suppress: bool = True) -> list[list[str]]:
    """One row per practice and group (caseload, comparison); as they leave a hub,
    suppressed and rounded."""
    cells = _Cells(suppress)
    rows = []
    for entry in entries:
        f = entry.figures
        for name, g in (("caseload", f.caseload), ("comparison", f.comparison)):
            row = [entry.ods_code, entry.practice, f.as_of.isoformat(), name, cells.count(g.people)]
            for s in (g.pre, g.post):
                row += [f"{s.person_years:.1f}", *(cells.count(getattr(s, n)) for n in COUNTS)]
                row += cells.rate(s.rate())
            pre, post = g.pre.emergency_admissions, g.post.emergency_admissions
            row += cells.ratio(g.rate_ratio(), pre, post)
            if name == "caseload":
                c = f.comparison
                four = (pre, post, c.pre.emergency_admissions, c.post.emergency_admissions)
                row += cells.ratio(f.difference_in_differences, *four)
            else:
                row += [""] * 3
            rows.append(row)
    return rows


SHORT_HEADER = [
    "Practice", "Group", "People", "Emergency admissions before", "after",
    "Person-years before", "after", "Rate before", "after",
    "Rate ratio (95% interval)", "Difference in differences (95% interval)",
]  # fmt: skip


def _joined(value: str, low: str, high: str) -> str:
    if value in ("", SUPPRESSED):
        return value or "none"
    return f"{value} ({low} to {high})" if low else value


def short_rows(entries: list[Entry]) -> list[list[str]]:
    """The table on paper and in the terminal, from the same cells as the CSV."""
    out = []
    for row in table_rows(entries):
        d = dict(zip(HEADER, row, strict=True))
        name = f"{d['practice']} ({d['ods_code']})" if d["ods_code"] else d["practice"]
        out.append([
            name if d["group"] == "caseload" else "", d["group"].capitalize(), d["people"],
            d["pre_emergency_admissions"], d["post_emergency_admissions"],
            d["pre_person_years"], d["post_person_years"],
            d["pre_rate"] or "none", d["post_rate"] or "none",
            _joined(d["rate_ratio"], d["rate_ratio_low"], d["rate_ratio_high"]),
            _joined(d["difference_in_differences"], d["did_low"], d["did_high"])
            if d["group"] == "caseload" else "",
        ])  # fmt: skip
    return out


def disclosed_warnings(figures: Impact) -> list[str]:
    """The figures' warnings with their numbers suppressed and rounded."""
    return group_warnings(figures.caseload, figures.comparison,
                          figures.difference_in_differences, figures.unmatched_cases,
                          figures.caseload.people, count=_Cells(True).count)  # fmt: skip


DISCLOSURE = (
    "Disclosure control: counts from 1 to 7 are shown as * and the rest are rounded to "
    "the nearest 5, as NHS statistics are; a rate or ratio that rests on a count shown "
    "as * is shown as * too. Rates and intervals are worked out from the exact counts."
)


def disclosed_json(entries: list[Entry]) -> list[dict[str, str]]:
    return [dict(zip(HEADER, row, strict=True)) for row in table_rows(entries)]
