"""No file in the store folder holds patient data in plain text."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from mdtdesk.caseload.csv_import import import_caseload
from mdtdesk.demo.generator import populate
from mdtdesk.nhs_number import format_nhs
from mdtdesk.store.models import ContactLogEntry, KeyContact, Patient


def _needles(store) -> set[bytes]:
    words: set[str] = set()
    with store.session() as s:
        for p in s.execute(select(Patient)).scalars():
            words |= {p.nhs_number, format_nhs(p.nhs_number), p.family_name, p.postcode or ""}
            words |= {line for line in (p.address or "").splitlines()}
        words |= set(s.execute(select(ContactLogEntry.notes)).scalars())
        words |= set(s.execute(select(KeyContact.name)).scalars())
    needles = set()
    for w in words:
        if w and len(w) >= 5:
            needles |= {w.encode("utf-8"), w.encode("utf-16-le")}
    return needles


def _scan(folder: Path, needles: set[bytes]) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {n!r}" for n in needles if n in data]
    return found


def test_nothing_in_plain_text_after_a_demo_build_and_a_csv_import(store, store_dir, tmp_path):
    populate(store, patients=300, seed=3)
    csv = tmp_path / "in.csv"
    csv.write_text(
        "nhs_number,family_name,given_name,date_of_birth,sex,postcode\n"
        "9990000018,Zzyzxplaintext,Iris,1938-05-06,F,NR1 3AB\n"
    )
    import_caseload(store, csv)
    needles = _needles(store)
    assert b"Zzyzxplaintext" in needles and len(needles) > 1000
    # While open (WAL and shared memory present) and after closing.
    assert _scan(store_dir, needles) == []
    store.close()
    assert _scan(store_dir, needles) == []
