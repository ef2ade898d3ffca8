"""Passphrase change, adding and removing people, recovery, and re-keying."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from mdtdesk.clock import FixedClock
from mdtdesk.store import access, errors, keyfile, lifecycle
from mdtdesk.store.check import check_store
from mdtdesk.store.models import AuditEvent, Patient, StaffMember
from mdtdesk.store.opened import OpenStore
from tests.helpers import FAST, PASSPHRASE, USER, snapshot

BEA = "Bea Jones"
BEA_PASSPHRASE = "bea's own passphrase"


def _open(folder: Path, clock: FixedClock, user: str = USER, passphrase: str = PASSPHRASE):
    return lifecycle.open_store(folder, user=user, passphrase=passphrase, clock=clock)


def _add_bea(store: OpenStore) -> None:
    access.add_member(
        store, name=BEA, profession="District nurse", passphrase=BEA_PASSPHRASE, kdf_cost=FAST
    )


def _actions(store: OpenStore) -> list[str]:
    with store.session() as s:
        return [e.action for e in s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()]


def test_passphrase_change_rewrites_only_the_key_file(created, store_dir, clock) -> None:
    created.store.close()
    before = snapshot(store_dir)
    access.change_passphrase(
        store_dir,
        user=USER,
        current=PASSPHRASE,
        new="a brand new passphrase",
        clock=clock,
        kdf_cost=FAST,
    )
    after = snapshot(store_dir)
    assert after["store.db"] == before["store.db"]
    assert after["keys.json"] != before["keys.json"]
    with pytest.raises(errors.WrongPassphrase):
        _open(store_dir, clock)
    with _open(store_dir, clock, passphrase="a brand new passphrase") as store:
        assert "key_change" in _actions(store)[-3:]


def test_passphrase_change_needs_the_current_passphrase(created, store_dir, clock) -> None:
    created.store.close()
    keys = (store_dir / "keys.json").read_bytes()
    with pytest.raises(errors.WrongPassphrase):
        access.change_passphrase(
            store_dir,
            user=USER,
            current="not my passphrase",
            new="a brand new passphrase",
            clock=clock,
            kdf_cost=FAST,
        )
    assert (store_dir / "keys.json").read_bytes() == keys


def test_an_added_member_can_unlock_as_themselves(store, store_dir, clock) -> None:
    _add_bea(store)
    store.close()
    with _open(store_dir, clock, user=BEA, passphrase=BEA_PASSPHRASE) as bea:
        assert bea.actor.name == BEA
        with bea.session() as s:
            me = bea.acting_staff(s)
            assert me is not None and me.profession == "District nurse"


def test_only_an_administrator_adds_people(store, store_dir, clock) -> None:
    _add_bea(store)
    store.close()
    with (
        _open(store_dir, clock, user=BEA, passphrase=BEA_PASSPHRASE) as bea,
        pytest.raises(errors.NotAllowed),
    ):
        access.add_member(
            bea, name="Cal", profession="GP", passphrase="cal passphrase!", kdf_cost=FAST
        )


def test_removing_a_member_rekeys_so_their_old_key_file_no_longer_opens(
    store, store_dir, clock, tmp_path
) -> None:
    with store.session() as s, s.begin():
        s.add(
            Patient(
                nhs_number="9990000018",
                family_name="Kept",
                given_name="Data",
                date_of_birth=__import__("datetime").date(1940, 1, 1),
                sex="female",
            )
        )
    _add_bea(store)
    # Bea keeps a copy of the key file from when she had access.
    shutil.copyfile(store_dir / "keys.json", tmp_path / "bea-copy.json")
    old_db = (store_dir / "store.db").read_bytes()
    access.remove_member(store, name=BEA)
    assert store.keyfile.generation == 2
    with store.session() as s:
        assert s.execute(select(Patient.family_name)).scalar_one() == "Kept"
        bea = s.execute(select(StaffMember).where(StaffMember.name == BEA)).scalar_one()
        assert not bea.active
    assert check_store(store).ok
    store.close()
    assert (store_dir / "store.db").read_bytes() != old_db
    with pytest.raises(errors.UnknownUser):
        _open(store_dir, clock, user=BEA, passphrase=BEA_PASSPHRASE)
    # Her old key file still unwraps the old key, which no longer opens the database.
    shutil.copyfile(tmp_path / "bea-copy.json", store_dir / "keys.json")
    with pytest.raises(errors.NotAStore):
        _open(store_dir, clock, user=BEA, passphrase=BEA_PASSPHRASE)


def test_you_cannot_remove_yourself(store) -> None:
    with pytest.raises(errors.NotAllowed, match="your own"):
        access.remove_member(store, name=USER)


def test_recovery_key_resets_a_forgotten_passphrase(created, store_dir, clock) -> None:
    created.store.close()
    access.recover(
        store_dir,
        recovery_key=created.recovery_key,
        user=USER,
        new_passphrase="remembered this time",
        clock=clock,
        kdf_cost=FAST,
    )
    with pytest.raises(errors.WrongPassphrase):
        _open(store_dir, clock)
    with _open(store_dir, clock, passphrase="remembered this time") as store:
        assert "key_change" in _actions(store)
        assert check_store(store).ok


def test_a_wrong_recovery_key_changes_nothing(created, store_dir, clock) -> None:
    created.store.close()
    from mdtdesk.store.recovery_key import generate

    keys = (store_dir / "keys.json").read_bytes()
    with pytest.raises(errors.WrongRecoveryKey, match="does not open"):
        access.recover(
            store_dir,
            recovery_key=generate(),
            user=USER,
            new_passphrase="remembered this time",
            clock=clock,
            kdf_cost=FAST,
        )
    with pytest.raises(errors.WrongRecoveryKey, match="group"):
        access.recover(
            store_dir,
            recovery_key="AAAAA-" * 7 + "AAAAA",
            user=USER,
            new_passphrase="remembered this time",
            clock=clock,
            kdf_cost=FAST,
        )
    assert (store_dir / "keys.json").read_bytes() == keys


def test_a_rekey_interrupted_before_the_database_moved_opens_and_is_finished(
    store, store_dir, clock
) -> None:
    """Power cut after the two-generation key file was written, before store.db moved."""
    kf = store.keyfile
    new_key = __import__("os").urandom(32)
    both = {kf.generation: store.db_key, kf.generation + 1: new_key}
    slots = tuple(keyfile.seal_keys(s, kf.store_id, both) for s in kf.slots)
    (store_dir / "keys.json").write_bytes(
        keyfile.dumps(keyfile.KeyFile(kf.store_id, kf.generation + 1, slots))
    )
    store.close()
    with _open(store_dir, clock) as reopened:
        # The unlock finishes the re-key: a new generation, the only one left.
        assert reopened.keyfile.generation == 3
        assert all(set(s.sealed_keys) == {3} for s in reopened.keyfile.slots)
        assert check_store(reopened).ok


def test_kdf_settings_are_at_least_64_mib_and_3_passes(created) -> None:
    for slot in created.store.keyfile.slots:
        assert slot.kdf.memory_kib >= 64 * 1024 and slot.kdf.iterations >= 3
    assert {s.kind for s in created.store.keyfile.slots} == {"passphrase", "recovery"}
