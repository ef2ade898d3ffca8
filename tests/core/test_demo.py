from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from mdtdesk import nhs_number
from mdtdesk.caseload.csv_export import export_caseload
from mdtdesk.demo.generator import populate
from mdtdesk.store.check import check_store
from mdtdesk.store.models import Patient
from tests.helpers import new_store


def _demo(folder: Path, clock, seed: int, out: Path) -> dict[str, int]:
    created = new_store(folder, clock, "Y99999")
    with created.store as store:
        counts = populate(store, patients=120, seed=seed).counts
        export_caseload(store, out)
        with store.session() as s:
            numbers = list(s.execute(select(Patient.nhs_number)).scalars())
        assert all(n.startswith("999") and nhs_number.is_valid(n) for n in numbers)
        assert check_store(store).ok
    return counts


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path, clock) -> None:
    a = _demo(tmp_path / "a", clock, 11, tmp_path / "a.csv")
    b = _demo(tmp_path / "b", clock, 11, tmp_path / "b.csv")
    _demo(tmp_path / "c", clock, 12, tmp_path / "c.csv")
    assert a == b
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.csv").read_bytes() != (tmp_path / "c.csv").read_bytes()
    assert a["patient"] == 120 and a["meeting"] > 0 and a["action"] > 0
    assert a["hospital_event"] > 0 and a["contact_log_entry"] > 0
