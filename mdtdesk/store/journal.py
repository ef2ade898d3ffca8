"""The journal of audit events that happen while the database cannot be written.

A failed unlock or a passphrase change happens without the database key, so it is
appended to `audit-pending.jsonl` in the store folder and folded into the hash-chained
audit log at the next unlock. The folder may be on a stick or a share that others can
write, and a power cut can tear the last line, so the journal is read defensively:

- each line carries an HMAC under a key the store controls: it lives in the database
  (`store_meta.journal_key`) and, so that events can be signed while locked, in this
  device's own data folder (owner-only), never in the store folder. A line whose MAC
  does not check was not written by this app on a device that has opened the store:
  it is counted, kept aside in `audit-pending.set-aside` for inspection, never chained
  as genuine;
- torn, unreadable or oddly shaped lines are counted and set aside, never fatal;
- only the first MAX_BYTES and MAX_EVENTS are read; the size of the rest is reported.

Staff names, event kinds and times only: never patient data.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs

from mdtdesk.store import atomic
from mdtdesk.store.layout import StorePaths

log = logging.getLogger(__name__)

MAX_BYTES = 1 << 20
MAX_EVENTS = 1000
ACTIONS = frozenset({"failed_unlock", "key_change"})
_FIELDS = frozenset({"action", "user", "at", "detail"})


def device_folder() -> Path:
    override = os.environ.get("MDTDESK_DEVICE_DIR")
    return Path(override) if override else platformdirs.user_data_path("mdtdesk") / "device"


def _key_path(store_id: str) -> Path:
    return device_folder() / f"journal-{store_id}.key"


def remember_key(store_id: str, key: bytes) -> None:
    """Keep the store's journal key on this device, so it can sign while locked."""
    path = _key_path(store_id)
    try:
        if path.read_bytes() == key:
            return
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic.write_bytes(path, key)
    except OSError as exc:
        # Not fatal: events written while locked are then kept as unverified.
        log.warning("the journal key could not be kept on this device (%s)", exc.strerror)


def _device_key(store_id: str) -> bytes | None:
    try:
        key = _key_path(store_id).read_bytes()
    except OSError:
        return None
    return key if len(key) == 32 else None


def _mac(key: bytes, body: bytes) -> str:
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def _body(event: dict[str, Any]) -> bytes:
    return json.dumps(event, sort_keys=True, separators=(",", ":")).encode("utf-8")


def note(
    paths: StorePaths, store_id: str, action: str, user: str, at: datetime, **detail: Any
) -> None:
    """Append one event to the journal, flushed to disk before returning."""
    event = {"action": action, "user": user, "at": at.isoformat(), **detail}
    key = _device_key(store_id)
    line = {"event": event, "mac": _mac(key, _body(event)) if key else None}
    try:
        with atomic.open_private(paths.pending_audit, append=True) as journal:
            journal.write(json.dumps(line).encode("utf-8") + b"\n")
            journal.flush()
            os.fsync(journal.fileno())
    except OSError as exc:
        # A full or read-only disk must not hide why the unlock failed.
        log.warning("an audit event could not be journalled (%s)", exc.strerror)


@dataclass
class Taken:
    events: list[dict[str, Any]] = field(default_factory=list)
    unverified: int = 0
    unreadable: int = 0
    bytes_unread: int = 0
    set_aside: list[bytes] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "verified": len(self.events),
            "unverified": self.unverified,
            "unreadable": self.unreadable,
            "bytes_unread": self.bytes_unread,
        }


def _event(raw: bytes, key: bytes) -> tuple[str, dict[str, Any] | None]:
    """("ok"|"unverified"|"unreadable", the event when it is well formed)."""
    try:
        line = json.loads(raw)
    except (ValueError, RecursionError):
        return "unreadable", None
    if not isinstance(line, dict) or set(line) != {"event", "mac"}:
        return "unreadable", None
    event, mac = line["event"], line["mac"]
    if (
        not isinstance(event, dict)
        or not set(event) <= _FIELDS
        or event.get("action") not in ACTIONS
        or not all(isinstance(v, str) and len(v) <= 200 for v in event.values())
    ):
        return "unreadable", None
    if not isinstance(mac, str) or not hmac.compare_digest(mac, _mac(key, _body(event))):
        return "unverified", None
    return "ok", event


def take(paths: StorePaths, key: bytes) -> Taken:
    """Read the journal: the events that check, and counts of what does not."""
    taken = Taken()
    try:
        with open(paths.pending_audit, "rb") as f:
            head = f.read(MAX_BYTES)
            taken.bytes_unread = max(0, os.fstat(f.fileno()).st_size - len(head))
    except FileNotFoundError:
        return taken
    lines = head.split(b"\n")
    if taken.bytes_unread and lines:
        lines.pop()  # cut at MAX_BYTES: the last piece is not a whole line
    for raw in lines:
        if not raw.strip():
            continue
        verdict, event = _event(raw, key)
        if event is not None and len(taken.events) < MAX_EVENTS:
            taken.events.append(event)
            continue
        if verdict == "unverified":
            taken.unverified += 1
        else:
            taken.unreadable += 1
        taken.set_aside.append(raw[:1000])
    return taken


def set_aside(paths: StorePaths, taken: Taken) -> None:
    """Keep what could not be taken (bounded) for someone to look at; clear the journal."""
    if taken.set_aside or taken.bytes_unread:
        aside = paths.folder / "audit-pending.set-aside"
        atomic.write_bytes(aside, b"\n".join(taken.set_aside[:MAX_EVENTS]) + b"\n")
        log.warning("audit journal lines set aside: %s", taken.summary)
    paths.pending_audit.unlink(missing_ok=True)
