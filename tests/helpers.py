"""Constants and helpers the tests share."""

from __future__ import annotations

import hashlib
from pathlib import Path

from mdtdesk.clock import Clock
from mdtdesk.store import lifecycle
from mdtdesk.store.keyfile import KdfCost

PASSPHRASE = "correct horse battery staple"
USER = "Alex Carter"
# Argon2id at its floor (64 MiB, 3 passes) keeps the suite quick.
FAST = KdfCost(target_seconds=0)


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
