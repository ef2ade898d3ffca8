"""`passphrase remove` killed (kill -9) at every step of its re-key: the person being
removed ends either still listed or unable to open the store, never hidden and able;
and the next unlock finishes the re-key."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from mdtdesk.clock import FixedClock
from mdtdesk.store import access, errors, lifecycle
from mdtdesk.store.layout import StorePaths
from mdtdesk.store.models import Patient
from tests.helpers import FAST, PASSPHRASE, USER, needs_kill_9, new_store

BEA, BEA_PASSPHRASE = "Bea Jones", "bea's own passphrase"
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)

CHILD = """
import os, signal, sys
from pathlib import Path
from mdtdesk.clock import SystemClock
from mdtdesk.store import access, lifecycle, rekey

point = sys.argv[2]
calls = {}

def killing(name, f):
    def wrapped(*args, **kwargs):
        calls[name] = calls.get(name, 0) + 1
        here = f"{name}{calls[name]}"
        if point == here:
            os.kill(os.getpid(), signal.SIGKILL)
        result = f(*args, **kwargs)
        if point == here + "-after":
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    return wrapped

rekey.export_with_new_key = killing("export", rekey.export_with_new_key)
rekey.write_keyfile = killing("keys", rekey.write_keyfile)
rekey.atomic.replace_file = killing("replace", rekey.atomic.replace_file)
store = lifecycle.open_store(Path(sys.argv[1]), user=sys.argv[3], passphrase=sys.argv[4],
                             clock=SystemClock(), purpose="command")
access.remove_member(store, name="Bea Jones")
print("finished")
"""

POINTS = [
    "export1", "export1-after", "keys1", "keys1-after",
    "replace1", "replace1-after", "keys2", "keys2-after", "none",
]  # fmt: skip


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rekey") / "store"
    store = new_store(folder, FixedClock(NOW)).store
    with store.session() as s, s.begin():
        s.add(Patient(nhs_number="9990000018", family_name="Kept", given_name="Data",
                      date_of_birth=NOW.date(), sex="female"))  # fmt: skip
    access.add_member(store, name=BEA, profession="Nurse", passphrase=BEA_PASSPHRASE,
                      kdf_cost=FAST)  # fmt: skip
    store.close()
    shutil.copyfile(folder / "keys.json", folder.parent / "bea-copy.json")
    return folder


def bea_can_open(folder: Path, keys: Path, scratch: Path) -> bool:
    """Whether Bea opens a copy of the folder with the given key file."""
    trial = scratch / "trial"
    shutil.rmtree(trial, ignore_errors=True)
    shutil.copytree(folder, trial)
    if not keys.exists():
        return False
    shutil.copyfile(keys, trial / "keys.json")
    try:
        store = lifecycle.open_store(
            trial, user=BEA, passphrase=BEA_PASSPHRASE, clock=FixedClock(NOW)
        )
    except errors.StoreError:
        return False
    store.close()
    return True


def listed(folder: Path) -> bool:
    return BEA in lifecycle.read_keyfile(StorePaths(folder)).users()


@needs_kill_9
@pytest.mark.parametrize("point", POINTS)
def test_a_removal_killed_at_any_step_never_leaves_bea_hidden_and_able(
    template: Path, tmp_path: Path, point: str
) -> None:
    folder = tmp_path / "store"
    shutil.copytree(template, folder)
    env = {**os.environ, "MDTDESK_KDF_SECONDS": "0"}
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), point, USER, PASSPHRASE],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert (run.returncode == 0) == (point == "none"), run.stderr
    copies = [folder / "keys.json", folder / "keys.json.bak", template.parent / "bea-copy.json"]
    able = any(bea_can_open(folder, keys, tmp_path) for keys in copies)
    assert listed(folder) or not able, f"killed at {point}: Bea hidden but able to open"
    # The next unlock by someone who stays finishes whatever was half-done.
    store = lifecycle.open_store(folder, user=USER, passphrase=PASSPHRASE, clock=FixedClock(NOW))
    with store.session() as s:
        assert s.execute(select(Patient.family_name)).scalar_one() == "Kept"
    store.close()
    assert not (folder / "store.db.rekey").exists()
    if not listed(folder):
        assert not any(bea_can_open(folder, keys, tmp_path) for keys in copies)
