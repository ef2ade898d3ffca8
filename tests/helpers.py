"""Constants and helpers the tests share."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

from mdtdesk.clock import Clock
from mdtdesk.store import lifecycle
from mdtdesk.store.keyfile import KdfCost

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
    return lifecycle.create_store(
        folder,
        ods_code=ods_code,
        practice_name="Test Surgery",
        user=USER,
        profession="GP",
        passphrase=passphrase,
        clock=clock,
        kdf_cost=FAST,
    )
