"""One holder of a store at a time, across processes.

Two processes on one store ended in "database is locked" tracebacks, and a re-key
replaced `store.db` under the other one (lost writes on Linux, a PermissionError on
Windows). An open store now holds an operating-system lock on `store.lock` for as long
as it is open. The OS drops the lock when a process ends, however it ends, so a lock
left by a crash or a kill -9 is never stale. The window refuses at once ("open in
another window"); a command waits its turn for a while, then says the store is busy.

Within one process several OpenStore objects on one folder share the lock (tests, and
the app's own reopen after a re-key); a re-key asks `alone()` first.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mdtdesk.store.errors import StoreBusy
from mdtdesk.store.layout import StorePaths

if sys.platform == "win32":  # pragma: no cover - exercised on Windows
    import msvcrt
else:
    import fcntl

LOCK_NAME = "store.lock"
# The locked byte lies past the holder's note, so others can still read the note
# on Windows, where byte-range locks are mandatory.
_LOCK_AT = 1 << 20


@dataclass
class _Held:
    fd: int
    count: int


_held: dict[str, _Held] = {}


def _key(paths: StorePaths) -> str:
    return os.path.realpath(paths.folder)


def _try_lock(fd: int) -> bool:
    try:
        if sys.platform == "win32":  # pragma: no cover
            os.lseek(fd, _LOCK_AT, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def holder(paths: StorePaths) -> dict[str, Any]:
    """What the current holder wrote about itself (may be empty or stale)."""
    try:
        with open(paths.folder / LOCK_NAME, "rb") as f:
            note = json.loads(f.read(4096).split(b"\n")[0])
    except (OSError, ValueError):
        return {}
    return note if isinstance(note, dict) else {}


def _describe(note: dict[str, Any]) -> str:
    what = "an mdtdesk window" if note.get("purpose") == "app" else "an mdtdesk command"
    since = note.get("since")
    when = ""
    if isinstance(since, str):
        with contextlib.suppress(ValueError):
            when = f", since {datetime.fromisoformat(since).strftime('%H:%M')}"
    host = note.get("host")
    where = "" if host in (None, socket.gethostname()) else f" on {str(host)[:40]}"
    return f"{what}{where} (process {note.get('pid', '?')}{when})"


def acquire(paths: StorePaths, purpose: str, wait: float = 0.0) -> None:
    """Hold the store for this process, or raise StoreBusy (waiting up to `wait` s)."""
    key = _key(paths)
    held = _held.get(key)
    if held is not None:
        held.count += 1
        return
    path = paths.folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    deadline = time.monotonic() + wait
    while not _try_lock(fd):
        if time.monotonic() >= deadline:
            os.close(fd)
            other = _describe(holder(paths))
            if purpose == "app":
                raise StoreBusy(
                    f"This store is open in {other}. Use that window, or close it and try again."
                )
            raise StoreBusy(
                f"The store is busy: {other} has it open. Waited {wait:.0f} s; try again "
                "when it has finished (or close the window)."
            )
        time.sleep(0.2)
    note = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "purpose": purpose,
        "since": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps(note).encode("utf-8") + b"\n")
    _held[key] = _Held(fd, 1)


def release(paths: StorePaths) -> None:
    key = _key(paths)
    held = _held.get(key)
    if held is None:
        return
    held.count -= 1
    if held.count > 0:
        return
    del _held[key]
    os.close(held.fd)  # closing the descriptor drops the OS lock


def alone(paths: StorePaths) -> bool:
    """True when exactly one open store in this process holds the folder."""
    held = _held.get(_key(paths))
    return held is not None and held.count == 1


def busy_wait() -> float:
    """How long a command waits for a busy store (MDTDESK_BUSY_SECONDS, default 30)."""
    try:
        return max(0.0, float(os.environ.get("MDTDESK_BUSY_SECONDS", "30")))
    except ValueError:
        return 30.0


def in_use(folder: Path) -> bool:
    """Whether some process holds the store now (for tests and `info`)."""
    paths = StorePaths(folder)
    if _key(paths) in _held:
        return True
    try:
        fd = os.open(paths.folder / LOCK_NAME, os.O_RDWR)
    except OSError:
        return False
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)
