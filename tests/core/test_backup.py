"""Backup and restore (issue 19): a consistent snapshot while another connection
writes, restored record for record; a backup changed or cut short refused with nothing
made; a killed backup leaves the previous one whole."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from mdtdesk.caseload.csv_export import export_caseload
from mdtdesk.clock import FixedClock
from mdtdesk.demo.generator import populate
from mdtdesk.store import backup, errors, lifecycle, writes
from mdtdesk.store.models import Patient
from mdtdesk.store.opened import OpenStore
from tests.core.test_cli import mdtdesk
from tests.helpers import PASSPHRASE, USER


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _restored(file: Path, folder: Path, clock: FixedClock) -> OpenStore:
    backup.restore(file, folder, clock, user=USER, passphrase=PASSPHRASE)
    return lifecycle.open_store(folder, user=USER, passphrase=PASSPHRASE, clock=clock)


def test_a_backup_restores_record_for_record_and_passes_its_check(
    store: OpenStore, tmp_path: Path, clock: FixedClock
) -> None:
    populate(store, patients=40, seed=5)
    out = tmp_path / "practice.mdtbackup"
    done = backup.backup(store, out)
    assert done.patients == 40 and out.stat().st_mode & 0o777 == 0o600
    assert backup.last_backup(store) is not None
    export_caseload(store, tmp_path / "before.csv")
    with _restored(out, tmp_path / "restored", clock) as copy:
        export_caseload(copy, tmp_path / "after.csv")
        assert copy.store_id == store.store_id
    assert (tmp_path / "before.csv").read_bytes() == (tmp_path / "after.csv").read_bytes()
    assert (tmp_path / "restored").stat().st_mode & 0o777 == 0o700
    # The backup holds no readable patient data: the database inside stays encrypted.
    assert b"Patient" not in out.read_bytes() and b"CREATE TABLE" not in out.read_bytes()


def test_a_backup_taken_while_another_connection_writes_is_a_consistent_snapshot(
    store: OpenStore, tmp_path: Path, clock: FixedClock
) -> None:
    populate(store, patients=30, seed=6)
    stop, written = threading.Event(), []

    def write_pair(n: int) -> None:
        with store.session() as s, s.begin():
            # Two people per transaction: a snapshot holds both or neither.
            for part in "ab":
                writes.bulk_insert(s, Patient, [{
                    "nhs_number": f"99980{n:04d}{'ab'.index(part)}",
                    "family_name": f"Writer{n:05d}{part}", "given_name": "Test",
                    "date_of_birth": clock.now().date(), "sex": "female",
                    "caseload_status": "active"}])  # fmt: skip

    def write() -> None:
        n = 0
        while not stop.is_set():
            try:
                write_pair(n)
            except OperationalError:
                continue  # the backup's own audit row took the write lock: try again
            written.append(n)
            n += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 5:
            time.sleep(0.01)
        started = len(written)
        backup.backup(store, tmp_path / "busy.mdtbackup")
        during = len(written)
    finally:
        stop.set()
        writer.join()
    assert during > started  # the writer went on committing while the backup ran
    copy = _restored(tmp_path / "busy.mdtbackup", tmp_path / "restored", clock)
    with copy, copy.session() as s:
        names = (
            s.execute(select(Patient.family_name).where(Patient.family_name.like("Writer%")))
            .scalars()
            .all()
        )
    held = sorted(names)
    pairs = len(held) // 2
    assert len(held) % 2 == 0 and pairs >= 5
    # Whole transactions, in order: the first k the writer committed, no gaps.
    assert held == sorted(f"Writer{n:05d}{p}" for n in range(pairs) for p in "ab")


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("cut", "is cut short"),
        ("database", "does not match its checksum"),
        ("mac", "was not made by this store"),
        ("start", "is not an mdtdesk backup"),
        ("header", "damaged"),
    ],
)
def test_a_backup_changed_or_cut_short_is_refused_and_nothing_is_made(
    store: OpenStore, tmp_path: Path, clock: FixedClock, where: str, says: str
) -> None:
    populate(store, patients=10, seed=7)
    good = tmp_path / "good.mdtbackup"
    backup.backup(store, good)
    data = bytearray(good.read_bytes())
    header_end = len(backup.MAGIC) + 4 + int.from_bytes(data[16:20], "big")
    if where == "cut":
        data = data[: len(data) - 4096]
    else:
        at = {"database": len(data) - 5000, "mac": header_end + 3, "start": 2,
              "header": header_end - 3}[where]  # fmt: skip
        data[at] ^= 0x20
    bad = tmp_path / "bad.mdtbackup"
    bad.write_bytes(bytes(data))
    target = tmp_path / "restored"
    with pytest.raises(backup.BackupRefused, match=says):
        backup.restore(bad, target, clock, user=USER, passphrase=PASSPHRASE)
    assert not target.exists()
    assert not list(tmp_path.glob(".restored*"))


def test_a_wrong_passphrase_or_a_folder_in_use_makes_nothing(
    store: OpenStore, tmp_path: Path, clock: FixedClock
) -> None:
    out = tmp_path / "b.mdtbackup"
    backup.backup(store, out)
    with pytest.raises(errors.WrongPassphrase):
        backup.restore(out, tmp_path / "new", clock, user=USER, passphrase="not it at all")
    assert not (tmp_path / "new").exists() and not list(tmp_path.glob(".new*"))
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine")
    with pytest.raises(errors.StoreExists, match="already holds files"):
        backup.restore(out, tmp_path / "used", clock, user=USER, passphrase=PASSPHRASE)
    assert (tmp_path / "used" / "notes.txt").read_text() == "mine"
    with pytest.raises(errors.CannotWrite, match="own folder"):
        backup.backup(store, store.paths.folder / "inside.mdtbackup")


def test_the_recovery_key_opens_a_backup(
    created: lifecycle.Created, tmp_path: Path, clock: FixedClock
) -> None:
    out = tmp_path / "b.mdtbackup"
    backup.backup(created.store, out)
    done = backup.restore(out, tmp_path / "new", clock, recovery_key=created.recovery_key)
    assert done.folder == tmp_path / "new" and (tmp_path / "new" / "store.db").exists()


_KILLED = """
import shutil, sys, time
from pathlib import Path
from mdtdesk.clock import SystemClock
from mdtdesk.store import backup, lifecycle

real = shutil.copyfileobj
def slow(source, target, length=0):
    target.write(source.read(100_000))
    target.flush()
    Path(sys.argv[2]).write_text("writing")
    time.sleep(60)
backup.shutil.copyfileobj = slow
store = lifecycle.open_store(Path(sys.argv[1]), user=sys.argv[3], passphrase=sys.argv[4],
                             clock=SystemClock())
backup.backup(store, Path(sys.argv[5]))
"""


def test_a_backup_killed_while_writing_leaves_the_previous_one_whole(
    created: lifecycle.Created, tmp_path: Path, clock: FixedClock
) -> None:
    store = created.store
    populate(store, patients=20, seed=8)
    out = tmp_path / "b.mdtbackup"
    backup.backup(store, out)
    before = _sha(out)
    folder = store.paths.folder
    store.close()
    marker = tmp_path / "marker"
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED, str(folder), str(marker), USER, PASSPHRASE, str(out)],
        env={**os.environ, "MDTDESK_KDF_SECONDS": "0"},
    )
    try:
        for _ in range(600):
            if marker.exists() or child.poll() is not None:
                break
            time.sleep(0.05)
        assert marker.exists(), "the backup never began writing"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert _sha(out) == before
    backup.restore(out, tmp_path / "new", clock, user=USER, passphrase=PASSPHRASE)
    # The next backup clears what the killed one left behind.
    with lifecycle.open_store(folder, user=USER, passphrase=PASSPHRASE, clock=clock) as again:
        backup.backup(again, out)
    assert not (folder / backup.SNAPSHOT_DIR).exists()
    assert not list(tmp_path.glob(".b.mdtbackup*"))


def test_backup_and_restore_from_the_command_line(store: OpenStore, tmp_path: Path) -> None:
    populate(store, patients=12, seed=9)
    folder = store.paths.folder
    store.close()
    env = {"MDTDESK_PASSPHRASE": PASSPHRASE, "MDTDESK_USER": USER}
    out = tmp_path / "b.mdtbackup"
    done = mdtdesk("backup", "--store", folder, "--out", out, env=env)
    assert done.returncode == 0 and "Backed up 12 people" in done.stdout
    restored = mdtdesk("restore", out, "--store", tmp_path / "new", env=env)
    assert restored.returncode == 0 and "passed its check" in restored.stdout
    again = mdtdesk("restore", out, "--store", tmp_path / "new", env=env)
    assert again.returncode == 2 and "already holds files" in again.stderr
    (tmp_path / "cut.mdtbackup").write_bytes(out.read_bytes()[:5000])
    cut = mdtdesk("restore", tmp_path / "cut.mdtbackup", "--store", tmp_path / "n2", env=env)
    assert cut.returncode == 2 and "cut short" in cut.stderr
    checked = mdtdesk("check", "--store", tmp_path / "new", env=env)
    assert checked.returncode == 0, checked.stdout


def test_the_reminder_counts_calendar_days_and_says_when_one_is_due(uk_time: None) -> None:
    from datetime import UTC, datetime

    at = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
    assert backup.reminder(at, datetime(2026, 12, 4, 8, 0, tzinfo=UTC), 7) == (
        "Last backup yesterday (3 Dec 2026).", False,
    )  # fmt: skip
    text, due = backup.reminder(at, datetime(2026, 12, 10, 9, 0, tzinfo=UTC), 7)
    assert due and text.startswith("Last backup 7 days ago") and "back up now" in text
    assert backup.reminder(None, at, 7)[1] is True
