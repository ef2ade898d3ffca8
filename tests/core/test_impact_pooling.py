"""Issue 18's locality report: practices send their impact counts in sync files, the
hub pools them per practice and for the locality, and what leaves the hub is under
disclosure control (1 to 7 suppressed, the rest rounded to the nearest 5)."""

from __future__ import annotations

import csv
import json
import math
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from mdtdesk.clock import FixedClock
from mdtdesk.impact import pooling
from mdtdesk.impact.from_store import hub_entries, store_impact
from mdtdesk.impact.pooling import BadFigures, Entry, disclose, from_counts, pool, table_rows
from mdtdesk.store import lifecycle
from mdtdesk.store.models import AuditEvent
from mdtdesk.store.sync_tables import PracticeFigures
from mdtdesk.sync import fileformat
from mdtdesk.sync.export import export_for_hub
from mdtdesk.sync.importing import import_file
from tests.core.test_cli import mdtdesk
from tests.core.test_impact_data import _loaded, _write
from tests.helpers import PASSPHRASE
from tests.sync_helpers import enrol_both, make_hub, make_practice


def _side(years: float, emergency: int, elective: int = 0, ae: int = 0, beds: int = 0) -> Any:
    return {"person_years": years, "emergency_admissions": emergency,
            "elective_admissions": elective, "ae_attendances": ae,
            "emergency_bed_days": beds}  # fmt: skip


def _sent(people: int, pre: Any, post: Any, controls: int = 0, cpre: Any = None,
          cpost: Any = None, as_of: str = "2026-11-01") -> dict[str, Any]:  # fmt: skip
    return {
        "as_of": as_of, "window_days": 365, "no_join_date": 1, "unmatched_cases": 2,
        "caseload": {"people": people, "pre": pre, "post": post},
        "comparison": {"people": controls, "pre": cpre or _side(0, 0),
                       "post": cpost or _side(0, 0)},
    }  # fmt: skip


A = _sent(40, _side(40.0, 30, 2, 50, 120), _side(36.5, 20, 1, 40, 70),
          120, _side(120.0, 80), _side(115.0, 70))  # fmt: skip
B = _sent(25, _side(25.0, 15, 1, 20, 60), _side(22.0, 6, 0, 9, 12),
          75, _side(75.0, 45), _side(70.0, 44), as_of="2026-11-20")  # fmt: skip


def test_disclosure_control_suppresses_1_to_7_and_rounds_the_rest_to_5() -> None:
    assert [disclose(n) for n in (0, 1, 7, 8, 10, 12, 13, 17, 18, 1_234)] == [
        0, None, None, 10, 10, 10, 15, 15, 20, 1_235,
    ]  # fmt: skip


def test_pooling_sums_counts_and_person_years_and_works_the_intervals_again() -> None:
    locality = pool([from_counts(A), from_counts(B)])
    ours = locality.caseload
    assert ours.people == 65 and locality.comparison.people == 195
    assert (ours.pre.emergency_admissions, ours.post.emergency_admissions) == (45, 26)
    assert ours.pre.person_years == pytest.approx(65.0)
    assert ours.post.person_years == pytest.approx(58.5)
    assert (ours.pre.ae_attendances, ours.post.emergency_bed_days) == (70, 82)
    assert (locality.no_join_date, locality.unmatched_cases) == (2, 4)
    assert locality.as_of == date(2026, 11, 20)  # the newest practice's date
    # By hand: rate ratio (26/58.5)/(45/65) with exp(+-1.96 sqrt(1/45 + 1/26)).
    rr = ours.rate_ratio()
    assert rr.value == pytest.approx((26 / 58.5) / (45 / 65))
    assert rr.interval is not None and rr.value is not None
    assert rr.interval.low == pytest.approx(
        rr.value * math.exp(-1.959964 * math.sqrt(1 / 45 + 1 / 26))
    )
    # The comparison group: (114/185)/(125/195); the ratio of ratios with four counts.
    did = locality.difference_in_differences
    theirs = (114 / 185) / (125 / 195)
    assert did.value == pytest.approx(rr.value / theirs)
    assert did.interval is not None and did.value is not None
    spread = 1.959964 * math.sqrt(1 / 45 + 1 / 26 + 1 / 125 + 1 / 114)
    assert did.interval.high == pytest.approx(did.value * math.exp(spread))
    # Pooling the pooled with nothing changes nothing; different windows do not pool.
    assert pool([locality]).caseload == ours
    with pytest.raises(BadFigures, match="windows differ"):
        pool([from_counts(A), from_counts({**B, "window_days": 180})])


@pytest.mark.parametrize(
    ("broken", "says"),
    [
        ({**A, "window_days": 7}, "window_days: 7 is not from 30 to 1095"),
        ({**A, "as_of": "01/11/2026"}, "as_of: '01/11/2026' is not a date"),
        ({**A, "caseload": {**A["caseload"], "people": -1}}, "caseload.people: -1 is not a count"),
        ({**A, "caseload": {**A["caseload"], "people": True}}, "caseload.people: True"),
        ({**A, "comparison": {"people": 3, "pre": _side(1, 0)}}, "comparison.post: is missing"),
        (
            {**A, "caseload": {**A["caseload"], "pre": _side(math.nan, 1)}},
            "caseload.pre.person_years: nan is not a number of years",
        ),
        (
            {**A, "caseload": {**A["caseload"], "post": {**_side(1, 1), "ae_attendances": "9"}}},
            "caseload.post.ae_attendances: '9' is not a count",
        ),
        ([1, 2], "impact: is missing"),
    ],
)
def test_figures_a_practice_sends_are_checked_value_by_value(broken: Any, says: str) -> None:
    with pytest.raises(BadFigures) as refused:
        from_counts(broken)
    assert says in str(refused.value)


def test_rows_that_leave_the_hub_suppress_small_counts_and_what_rests_on_them() -> None:
    entries = [Entry("A81001", "Alpha", from_counts(A)), Entry("A81002", "Beta", from_counts(B))]
    rows = [dict(zip(pooling.HEADER, r, strict=True)) for r in table_rows(entries)]
    beta = rows[2]
    assert (beta["group"], beta["people"]) == ("caseload", "25")
    assert (beta["pre_emergency_admissions"], beta["post_emergency_admissions"]) == ("15", "*")
    assert beta["pre_elective_admissions"] == "*" and beta["post_elective_admissions"] == "0"
    assert (beta["post_rate"], beta["post_rate_low"]) == ("*", "*")  # 6 admissions
    assert beta["pre_rate"] == f"{15 / 25 * 1000:.1f}"
    assert beta["rate_ratio"] == beta["difference_in_differences"] == "*"
    assert beta["pre_emergency_bed_days"] == "60" and beta["post_emergency_bed_days"] == "10"
    alpha = rows[0]
    assert alpha["post_ae_attendances"] == "40" and alpha["pre_emergency_bed_days"] == "120"
    assert alpha["rate_ratio"] == f"{(20 / 36.5) / (30 / 40):.3f}"
    exact = [dict(zip(pooling.HEADER, r, strict=True)) for r in table_rows(entries, False)]
    assert exact[2]["post_emergency_admissions"] == "6" and exact[2]["rate_ratio"] != "*"


def test_practices_send_their_counts_and_the_hub_pools_and_exports_them_suppressed(
    tmp_path: Path, clock: FixedClock
) -> None:
    hub = make_hub(tmp_path / "hub", clock)
    one = make_practice(tmp_path / "a", clock, "A81001")
    two = make_practice(tmp_path / "b", clock, "A81002", patients=40, first_number=5000)
    try:
        for practice in (one, two):
            enrol_both(hub, practice)
        _loaded(one, tmp_path)
        assert hub_entries(hub) == []
        for n, practice in enumerate((one, two)):
            out = tmp_path / f"to-hub-{n}.mdtsync"
            export_for_hub(practice, out)
            import_file(hub, out)
        expected = [pooling.counts_of(store_impact(p)) for p in (one, two)]
        entries = hub_entries(hub)
        assert [e.ods_code for e in entries] == ["A81001", "A81002", ""]
        for entry, sent in zip(entries, expected, strict=False):
            assert pooling.counts_of(entry.figures) == sent
        locality = entries[-1].figures
        assert locality.caseload.people == sum(s["caseload"]["people"] for s in expected)
        assert locality.caseload.post.emergency_admissions == sum(
            s["caseload"]["post"]["emergency_admissions"] for s in expected
        )
        # A newer file replaces the practice's figures; nothing of them is a person.
        with hub.session() as s:
            held = s.execute(select(PracticeFigures.figures)).scalars().all()
        assert not any("99900" in text for text in held)
    finally:
        for store in (hub, one, two):
            store.close()
    secret = _write(tmp_path, "pass.txt", PASSPHRASE + "\n")
    common = ("--store", tmp_path / "hub", "--user", "Hub Lead", "--passphrase-file", secret)
    out_csv, out_pdf = tmp_path / "locality.csv", tmp_path / "locality.pdf"
    done = mdtdesk("report", "impact", *common, "--csv", out_csv, "--pdf", out_pdf)
    assert done.returncode == 0, done.stderr
    assert "Disclosure control" in done.stdout and "Locality (2 practices)" in done.stdout
    for made in (out_csv, out_pdf):
        assert stat.S_IMODE(made.stat().st_mode) == 0o600
    rows = list(csv.DictReader(out_csv.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["group"] for r in rows] == ["caseload", "comparison"] * 3
    for row in rows:
        for name in ("people", "pre_emergency_admissions", "post_ae_attendances"):
            assert row[name] == "*" or int(row[name]) % 5 == 0, (name, row[name])
    assert rows[0]["people"] == "*"  # practice one has 2 caseload people
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(out_pdf).pages).split())
    assert "Impact across the locality" in text and "Disclosure control" in text
    as_json = mdtdesk("report", "impact", *common, "--json")
    assert json.loads(as_json.stdout)["rows"][0]["people"] == "*"
    refused = mdtdesk("report", "impact", *common, "--as-of", "2026-01-01")
    assert (
        refused.returncode == 2 and "--as-of and --window-days are for a practice" in refused.stderr
    )
    hub = lifecycle.open_store(
        tmp_path / "hub", user="Hub Lead", passphrase=PASSPHRASE, clock=clock
    )
    try:
        with hub.session() as s:
            exports = (
                s.execute(select(AuditEvent.detail).where(AuditEvent.entity == "impact"))
                .scalars()
                .all()
            )
        assert len(exports) == 2  # the CSV and the PDF, each audited
    finally:
        hub.close()


def test_a_file_whose_figures_are_not_valid_is_refused_with_nothing_changed(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = make_hub(tmp_path / "hub", clock)
    practice = make_practice(tmp_path / "a", clock, "A81001", patients=10)
    try:
        enrol_both(hub, practice)
        real = pooling.counts_of

        def broken(impact: Any) -> dict[str, Any]:
            sent = real(impact)
            sent["caseload"]["pre"]["emergency_admissions"] = -3
            return sent

        monkeypatch.setattr(pooling, "counts_of", broken)
        out = tmp_path / "bad.mdtsync"
        export_for_hub(practice, out)
        with pytest.raises(fileformat.SyncRefused) as refused:
            import_file(hub, out)
        assert "impact report figures are not valid: caseload.pre.emergency_admissions: -3" in (
            str(refused.value)
        )
        assert hub_entries(hub) == []
    finally:
        hub.close()
        practice.close()
