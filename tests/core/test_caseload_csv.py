"""Caseload CSV import and export."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from mdtdesk.caseload.csv_export import export_caseload
from mdtdesk.caseload.csv_import import CsvFileError, ImportRefused, import_caseload
from mdtdesk.store.models import AuditEvent, Condition, Patient, RiskScore, StaffMember
from tests.helpers import USER, new_store

HEADER = (
    "nhs_number,family_name,given_name,date_of_birth,sex,postcode,"
    "phone,efi_score,conditions,named_coordinator\n"
)
GOOD = (
    "999 000 0018,Hewitt,Iris,1938-05-06,F,nr1 3ab,01603 123456,0.31,COPD; Frailty,Alex Carter\n"
    "9990000026,Nobbs,Walter,06/07/1935,male,NR2 4CD,,0.18,Heart failure,\n"
)


def _write(tmp_path: Path, text: str, name: str = "caseload.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _patients(store) -> list[Patient]:
    with store.session() as s:
        return list(s.execute(select(Patient).order_by(Patient.family_name)).scalars())


def test_a_good_file_imports(store, tmp_path) -> None:
    result = import_caseload(store, _write(tmp_path, HEADER + GOOD))
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    iris, walter = _patients(store)
    assert (iris.nhs_number, iris.postcode, iris.sex, iris.efi_score) == (
        "9990000018",
        "NR1 3AB",
        "female",
        0.31,
    )
    assert walter.date_of_birth.isoformat() == "1935-07-06"
    with store.session() as s:
        coordinator = s.get(StaffMember, iris.named_coordinator_id)
        assert coordinator is not None and coordinator.name == USER
        names = set(
            s.execute(select(Condition.name).where(Condition.patient_id == iris.id)).scalars()
        )
        assert names == {"COPD", "Frailty"}
        assert s.execute(select(func.count(RiskScore.id))).scalar_one() == 2
        assert (
            s.execute(select(AuditEvent.action).order_by(AuditEvent.seq.desc())).scalars().first()
            == "import"
        )


@pytest.mark.parametrize(
    ("row", "where", "reason"),
    [
        (
            "999 000 0019,Hewitt,Iris,1938-05-06,F,NR1 3AB,,,,",
            "line 2, column nhs_number",
            "check-digit",
        ),
        (
            "9990000018,,Iris,1938-05-06,F,NR1 3AB,,,,",
            "line 2, column family_name",
            "family name is empty",
        ),
        (
            "9990000018,Hewitt,Iris,1938-13-06,F,NR1 3AB,,,,",
            "line 2, column date_of_birth",
            "not a date",
        ),
        (
            "9990000018,Hewitt,Iris,2099-01-01,F,NR1 3AB,,,,",
            "line 2, column date_of_birth",
            "in the future",
        ),
        ("9990000018,Hewitt,Iris,1938-05-06,Q,NR1 3AB,,,,", "line 2, column sex", "not one of"),
        (
            "9990000018,Hewitt,Iris,1938-05-06,F,NOWHERE,,,,",
            "line 2, column postcode",
            "not a UK postcode",
        ),
        (
            "9990000018,Hewitt,Iris,1938-05-06,F,NR1 3AB,call me,,,",
            "line 2, column phone",
            "not a phone",
        ),
        (
            "9990000018,Hewitt,Iris,1938-05-06,F,NR1 3AB,,1.7,,",
            "line 2, column efi_score",
            "outside 0 to 1",
        ),
        (
            "9990000018,Hewitt,Iris,1938-05-06,F,NR1 3AB,,,,Dr Nobody",
            "line 2, column named_coordinator",
            "no staff member",
        ),
    ],
)
def test_each_bad_value_is_named_and_nothing_is_imported(
    store, tmp_path, row, where, reason
) -> None:
    path = _write(tmp_path, HEADER + row + "\n" + GOOD.splitlines()[1] + "\n")
    with pytest.raises(ImportRefused) as refused:
        import_caseload(store, path)
    problems = [str(p) for p in refused.value.validation.problems]
    assert len(problems) == 1
    assert problems[0].startswith(where) and reason in problems[0]
    assert _patients(store) == []


def test_every_problem_in_the_file_is_listed(store, tmp_path) -> None:
    rows = "9990000019,,Iris,1938-05-06,F,NR1 3AB\n9990000026,Nobbs,Walter,x,F,NR1 3AB\n"
    path = _write(tmp_path, "nhs_number,family_name,given_name,date_of_birth,sex,postcode\n" + rows)
    with pytest.raises(ImportRefused) as refused:
        import_caseload(store, path)
    got = [(p.line, p.column) for p in refused.value.validation.problems]
    assert got == [(2, "nhs_number"), (2, "family_name"), (3, "date_of_birth")]


def test_a_repeated_nhs_number_in_one_file(store, tmp_path) -> None:
    path = _write(tmp_path, HEADER + GOOD + GOOD.splitlines()[0] + "\n")
    with pytest.raises(ImportRefused) as refused:
        import_caseload(store, path)
    assert str(refused.value.validation.problems[0]) == (
        "line 4, column nhs_number: same NHS number as line 2"
    )


def test_missing_columns_are_named(store, tmp_path) -> None:
    path = _write(tmp_path, "nhs_number,family_name\n9990000018,Hewitt\n")
    with pytest.raises(ImportRefused) as refused:
        import_caseload(store, path)
    assert "given_name, date_of_birth, sex, postcode" in str(refused.value.validation.problems[0])


def test_files_that_cannot_be_read(store, tmp_path) -> None:
    with pytest.raises(CsvFileError, match="no such file"):
        import_caseload(store, tmp_path / "absent.csv")
    with pytest.raises(CsvFileError, match="empty"):
        import_caseload(store, _write(tmp_path, ""))
    # UTF-8 from the start (Łukasz), then a Windows-1252 byte: broken, and named.
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes((HEADER + "9990000018,Łukasz,A,1938-05-06,F,NR1 3AB,,,,\n").encode()
                      + "9990000026,Zoë,A,1938-05-06,F,NR1 3AB,,,,\n".encode("cp1252"))  # fmt: skip
    with pytest.raises(CsvFileError, match="line 3: not UTF-8 text, though earlier lines are"):
        import_caseload(store, mixed)
    # Bytes Windows-1252 does not define either.
    neither = tmp_path / "neither.csv"
    neither.write_bytes(HEADER.encode() + b"9990000018,Zo\x81,A,1938-05-06,F,NR1 3AB,,,,\n")
    with pytest.raises(CsvFileError, match="line 2: neither UTF-8 nor Windows-1252"):
        import_caseload(store, neither)


def test_skip_invalid_imports_the_good_rows_and_lists_the_rest(store, tmp_path) -> None:
    bad = "9990000019,Hewitt,Iris,1938-05-06,F,NR1 3AB,,,,\n"
    result = import_caseload(store, _write(tmp_path, HEADER + bad + GOOD), skip_invalid=True)
    assert result.created == 2
    assert [str(p).split(":")[0] for p in result.skipped] == ["line 2, column nhs_number"]


def test_a_known_patient_is_updated_not_duplicated(store, tmp_path) -> None:
    import_caseload(store, _write(tmp_path, HEADER + GOOD))
    moved = GOOD.replace("NR2 4CD", "NR5 9ZZ").replace("Heart failure", "Heart failure; COPD")
    result = import_caseload(store, _write(tmp_path, HEADER + moved, "second.csv"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    patients = _patients(store)
    assert len(patients) == 2
    assert patients[1].postcode == "NR5 9ZZ"
    with store.session() as s:
        names = sorted(
            s.execute(
                select(Condition.name).where(Condition.patient_id == patients[1].id)
            ).scalars()
        )
    assert names == ["COPD", "Heart failure"]


def test_an_export_imports_back_unchanged(store, tmp_path, store_dir, clock) -> None:
    import_caseload(store, _write(tmp_path, HEADER + GOOD))
    out = tmp_path / "export.csv"
    assert export_caseload(store, out) == 2
    again = import_caseload(store, out)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    # Into a fresh store and out again: the same bytes.
    fresh = new_store(tmp_path / "fresh", clock)
    with fresh.store as other:
        import_caseload(other, out)
        export_caseload(other, tmp_path / "export2.csv")
    assert (tmp_path / "export2.csv").read_bytes() == out.read_bytes()
    assert "caseload_status" in out.read_text().splitlines()[0]


def test_a_large_import_streams_shows_progress_and_writes_in_bulk(store, tmp_path) -> None:
    """100,000 rows took 283 s and 3.3 GB: one ORM object and one audit row per person,
    the whole file in memory, and no progress while it was read."""
    from mdtdesk import nhs_number

    numbers = nhs_number.synthetic_numbers()
    rows = [f"{next(numbers)},Family{i},Given{i},1940-01-01,F,NR1 3AB,,,COPD,\n"
            for i in range(5000)]  # fmt: skip
    path = _write(tmp_path, HEADER + "".join(rows))
    with store.session() as s:
        audit_before = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    seen: list[tuple[int, int]] = []
    result = import_caseload(store, path, progress=lambda done, total: seen.append((done, total)))
    assert result.created == 5000
    size = path.stat().st_size
    # Progress while the file is first read (before anything is written), then to the end.
    assert any(0 < done < size for done, _ in seen)
    assert seen[-1][0] == seen[-1][1]
    with store.session() as s:
        added = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        assert added - audit_before < 20
        assert s.execute(select(func.count()).select_from(Condition)).scalar_one() == 5000
