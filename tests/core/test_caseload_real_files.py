"""Caseload files as EMIS Web, SystmOne and Excel write them (issue 17): Windows-1252,
UTF-16 with tabs, semicolons, title lines above the header, 01-Jan-1940 dates and the
systems' own column names; and exports a spreadsheet cannot run as formulas."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from sqlalchemy import select

from mdtdesk.caseload.csv_export import export_caseload
from mdtdesk.caseload.csv_import import import_caseload
from mdtdesk.caseload.csv_read import read_rows
from mdtdesk.fields import FieldError, parse_date
from mdtdesk.store.models import Patient
from tests.core.test_cli import mdtdesk
from tests.helpers import PASSPHRASE, USER

EMIS_HEADER = ["NHS Number", "Family Name", "Calling Name", "Date of Birth", "Gender",
               "Postcode", "Usual GP's Full Name"]  # fmt: skip
ROWS = [
    ["999 000 0018", "Bacon", "Zoë", "01-Jan-1940", "Female", "NR1 3AB", "Dr A Other"],
    ["9990000026", "Nowak", "Łukasz", "6-Jul-1935", "Male", "NR2 4CD", "Dr A Other"],
]
TITLE = ["Search: Frailty caseload (MDT)", "Run on 01-Dec-2026 by Practice Manager", ""]


def _text(delimiter: str, title: list[str] = TITLE) -> str:
    lines = [*title, delimiter.join(EMIS_HEADER), *(delimiter.join(r) for r in ROWS)]
    return "\r\n".join(lines) + "\r\n"


def _people(store) -> list[tuple[str, str, str, str]]:
    with store.session() as s:
        return [
            (p.nhs_number, p.given_name, p.date_of_birth.isoformat(), p.sex)
            for p in s.execute(select(Patient).order_by(Patient.nhs_number)).scalars()
        ]


EXPECTED = [("9990000018", "Zoë", "1940-01-01", "female"),
            ("9990000026", "Łukasz", "1935-07-06", "male")]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "data", "said"),
    [
        (
            "EMIS, UTF-8",
            _text(",").encode("utf-8"),
            "UTF-8, columns separated by commas, header on line 4 (3 title lines above it skipped)",
        ),
        ("UTF-8 with a byte-order mark", codecs.BOM_UTF8 + _text(",", []).encode(), "UTF-8"),
        (
            "Excel 'Unicode Text'",
            codecs.BOM_UTF16_LE + _text("\t").encode("utf-16-le"),
            "UTF-16 (Excel's Unicode Text), columns separated by tabs",
        ),
        ("UTF-16 without a mark", _text("\t", []).encode("utf-16-le"), "UTF-16"),
        ("semicolons, UTF-8", _text(";").encode(), "separated by semicolons"),
    ],
)
def test_files_from_gp_systems_and_excel_import(
    store, tmp_path: Path, kind: str, data: bytes, said: str
) -> None:
    path = tmp_path / "caseload.csv"
    path.write_bytes(data)
    header, _rows, shape = read_rows(path)
    assert said in shape.describe(), kind
    assert "nhs_number" in header and "calling_name" in header
    result = import_caseload(store, path)
    assert (result.created, result.skipped) == (2, []), kind
    assert _people(store) == EXPECTED


def test_a_windows_1252_file_saved_by_excel_imports(store, tmp_path: Path) -> None:
    # Łukasz is not in Windows-1252: Excel would have written "?", so he is left out here.
    path = tmp_path / "excel.csv"
    path.write_bytes(_text(",").replace("Łukasz", "Lukas").encode("cp1252"))
    result = import_caseload(store, path)
    assert result.created == 2
    assert "Windows-1252 (Excel's CSV)" in result.shape.describe()
    assert _people(store)[0][1] == "Zoë"


def test_windows_1252_far_down_an_ascii_file_is_found(store, tmp_path: Path) -> None:
    # Names sorted A to Z: Zoë comes after thousands of plain ASCII lines.
    ascii_rows = [f"{n},Ash{i},Roy,1940-01-01,M,NR1 3AB"
                  for i, n in enumerate(_numbers(3000))]  # fmt: skip
    text = "nhs_number,family_name,given_name,date_of_birth,sex,postcode\n"
    text += "\n".join(ascii_rows) + "\n9990000018,Bacon,Zoë,1940-01-01,F,NR1 3AB\n"
    path = tmp_path / "late.csv"
    path.write_bytes(text.encode("cp1252"))
    result = import_caseload(store, path)
    assert result.created == 3001
    assert "Windows-1252 (Excel's CSV) (from line 3002)" in result.shape.describe()


def _numbers(count: int) -> list[str]:
    from mdtdesk import nhs_number

    return [n for n in nhs_number.synthetic_numbers(count + 5) if n != "9990000018"][:count]


def test_dates_with_month_names_whatever_the_computers_language() -> None:
    assert parse_date("01-Jan-1940", "d").isoformat() == "1940-01-01"
    assert parse_date("6 jul 1935", "d").isoformat() == "1935-07-06"
    assert parse_date("29-Feb-1944", "d").isoformat() == "1944-02-29"
    for wrong in ("30-Feb-1940", "01-Jnu-1940", "01-Jan-40"):
        with pytest.raises(FieldError, match="DD-Mon-YYYY"):
            parse_date(wrong, "d")


def test_the_usual_gp_is_not_taken_as_the_coordinator_unless_chosen(store, tmp_path) -> None:
    path = tmp_path / "emis.csv"
    path.write_bytes(_text(",").encode())
    import_caseload(store, path)
    with store.session() as s:
        assert {p.named_coordinator_id for p in s.execute(select(Patient)).scalars()} == {None}
    chosen = {"named_coordinator": "Usual GP's Full Name"}
    path.write_bytes(_text(",").replace("Dr A Other", USER).encode())
    import_caseload(store, path, column_map=chosen)
    with store.session() as s:
        assert None not in {p.named_coordinator_id for p in s.execute(select(Patient)).scalars()}


def test_cells_a_spreadsheet_would_run_are_neutralised_and_come_back(store, tmp_path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "nhs_number,family_name,given_name,date_of_birth,sex,postcode,phone,conditions\n"
        '9990000018,=HYPERLINK("http://x"),@SUM(A1),1940-01-01,F,NR1 3AB,+44 1603 123456,'
        "-frailty; '=odd\n",
        encoding="utf-8",
    )
    import_caseload(store, path)
    out = tmp_path / "out.csv"
    export_caseload(store, out)
    written = out.read_bytes()
    assert written.startswith(codecs.BOM_UTF8)  # so Excel reads it as UTF-8
    row = written.decode("utf-8-sig").splitlines()[1]
    assert "'=HYPERLINK" in row and "'@SUM(A1)" in row and "'+44 1603 123456" in row
    # "'=odd; -frailty" already starts with an apostrophe: it gains one more.
    assert ",''=odd; -frailty," in row
    before = _full(store)
    result = import_caseload(store, out)
    assert (result.updated, result.created) == (0, 0)  # read back unchanged
    assert _full(store) == before
    assert before[0][:3] == ('=HYPERLINK("http://x")', "@SUM(A1)", "+44 1603 123456")


def _full(store) -> list[tuple[str, str, str | None]]:
    with store.session() as s:
        return [(p.family_name, p.given_name, p.phone)
                for p in s.execute(select(Patient)).scalars()]  # fmt: skip


def test_the_command_says_what_it_found(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    unlock = {"MDTDESK_PASSPHRASE": PASSPHRASE}
    made = mdtdesk("init", "--store", folder, "--practice", "D82044", "--practice-name", "P",
                   "--user", USER, "--profession", "GP", env=unlock)  # fmt: skip
    assert made.returncode == 0, made.stderr
    path = tmp_path / "emis.csv"
    path.write_bytes(_text(";").replace("Łukasz", "Lukas").encode("cp1252"))
    done = mdtdesk("caseload", "import", "--store", folder, path,
                   env={"MDTDESK_PASSPHRASE": PASSPHRASE})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        "Read as Windows-1252 (Excel's CSV) (from line 5), columns separated by semicolons, "
        "header on line 4 (3 title lines above it skipped)."
    )
    assert "2 new" in done.stdout
