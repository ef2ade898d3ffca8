"""One label source and one date style (issue 15, defect 11)."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import UTC, date, datetime
from pathlib import Path

import mdtdesk
from mdtdesk.caseload.csv_format import OPTIONAL, REQUIRED
from mdtdesk.clock import short_day, short_time
from mdtdesk.labels import FIELD, field_label, risk_label, value_label
from mdtdesk.patients.details import PatientDetails
from mdtdesk.sync.wire import SIGNIFICANT

SHOWN = (
    [f.name for f in fields(PatientDetails)]
    + list(REQUIRED + OPTIONAL)
    + [name for names in SIGNIFICANT.values() for name in names]
)


def test_every_field_a_screen_shows_has_a_written_label() -> None:
    missing = sorted({name for name in SHOWN if name not in FIELD})
    assert missing == []
    assert field_label("nhs_number") == "NHS number"
    assert field_label("efi_score") == "eFI score"
    assert field_label("has_respect_form") == "ReSPECT form in place"
    assert all("_" not in label for label in FIELD.values())


def test_stored_values_read_as_words() -> None:
    assert value_label("caseload_status", "stepped_down") == "Stepped down"
    assert value_label("status", "in_progress") == "In progress"
    assert value_label("status", "superseded", "care_plan") == "Superseded"
    assert risk_label("admission_risk") == "Admission risk"
    assert risk_label("efi") == "eFI"
    assert field_label("some_new_field_id") == "Some new field"  # never raw code


def test_dates_have_one_style_from_the_clock_module() -> None:
    assert short_day(date(2026, 11, 2)) == "2 Nov 2026"
    assert short_time(datetime(2026, 11, 2, 14, 5, tzinfo=UTC).astimezone()).startswith(
        "2 Nov 2026 "
    )
    # Nothing else formats a day itself ("02 Nov 2026" beside "2 Nov 2026" before).
    root = Path(mdtdesk.__file__).parent
    own = re.compile(r"%d %b|%d %B")
    formatting = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if p.name != "clock.py" and own.search(p.read_text(encoding="utf-8"))
    ]
    assert formatting == []
