"""Constants and helpers the tests share."""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from mdtdesk.clock import Clock, FixedClock
from mdtdesk.store import lifecycle
from mdtdesk.store.audit import Actor
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.layout import StorePaths

PASSPHRASE = "correct horse battery staple"
USER = "Alex Carter"
# Argon2id at its floor (64 MiB, 3 passes) keeps the suite quick.
FAST = KdfCost(target_seconds=0)

# On CI's Debian every tool is installed, so there a missing one fails the test rather
# than skipping it quietly; elsewhere (the README's Windows recipe) it is skipped, and
# says why.
_STRICT = os.environ.get("CI") == "true" and sys.platform.startswith("linux")


def _unless(missing: bool, reason: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(missing and not _STRICT, reason=reason)


needs_kill_9 = _unless(
    not hasattr(signal, "SIGKILL"), "this platform has no kill -9 (SIGKILL), which the trial uses"
)
needs_age = _unless(
    shutil.which("age") is None, "the age tool is not installed (Debian: apt-get install age)"
)
needs_posix = _unless(
    os.name != "posix", "needs a POSIX terminal or resource limits, which Windows lacks"
)


def snapshot(folder: Path) -> dict[str, str]:
    """File name -> SHA-256 of every file in a folder, to prove nothing changed.

    store.lock is left out: it notes who holds the store, not what the store holds.
    """
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != "store.lock"
    }


def new_store(
    folder: Path, clock: Clock, ods_code: str = "D82044", passphrase: str = PASSPHRASE
) -> lifecycle.Created:
    """A fresh store with the standard test user, practice and passphrase."""
    return from_template(
        folder,
        ("store", ods_code, passphrase),
        clock,
        lambda place: lifecycle.create_store(
            place,
            ods_code=ods_code,
            practice_name="Test Surgery",
            user=USER,
            profession="GP",
            passphrase=passphrase,
            clock=clock,
            kdf_cost=FAST,
        ),
    )


# Stores built once a session and copied: making one costs two Argon2id runs and every
# migration (0.9 s), copying one a few milliseconds. A copy has the template's ids, so
# a test asking for the same kind of store twice gets a newly made one the second time
# (two stores with one node id would break sync's clocks).
# A build must make its store afresh (create_store, create_hub), never from another
# template, or two kinds would share ids.
_TEMPLATES: dict[tuple[object, ...], tuple[Path, bytes, str, Actor]] = {}
_HANDED_OUT: set[tuple[object, ...]] = set()


def new_test() -> None:
    """Called before each test (tests/conftest.py): every kind of store is unused."""
    _HANDED_OUT.clear()


def from_template(
    folder: Path,
    kind: tuple[object, ...],
    clock: Clock,
    build: Callable[[Path], lifecycle.Created],
) -> lifecycle.Created:
    if not isinstance(clock, FixedClock):
        return build(folder)
    key = (*kind, clock.now())
    if key in _HANDED_OUT:
        return build(folder)
    _HANDED_OUT.add(key)
    if key not in _TEMPLATES:
        place = Path(tempfile.mkdtemp(prefix="mdtdesk-template-")) / "store"
        atexit.register(shutil.rmtree, place.parent, True)
        made = build(place)
        _TEMPLATES[key] = (place, made.store.db_key, made.recovery_key, made.store.actor)
        made.store.close()
    place, db_key, recovery_key, actor = _TEMPLATES[key]
    shutil.copytree(place, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns("store.lock"))
    # Opened with the key it was made with, as create_store opens a new store.
    opened = lifecycle._open_with_keys(StorePaths(folder), {1: db_key}, actor, clock, "app", 0.0)
    return lifecycle.Created(opened, recovery_key)
