"""Each way opening a store can fail has its own message and changes no store file."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import sqlcipher3
from sqlalchemy import select

from mdtdesk.clock import FixedClock
from mdtdesk.store import errors, lifecycle
from mdtdesk.store.engine import make_engine
from mdtdesk.store.models import AuditEvent
from tests.helpers import PASSPHRASE, USER, new_store, snapshot


def _open(folder: Path, clock: FixedClock, passphrase: str = PASSPHRASE, user: str = USER):
    return lifecycle.open_store(folder, user=user, passphrase=passphrase, clock=clock)


def test_create_then_open(created: lifecycle.Created, store_dir: Path, clock: FixedClock) -> None:
    created.store.close()
    with _open(store_dir, clock) as store:
        assert store.practice().ods_code == "D82044"
        assert store.actor.name == USER
    assert sorted(p.name for p in store_dir.iterdir()) == ["keys.json", "store.db", "store.lock"]


def test_user_names_are_matched_without_case(created, store_dir, clock) -> None:
    created.store.close()
    with _open(store_dir, clock, user="  alex CARTER ") as store:
        assert store.actor.name == USER


def test_wrong_passphrase_leaves_database_and_key_file_as_they_were(
    created, store_dir: Path, clock: FixedClock
) -> None:
    created.store.close()
    before = snapshot(store_dir)
    with pytest.raises(errors.WrongPassphrase, match="not right"):
        _open(store_dir, clock, passphrase="not the passphrase at all")
    after = snapshot(store_dir)
    assert after["store.db"] == before["store.db"]
    assert after["keys.json"] == before["keys.json"]
    # The attempt waits in the journal and joins the audit log at the next unlock.
    assert (store_dir / "audit-pending.jsonl").exists()
    with _open(store_dir, clock) as store, store.session() as s:
        actions = [e.action for e in s.execute(select(AuditEvent)).scalars()]
    assert actions[-2:] == ["failed_unlock", "unlock"]
    assert not (store_dir / "audit-pending.jsonl").exists()


def test_unknown_user_lists_the_users(created, store_dir, clock) -> None:
    created.store.close()
    before = snapshot(store_dir)
    with pytest.raises(errors.UnknownUser, match="users: Alex Carter"):
        _open(store_dir, clock, user="Nobody")
    assert snapshot(store_dir) == before


def test_missing_key_file(created, store_dir, clock) -> None:
    created.store.close()
    (store_dir / "keys.json").unlink()
    before = snapshot(store_dir)
    with pytest.raises(errors.KeyFileMissing, match=r"key file .* is missing"):
        _open(store_dir, clock)
    assert snapshot(store_dir) == before


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda text: text[: len(text) // 2], "not valid JSON"),
        (lambda text: json.dumps({"format": "something else"}), "not an mdtdesk key file"),
        (lambda text: text.replace('"kind": "passphrase"', '"kind": "magic"'), "unknown slot"),
        (lambda text: text.replace('"version": 1', '"version": 7'), "newer than this app"),
    ],
)
def test_damaged_key_file(created, store_dir, clock, damage, says) -> None:
    created.store.close()
    keys = store_dir / "keys.json"
    keys.write_text(damage(keys.read_text()))
    before = snapshot(store_dir)
    with pytest.raises(errors.KeyFileDamaged, match=says):
        _open(store_dir, clock)
    assert snapshot(store_dir) == before


def test_an_edited_user_name_breaks_the_slot_instead_of_fooling_it(created, store_dir, clock):
    created.store.close()
    keys = store_dir / "keys.json"
    keys.write_text(keys.read_text().replace('"user": "Alex Carter"', '"user": "Mallory"'))
    with pytest.raises(errors.WrongPassphrase):
        _open(store_dir, clock, user="Mallory")


def test_a_database_that_is_not_a_store(created, store_dir, clock) -> None:
    created.store.close()
    (store_dir / "store.db").write_bytes(os.urandom(64 * 1024))
    before = snapshot(store_dir)
    with pytest.raises(errors.NotAStore, match="not an mdtdesk store"):
        _open(store_dir, clock)
    assert snapshot(store_dir) == before


def test_a_plain_sqlite_file_is_not_a_store(created, store_dir, clock) -> None:
    created.store.close()
    db = store_dir / "store.db"
    db.unlink()
    conn = sqlcipher3.connect(str(db))
    conn.execute("create table notes(x)")
    conn.commit()
    conn.close()
    before = snapshot(store_dir)
    with pytest.raises(errors.NotAStore):
        _open(store_dir, clock)
    assert snapshot(store_dir) == before


def test_another_stores_database_is_refused(tmp_path, created, store_dir, clock) -> None:
    created.store.close()
    other = new_store(tmp_path / "other", clock, "D82045")
    other.store.close()
    shutil.copyfile(tmp_path / "other" / "store.db", store_dir / "store.db")
    with pytest.raises(errors.NotAStore):
        _open(store_dir, clock)


def test_a_store_from_a_newer_app_is_refused(created, store_dir, clock) -> None:
    store = created.store
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0999'")
    store.close()
    before = snapshot(store_dir)
    with pytest.raises(errors.StoreTooNew, match=r"newer version of mdtdesk .*0999"):
        _open(store_dir, clock)
    assert snapshot(store_dir) == before


def test_no_store_in_the_folder(tmp_path, clock) -> None:
    with pytest.raises(errors.NoStore, match="no store in"):
        _open(tmp_path / "nothing-here", clock)


def test_creating_over_an_existing_store_is_refused(created, store_dir, clock) -> None:
    created.store.close()
    before = snapshot(store_dir)
    with pytest.raises(errors.StoreExists):
        new_store(store_dir, clock)
    assert snapshot(store_dir) == before


@pytest.mark.parametrize("passphrase", ["short", "aaaaaaaaaaaa"])
def test_weak_passphrases_are_refused_before_anything_is_written(tmp_path, clock, passphrase):
    with pytest.raises(errors.WeakPassphrase):
        new_store(tmp_path / "s", clock, passphrase=passphrase)
    assert not (tmp_path / "s").exists()


def test_store_uses_wal_and_full_sync(store) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA cipher_version").scalar().startswith("4.")


def test_a_wrong_raw_key_is_caught_on_open(store_dir, created) -> None:
    created.store.close()
    from mdtdesk.store.engine import KeyRejected

    with pytest.raises(KeyRejected):
        make_engine(store_dir / "store.db", os.urandom(32))


def test_unlock_is_audited(store) -> None:
    with store.session() as s:
        last = s.execute(select(AuditEvent).order_by(AuditEvent.seq.desc())).scalars().first()
    assert last is not None and last.action == "unlock" and last.actor_name == USER


def test_an_export_to_a_folder_that_is_not_there_is_refused_in_one_line(tmp_path: Path) -> None:
    # It ended in "an unexpected fault" with mkstemp's FileNotFoundError in the log.
    from tests.core.test_cli import mdtdesk

    done = mdtdesk("demo", "--store", tmp_path / "s", "--patients", "3")
    assert done.returncode == 0, done.stderr
    env = {"MDTDESK_PASSPHRASE": "mdt demo 2026"}
    done = mdtdesk("caseload", "export", "--store", tmp_path / "s",
                   "--out", tmp_path / "nowhere" / "c.csv", env=env)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert f"The folder {tmp_path / 'nowhere'} does not exist" in done.stderr
    assert done.stderr.count("\n") == 1
