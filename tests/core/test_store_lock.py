"""One holder of a store at a time: a second window is refused, a command waits its
turn and then says the store is busy, a killed holder leaves no stale lock, and a
re-key never replaces the database under another open store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mdtdesk.clock import FixedClock
from mdtdesk.store import access, lifecycle, lock
from mdtdesk.store.errors import StoreBusy
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.layout import StorePaths
from mdtdesk.store.opened import OpenStore
from tests.core.test_cli import mdtdesk
from tests.helpers import PASSPHRASE, USER, needs_kill_9

HOLD = """
import sys, time
from pathlib import Path
from mdtdesk.clock import SystemClock
from mdtdesk.store import lifecycle
store = lifecycle.open_store(Path(sys.argv[1]), user=sys.argv[2], passphrase=sys.argv[3],
                             clock=SystemClock(), purpose=sys.argv[4])
print("holding", flush=True)
time.sleep(float(sys.argv[5]))
store.close()
"""


def hold(folder: Path, seconds: float, purpose: str = "app") -> subprocess.Popen[str]:
    """Another process that opens the store and keeps it open for `seconds`."""
    env = {**os.environ, "MDTDESK_KDF_SECONDS": "0"}
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder), USER, PASSPHRASE, purpose, str(seconds)],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "holding"
    return child


def open_here(folder: Path, clock: FixedClock, wait: float = 0.0) -> OpenStore:
    return lifecycle.open_store(
        folder, user=USER, passphrase=PASSPHRASE, clock=clock, purpose="command", wait=wait
    )


@pytest.fixture
def closed(created: lifecycle.Created, store_dir: Path) -> Path:
    created.store.close()
    return store_dir


def test_a_second_window_on_the_same_store_is_refused(closed: Path, clock: FixedClock) -> None:
    child = hold(closed, 30)
    try:
        with pytest.raises(StoreBusy, match=r"open in an mdtdesk window .*process"):
            lifecycle.open_store(closed, user=USER, passphrase=PASSPHRASE, clock=clock)
    finally:
        child.kill()
        child.wait()


def test_a_command_waits_a_while_then_says_the_store_is_busy(closed: Path) -> None:
    child = hold(closed, 30)
    try:
        started = time.monotonic()
        done = mdtdesk(
            "info", "--store", closed,
            env={"MDTDESK_PASSPHRASE": PASSPHRASE, "MDTDESK_USER": USER,
                 "MDTDESK_BUSY_SECONDS": "1"},
        )  # fmt: skip
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        assert "The store is busy: an mdtdesk window" in done.stderr
        assert "Waited 1 s" in done.stderr
        assert time.monotonic() - started >= 1
    finally:
        child.kill()
        child.wait()


def test_a_command_takes_its_turn_when_the_other_finishes(closed: Path, clock: FixedClock) -> None:
    child = hold(closed, 1.5, purpose="command")
    started = time.monotonic()
    store = open_here(closed, clock, wait=20)
    try:
        assert time.monotonic() - started > 0.5
    finally:
        store.close()
        child.wait()


@needs_kill_9
def test_a_killed_holder_leaves_no_stale_lock(closed: Path, clock: FixedClock) -> None:
    child = hold(closed, 60)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert lock.holder(StorePaths(closed))["pid"] == child.pid
    store = open_here(closed, clock)
    store.close()
    assert not lock.in_use(closed)


def test_a_rekey_refuses_while_another_open_store_holds_the_file(
    store: OpenStore, store_dir: Path, clock: FixedClock
) -> None:
    access.add_member(
        store, name="Sam Lee", profession="Nurse", passphrase="another good passphrase",
        kdf_cost=KdfCost(target_seconds=0),
    )  # fmt: skip
    other = open_here(store_dir, clock)
    try:
        with pytest.raises(StoreBusy, match="open twice"):
            access.remove_member(store, name="Sam Lee")
    finally:
        other.close()
    access.remove_member(store, name="Sam Lee")
    assert lifecycle.read_keyfile(store.paths).users() == [USER]
