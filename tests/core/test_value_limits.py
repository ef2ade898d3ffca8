"""One rule for every value entering the store: lengths and characters are checked
where the value enters (typed, imported, merged), naming the field and the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from mdtdesk import nhs_number
from mdtdesk.caseload.csv_import import ImportRefused, import_caseload
from mdtdesk.clock import FixedClock
from mdtdesk.store import lifecycle
from mdtdesk.store.limits import ValueRefused
from mdtdesk.store.models import Condition, Patient, StaffMember
from mdtdesk.store.opened import OpenStore
from mdtdesk.sync.export import export_for_hub
from mdtdesk.sync.importing import import_file
from mdtdesk.sync.wire import SPECS, BadValue, utc_time
from tests.helpers import FAST, PASSPHRASE, USER
from tests.sync_helpers import enrol_both, make_hub

HEADER = "nhs_number,family_name,given_name,date_of_birth,sex,postcode,conditions\n"


def _practice(folder: Path, clock: FixedClock, name: str) -> OpenStore:
    return lifecycle.create_store(
        folder, ods_code="A81001", practice_name=name, user=USER, profession="GP",
        passphrase=PASSPHRASE, clock=clock, kdf_cost=FAST,
    ).store  # fmt: skip


def test_a_practice_name_longer_than_its_column_is_refused_at_init(
    tmp_path: Path, clock: FixedClock
) -> None:
    with pytest.raises(ValueRefused, match="practice name is longer than 200 characters"):
        _practice(tmp_path / "a", clock, "Riverside " * 30)
    assert not (tmp_path / "a" / "store.db").exists()


def test_the_longest_name_init_takes_is_one_the_hub_takes(
    tmp_path: Path, clock: FixedClock
) -> None:
    practice = _practice(tmp_path / "a", clock, "R" * 200)
    hub = make_hub(tmp_path / "hub", clock)
    enrol_both(hub, practice)
    done = import_file(hub, export_for_hub(practice, tmp_path / "a.mdtsync").path)
    assert done.outcome == "applied"


def test_every_write_checks_lengths_and_characters(store: OpenStore) -> None:
    """SQLite ignores String(n): the write path is the backstop for every entry."""
    too_long = pytest.raises(ValueRefused, match="staff member name is longer than 200")
    with too_long, store.session() as s, s.begin():
        s.add(StaffMember(name="N" * 201, profession="GP"))
    with pytest.raises(ValueRefused, match="U\\+202E"), store.session() as s, s.begin():
        member = s.execute(select(StaffMember)).scalars().one()
        member.name = "Alex \u202eretraC"
    with store.session() as s:
        assert s.execute(select(StaffMember.name)).scalars().all() == [USER]


def _import(store: OpenStore, tmp_path: Path, rows: str) -> ImportRefused | None:
    path = tmp_path / "caseload.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    try:
        import_caseload(store, path)
    except ImportRefused as exc:
        return exc
    return None


def test_a_condition_over_200_characters_is_refused_with_its_line(
    store: OpenStore, tmp_path: Path
) -> None:
    refused = _import(store, tmp_path, f"9990000018,Hewitt,Iris,1938-05-06,F,NR1 3AB,{'C' * 201}\n")
    assert refused is not None
    [problem] = refused.validation.problems
    assert (problem.line, problem.column) == (2, "conditions")
    assert "longer than 200 characters" in problem.reason
    with store.session() as s:
        assert s.execute(select(Condition)).first() is None


@pytest.mark.parametrize(
    "name, words",
    [
        ("Hew\x00itt", "U+0000"),
        ("Hewitt\x1b[31m", "U+001B"),
        ("\u202ettiweH", "U+202E"),
    ],
)
def test_names_with_nul_escapes_or_bidi_overrides_are_refused(
    store: OpenStore, tmp_path: Path, name: str, words: str
) -> None:
    refused = _import(store, tmp_path, f"9990000018,{name},Iris,1938-05-06,F,NR1 3AB,\n")
    assert refused is not None
    [problem] = refused.validation.problems
    assert (problem.line, problem.column) == (2, "family_name")
    assert words in problem.reason


def test_full_width_and_arabic_indic_digits_are_the_same_nhs_number(
    store: OpenStore, tmp_path: Path
) -> None:
    full_width = "".join(chr(0xFF10 + int(d)) for d in "9990000018")
    arabic = "".join(chr(0x0660 + int(d)) for d in "9990000026")
    rows = (
        "9990000018,Hewitt,Iris,1938-05-06,F,NR1 3AB,\n"
        f"{arabic},Nobbs,Walter,1935-07-06,M,NR2 4CD,\n"
    )
    assert _import(store, tmp_path, rows) is None
    assert _import(store, tmp_path, f"{full_width},Hewitt,Iris,1938-05-06,F,NR1 3AB,COPD\n") is None
    with store.session() as s:
        numbers = sorted(s.execute(select(Patient.nhs_number)).scalars())
    assert numbers == ["9990000018", "9990000026"]


def test_a_superscript_digit_is_refused_not_a_traceback(store: OpenStore, tmp_path: Path) -> None:
    with pytest.raises(nhs_number.NhsNumberError, match="other than digits"):
        nhs_number.normalise("999000001\u00b2")
    refused = _import(store, tmp_path, "999000001\u00b2,Hewitt,Iris,1938-05-06,F,NR1 3AB,\n")
    assert refused is not None
    assert [(p.line, p.column) for p in refused.validation.problems] == [(2, "nhs_number")]


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00"])
def test_times_in_year_1_or_9999_are_bad_values_on_the_wire(value: str) -> None:
    with pytest.raises(BadValue, match="is not between"):
        utc_time(value)


def test_the_wire_takes_the_same_characters_as_the_store() -> None:
    spec = SPECS["patient"]
    family = spec.converters[spec.fields.index("family_name")]
    nhs = spec.converters[spec.fields.index("nhs_number")]
    with pytest.raises(BadValue, match="U\\+202E"):
        family("\u202ettiweH")
    with pytest.raises(BadValue):
        nhs("".join(chr(0xFF10 + int(d)) for d in "9990000018"))
    assert family("O\u2019Brien") == "O\u2019Brien"
