"""Caseload search, filters and sort, checked against a plain re-implementation."""

from __future__ import annotations

from datetime import date

import pytest

from mdtdesk.caseload.filtering import (
    COLUMNS,
    MINE,
    NOBODY,
    CaseloadIndex,
    CaseloadQuery,
    review_state,
)
from mdtdesk.caseload.rows import CaseloadRow, caseload_rows
from mdtdesk.demo.generator import populate
from mdtdesk.store.passphrases import retry_delay, strength

ON = date(2026, 11, 23)


@pytest.fixture(scope="module")
def rows(tmp_path_factory) -> list[CaseloadRow]:
    from mdtdesk.clock import FixedClock
    from tests.helpers import new_store

    clock = FixedClock()
    with new_store(tmp_path_factory.mktemp("filter") / "s", clock).store as store:
        populate(store, patients=300, seed=5)
        return caseload_rows(store)


def test_search_by_name_nhs_number_with_or_without_spaces_and_postcode(rows) -> None:
    index = CaseloadIndex(rows, ON, None)
    target = rows[17]
    spaced = f"{target.nhs_number[:3]} {target.nhs_number[3:6]} {target.nhs_number[6:]}"
    for text in (target.nhs_number, spaced, target.nhs_number[:6]):
        assert 17 in index.visible(CaseloadQuery(search=text)), text
    assert index.visible(CaseloadQuery(search=target.nhs_number)) == [17]
    by_family = index.visible(CaseloadQuery(search=target.family_name.upper()))
    assert by_family and all(rows[i].family_name == target.family_name for i in by_family)
    assert target.postcode is not None
    compact = target.postcode.replace(" ", "").lower()
    assert 17 in index.visible(CaseloadQuery(search=compact))
    assert 17 in index.visible(CaseloadQuery(search=target.postcode))
    assert index.visible(CaseloadQuery(search="no such person zz")) == []


def test_each_filter_matches_a_plain_check(rows) -> None:
    me = next(r.coordinator_id for r in rows if r.coordinator_id)
    index = CaseloadIndex(rows, ON, me)
    cases = [
        (CaseloadQuery(coordinator=MINE), lambda r: r.coordinator_id == me),
        (CaseloadQuery(coordinator=NOBODY), lambda r: r.coordinator_id is None),
        (CaseloadQuery(status="active"), lambda r: r.status == "active"),
        (CaseloadQuery(risk="severe"), lambda r: r.risk_band == "severe"),
        (CaseloadQuery(risk="none"), lambda r: r.risk_band is None),
        (
            CaseloadQuery(review="overdue"),
            lambda r: r.next_review is not None and r.next_review < ON,
        ),
        (CaseloadQuery(consent="declined"), lambda r: r.consent == "declined"),
        (
            CaseloadQuery(status="active", risk="moderate", coordinator=MINE),
            lambda r: r.status == "active" and r.risk_band == "moderate" and r.coordinator_id == me,
        ),
    ]
    for query, plain in cases:
        got = sorted(index.visible(query))
        assert got == [i for i, r in enumerate(rows) if plain(r)], query
    # The demo data has rows for most filters, so the checks above are not vacuous.
    assert index.visible(CaseloadQuery(coordinator=MINE))
    assert index.visible(CaseloadQuery(review="overdue"))


@pytest.mark.parametrize("column", range(len(COLUMNS)))
def test_sort_by_any_column_both_ways(rows, column) -> None:
    index = CaseloadIndex(rows, ON, None)
    up = index.visible(CaseloadQuery(), column)
    keys = [COLUMNS[column].key(rows[i]) for i in up]
    assert keys == sorted(keys)
    down = index.visible(CaseloadQuery(), column, descending=True)
    assert down == up[::-1]


def test_review_states() -> None:
    assert review_state(None, ON) == "not_set"
    assert review_state(date(2026, 11, 22), ON) == "overdue"
    assert review_state(ON, ON) == "due_30"
    assert review_state(date(2026, 12, 23), ON) == "due_30"
    assert review_state(date(2026, 12, 24), ON) == "later"


def test_passphrase_strength_and_retry_delay() -> None:
    assert not strength("password123!").acceptable
    assert not strength("short").acceptable
    assert "at least 10" in strength("short").advice
    assert strength("correct horse battery staple").acceptable
    # The user's own name is the first thing a guesser tries.
    assert strength("kerrison2026!").acceptable
    assert not strength("kerrison2026!", ["Hannah Kerrison"]).acceptable
    assert [retry_delay(n) for n in range(7)] == [0, 0, 0, 2, 4, 8, 16]
    assert retry_delay(50) == 60
