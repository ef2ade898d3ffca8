"""Where a store's files live, and the journal of audit events that wait for a key.

A store is a folder:
  store.db (+ -wal, -shm)   the SQLCipher database
  keys.json, keys.json.bak  key slots and the previous version of them
  audit-pending.jsonl       events that happen while the database cannot be written
                            (a failed unlock, a passphrase change), folded into the
                            audit log at the next unlock (see journal.py)
  audit-pending.set-aside   journal lines that could not be verified, kept to look at
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

DB_NAME = "store.db"
KEYS_NAME = "keys.json"


def default_store_dir() -> Path:
    return platformdirs.user_data_path("mdtdesk", appauthor=False) / "store"


@dataclass(frozen=True)
class StorePaths:
    folder: Path

    @property
    def db(self) -> Path:
        return self.folder / DB_NAME

    @property
    def db_sidecars(self) -> tuple[Path, Path]:
        return self.folder / f"{DB_NAME}-wal", self.folder / f"{DB_NAME}-shm"

    @property
    def db_rekey(self) -> Path:
        return self.folder / f"{DB_NAME}.rekey"

    @property
    def keys(self) -> Path:
        return self.folder / KEYS_NAME

    @property
    def keys_backup(self) -> Path:
        return self.folder / f"{KEYS_NAME}.bak"

    @property
    def pending_audit(self) -> Path:
        return self.folder / "audit-pending.jsonl"
