"""The journal of events while locked (audit-pending.jsonl) is read defensively: a torn
or odd line never stops an unlock, a line this app did not sign is never chained as
genuine, and a huge journal is read only as far as its bound."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from mdtdesk.clock import FixedClock
from mdtdesk.store import errors, journal, lifecycle
from mdtdesk.store.models import AuditEvent
from tests.helpers import PASSPHRASE, USER


def _unlock(store_dir: Path, clock: FixedClock) -> list[dict[str, object]]:
    """Unlock, and return the journal events the audit log took in this time."""
    store = lifecycle.open_store(store_dir, user=USER, passphrase=PASSPHRASE, clock=clock)
    try:
        with store.session() as s:
            rows = s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
        last_unlocks = [i for i, r in enumerate(rows) if r.action == "unlock"]
        start = last_unlocks[-2] + 1 if len(last_unlocks) > 1 else 0
        out = []
        for row in rows[start:]:
            detail = json.loads(row.detail)
            if detail.get("journal"):
                out.append({"action": row.action, **detail})
        return out
    finally:
        store.close()


def _fail_once(store_dir: Path, clock: FixedClock) -> None:
    with pytest.raises(errors.WrongPassphrase):
        lifecycle.open_store(store_dir, user=USER, passphrase="not it at all", clock=clock)


@pytest.fixture
def closed(created: lifecycle.Created, store_dir: Path) -> Path:
    created.store.close()
    return store_dir


def test_a_failed_unlock_while_locked_is_chained_at_the_next_unlock(
    closed: Path, clock: FixedClock
) -> None:
    _fail_once(closed, clock)
    [event] = _unlock(closed, clock)
    assert (event["action"], event["user"]) == ("failed_unlock", USER)
    assert not (closed / "audit-pending.jsonl").exists()


def test_a_torn_line_or_odd_keys_never_stop_an_unlock(closed: Path, clock: FixedClock) -> None:
    _fail_once(closed, clock)
    with open(closed / "audit-pending.jsonl", "ab") as f:
        f.write(
            b'{"event": {"action": "failed_unlock", "user": "unexpected", "x": 1}, "mac": "0"}\n'
        )
        f.write(b'{"event": {"action": "failed_unlock", "user": "Al\xc3')  # power cut
    events = _unlock(closed, clock)
    assert [e["action"] for e in events] == ["failed_unlock", "failed_unlock"]
    genuine, summary = events
    assert genuine["user"] == USER
    assert summary["set_aside"] == {
        "verified": 1, "unverified": 0, "unreadable": 2, "bytes_unread": 0
    }  # fmt: skip
    aside = (closed / "audit-pending.set-aside").read_bytes()
    assert b"Al\xc3" in aside and b"unexpected" in aside
    # And the next unlock is clean.
    assert _unlock(closed, clock) == []


def test_an_injected_line_is_not_chained_as_genuine(closed: Path, clock: FixedClock) -> None:
    forged = {"action": "key_change", "user": USER, "at": "2026-11-23T09:00:00+00:00"}
    lines = [
        {"event": forged, "mac": None},
        {"event": forged, "mac": "ab" * 32},
    ]
    (closed / "audit-pending.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    [summary] = _unlock(closed, clock)
    assert summary["set_aside"]["unverified"] == 2  # type: ignore[index]
    assert summary["set_aside"]["verified"] == 0  # type: ignore[index]


def test_50_mb_of_junk_is_read_only_as_far_as_its_bound(closed: Path, clock: FixedClock) -> None:
    with open(closed / "audit-pending.jsonl", "wb") as f:
        line = b'{"event": {"action": "failed_unlock"}, "mac": "00"}\n'
        f.write(line * (50_000_000 // len(line)))
    started = time.perf_counter()
    events = _unlock(closed, clock)
    assert time.perf_counter() - started < 10
    assert len(events) == 1
    summary = events[0]["set_aside"]
    assert summary["bytes_unread"] > 48_000_000  # type: ignore[index]
    assert (closed / "audit-pending.set-aside").stat().st_size < 2_000_000


def test_without_this_devices_key_an_event_is_kept_unverified(
    closed: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A device that never opened the store cannot sign; its events are not trusted."""
    monkeypatch.setenv("MDTDESK_DEVICE_DIR", str(tmp_path / "another-device"))
    _fail_once(closed, clock)
    [summary] = _unlock(closed, clock)
    assert summary["set_aside"]["unverified"] == 1  # type: ignore[index]
    assert journal.device_folder() == tmp_path / "another-device"
    assert len(list(journal.device_folder().glob("journal-*.key"))) == 1
