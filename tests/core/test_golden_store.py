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


@pytest.mark.parametrize("golden", STORES, ids=lambda p: p.name)
def test_an_upgraded_golden_store_sends_everything_in_its_first_sync_file(
    golden: Path, tmp_path: Path, clock
) -> None:
    from mdtdesk.store.models import RECORD_MODELS
    from mdtdesk.sync.export import export_for_hub
    from mdtdesk.sync.importing import import_file
    from tests.sync_helpers import enrol_both, make_hub, state

    copy = tmp_path / golden.name
    shutil.copytree(golden, copy)
    hub = make_hub(tmp_path / "hub", clock)
    with lifecycle.open_store(
        copy, user="Golden Admin", passphrase="golden store passphrase", clock=clock
    ) as store:
        enrol_both(hub, store)
        with store.session() as s:
            held = sum(len(s.execute(select(m.id)).all()) for m in RECORD_MODELS)
            declined = len(
                s.execute(select(Patient.id).where(Patient.consent_status == "declined")).all()
            )
        sent = export_for_hub(store, tmp_path / "first.mdtsync")
        assert sent.records <= held and sent.records > held - 40 * max(declined, 1)
        assert import_file(hub, sent.path).added == sent.records
        assert len(state(hub)["patient"]) == 26
    hub.close()
