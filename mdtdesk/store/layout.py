"""Where a store's files live, and the journal of audit events that wait for a key.

A store is a folder:
  store.db (+ -wal, -shm)   the SQLCipher database
  keys.json, keys.json.bak  key slots and the previous version of them
  audit-pending.jsonl       events that happen while the database cannot be written
                            (a failed unlock, a passphrase change): staff names, event
                            kinds and times only, never patient data; folded into the
                            hash-chained audit log at the next unlock
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

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


def note_pending(paths: StorePaths, action: str, user: str, at: datetime, **detail: Any) -> None:
    """Append one event to the journal, flushed to disk before returning."""
    line = json.dumps({"action": action, "user": user, "at": at.isoformat(), **detail})
    with open(paths.pending_audit, "a", encoding="utf-8") as journal:
        journal.write(line + "\n")
        journal.flush()
        os.fsync(journal.fileno())


def read_pending(paths: StorePaths) -> list[dict[str, Any]]:
    try:
        text = paths.pending_audit.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    events = []
    for line in text.splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            # A line cut short by a power cut: keep the evidence that something was there.
            event = {"action": "failed_unlock", "user": "?", "unreadable": line[:200]}
        if isinstance(event, dict):
            events.append(event)
    return events


def clear_pending(paths: StorePaths) -> None:
    paths.pending_audit.unlink(missing_ok=True)
