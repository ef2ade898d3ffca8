"""A group's window totals counted by the database, for a store's report: the same
definition as `windows.figures` and `windows.monthly` (see windows.py), which are the
readable reference that tests hold this equal to.

Reading 200,000 events into Python to count them took most of a second; SQLite
counts them in a tenth, reading each person's events from an index that covers them
(migration 0008). The people measured go in as one JSON parameter (json_each),
materialised once so each is decoded once; so the report only reads: no temporary
table, no parameter limit."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from mdtdesk.impact.report import Group
from mdtdesk.impact.windows import (
    AE,
    DAYS_PER_YEAR,
    ELECTIVE,
    EMERGENCY,
    MONTHS,
    month_of_offset,
    watched,
)

# A day as its proleptic Gregorian ordinal, as date.toordinal() gives it.
ORDINAL = "CAST(julianday({}) - 1721424.5 AS INTEGER)"

_SOURCES = {
    # The caseload's events: an admission with its planned flag, or an A&E visit.
    "caseload": (
        "hospital_event", "patient_id",
        f"CASE WHEN x.kind = 'ae_attendance' THEN '{AE}' WHEN x.planned THEN '{ELECTIVE}' "
        f"ELSE '{EMERGENCY}' END",
        "NOT x.deleted",
    ),
    "register": ("register_event", "register_id", "x.event", "1"),
}  # fmt: skip


def _sql(source: str) -> str:
    table, key, kind, where = _SOURCES[source]
    return f"""
    WITH m(id, t0, last) AS MATERIALIZED (
        SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(:people)
    ), e AS (
        SELECT m.t0 AS t0, m.last AS last, {kind} AS kind,
               {ORDINAL.format("x.started_on")} AS s, {ORDINAL.format("x.ended_on")} AS en
        FROM m JOIN {table} x ON x.{key} = m.id WHERE {where}
    )
    SELECT kind, s - t0,  count(*),
           sum(CASE WHEN kind = '{EMERGENCY}'
               THEN max(0, min(coalesce(en, w_end), w_end) - s) ELSE 0 END)
    FROM (SELECT *, CASE WHEN s < t0 THEN t0 ELSE last + 1 END AS w_end FROM e)
    WHERE ((s >= t0 - :days AND s < t0) OR (s > t0 AND s <= last))
      AND NOT (kind = '{EMERGENCY}' AND s <= t0 AND t0 <= coalesce(en, s))
    GROUP BY kind, s - t0
    """


def group(raw: Any, source: str, people: list[tuple[str, int, int]], window_days: int) -> Group:
    """The totals of the people measured, each (row id, t0, the post window's last
    day), days as ordinals. source: "caseload" or "register"."""
    out = Group(people=len(people))
    pre_days = window_days * len(people)
    post_days = sum(max(0, last - t0) for _, t0, last in people)
    out.pre.person_years = pre_days / DAYS_PER_YEAR
    out.post.person_years = post_days / DAYS_PER_YEAR
    for post_last, n in Counter(last - t0 for _, t0, last in people).items():
        for m in watched(window_days, post_last):
            out.month_people[m] = out.month_people.get(m, 0) + n
    if not people:
        return out
    rows = raw.execute(_sql(source), {"people": json.dumps(people), "days": window_days})
    for kind, offset, count, nights in rows:
        side = out.pre if offset < 0 else out.post
        if kind == EMERGENCY:
            side.emergency_admissions += count
            side.emergency_bed_days += nights
            month = month_of_offset(offset)
            if -MONTHS <= month <= MONTHS:
                out.month_admissions[month] = out.month_admissions.get(month, 0) + count
        elif kind == ELECTIVE:
            side.elective_admissions += count
        elif kind == AE:
            side.ae_attendances += count
    return out
