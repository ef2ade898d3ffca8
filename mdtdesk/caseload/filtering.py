"""Search, filters and sort over the caseload rows, fast enough to run per keystroke.

Everything a keystroke needs is prepared once per load: one lower-case search string
per row and one sorted order per column. A keystroke is then one pass over the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from mdtdesk.caseload.rows import CaseloadRow

MINE = "mine"
NOBODY = "nobody"
NO_BAND = "none"
REVIEW = {
    "overdue": "Overdue",
    "due_30": "Due in the next 30 days",
    "not_set": "No review date",
}
BANDS = ("fit", "mild", "moderate", "severe")
SOON = timedelta(days=30)


@dataclass(frozen=True)
class Column:
    title: str
    key: Callable[[CaseloadRow], Any]


def _band_rank(r: CaseloadRow) -> int:
    return BANDS.index(r.risk_band) if r.risk_band else -1


COLUMNS: tuple[Column, ...] = (
    Column("Name", lambda r: (r.family_name.casefold(), r.given_name.casefold())),
    Column("NHS number", lambda r: r.nhs_number),
    Column("Age", lambda r: r.age),
    Column("Named coordinator", lambda r: (r.coordinator or "").casefold()),
    Column("Status", lambda r: r.status),
    Column("Risk", _band_rank),
    Column("Consent", lambda r: r.consent),
    Column("Next review", lambda r: r.next_review or date.max),
    Column("Open actions", lambda r: r.open_actions),
    Column("Last admission", lambda r: r.last_admission or date.min),
)


@dataclass(frozen=True)
class CaseloadQuery:
    """What the user asked for. None means "any"; coordinator may be MINE or NOBODY."""

    search: str = ""
    coordinator: str | None = None
    status: str | None = None
    risk: str | None = None
    review: str | None = None
    consent: str | None = None


def review_state(next_review: date | None, on: date) -> str:
    if next_review is None:
        return "not_set"
    if next_review < on:
        return "overdue"
    if next_review <= on + SOON:
        return "due_30"
    return "later"


def normalise_search(text: str) -> str:
    needle = " ".join(text.casefold().split())
    digits = needle.replace(" ", "")
    # "943 476 5919" and "9434765919" both find the number; a postcode may be typed
    # with or without its space, and the search strings hold both forms.
    return digits if digits.isdigit() else needle


class CaseloadIndex:
    def __init__(self, rows: Sequence[CaseloadRow], on: date, me: str | None) -> None:
        self.rows = list(rows)
        self.on = on
        self.me = me
        self._search = [
            f"{r.family_name} {r.given_name} {r.given_name} {r.family_name} {r.nhs_number} "
            f"{(r.postcode or '').replace(' ', '')} {r.postcode or ''}".casefold()
            for r in self.rows
        ]
        self._review = [review_state(r.next_review, on) for r in self.rows]
        self._orders: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def order(self, column: int) -> list[int]:
        """Row positions sorted ascending by a column, ties by name (cached)."""
        found = self._orders.get(column)
        if found is None:
            key = COLUMNS[column].key
            name = COLUMNS[0].key
            rows = self.rows
            found = sorted(range(len(rows)), key=lambda i: (key(rows[i]), name(rows[i])))
            self._orders[column] = found
        return found

    def matches(self, q: CaseloadQuery) -> list[bool]:
        rows = self.rows
        keep = [True] * len(rows)
        needle = normalise_search(q.search)
        if needle:
            keep = [needle in s for s in self._search]
        if q.coordinator is not None:
            wanted = {MINE: self.me, NOBODY: None}.get(q.coordinator, q.coordinator)
            keep = [k and r.coordinator_id == wanted for k, r in zip(keep, rows, strict=True)]
        if q.status is not None:
            keep = [k and r.status == q.status for k, r in zip(keep, rows, strict=True)]
        if q.risk is not None:
            band = None if q.risk == NO_BAND else q.risk
            keep = [k and r.risk_band == band for k, r in zip(keep, rows, strict=True)]
        if q.review is not None:
            keep = [k and s == q.review for k, s in zip(keep, self._review, strict=True)]
        if q.consent is not None:
            keep = [k and r.consent == q.consent for k, r in zip(keep, rows, strict=True)]
        return keep

    def visible(self, q: CaseloadQuery, column: int = 0, descending: bool = False) -> list[int]:
        """Positions of the matching rows, in the order asked for."""
        keep = self.matches(q)
        order = self.order(column)
        if descending:
            order = order[::-1]
        return [i for i in order if keep[i]]
