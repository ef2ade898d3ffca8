"""Every released schema's golden store opens and upgrades with this app."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from mdtdesk.store import lifecycle, migrate
from mdtdesk.store.check import check_store
from mdtdesk.store.models import Patient

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
STORES = sorted(p for p in GOLDEN.iterdir() if p.is_dir() and p.name.startswith("schema-"))


def test_there_is_a_golden_store_for_the_first_schema() -> None:
    assert [p.name for p in STORES][:1] == ["schema-0001"]


@pytest.mark.parametrize("golden", STORES, ids=lambda p: p.name)
def test_golden_store_opens_upgrades_and_checks(golden: Path, tmp_path: Path, clock) -> None:
    copy = tmp_path / golden.name
    shutil.copytree(golden, copy)
    with lifecycle.open_store(
        copy, user="Golden Admin", passphrase="golden store passphrase", clock=clock
    ) as store:
        with store.engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.head_revision()
        with store.session() as s:
            zoe = s.execute(select(Patient).where(Patient.nhs_number == "9990000018")).scalar_one()
            count = len(s.execute(select(Patient.id)).all())
        assert (zoe.given_name, zoe.family_name) == ("Zoë", "Golden")
        assert count == 26
        assert check_store(store).ok
    recovery = (copy / "RECOVERY_KEY.txt").read_text().strip()
    lifecycle.open_with_recovery_key(copy, recovery, clock).close()
