"""The audit log: append-only rows, each carrying the hash of the one before it.

Rows are queued with `log()` and written by the write path at flush time, where each
gets the next sequence number and its place in the chain; nothing else may add,
change or remove an audit row (database triggers refuse UPDATE and DELETE too).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.store.ids import new_id
from mdtdesk.store.models import AuditEvent

GENESIS = "0" * 64
ACTIONS = frozenset(
    {
        "view",
        "create",
        "update",
        "delete",
        "print",
        "export",
        "import",
        "unlock",
        "failed_unlock",
        "key_change",
        "amend",
    }
)


@dataclass(frozen=True)
class Actor:
    staff_id: str | None
    name: str


@dataclass(frozen=True)
class PendingEvent:
    action: str
    entity: str | None
    record_id: str | None
    detail: dict[str, Any]


def log(
    session: Session,
    action: str,
    *,
    entity: str | None = None,
    record_id: str | None = None,
    **detail: Any,
) -> None:
    """Queue an audit row; it is written with the session's next flush."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    queue: list[PendingEvent] = session.info.setdefault("audit_queue", [])
    queue.append(PendingEvent(action, entity, record_id, detail))


def row_hash(event: AuditEvent) -> str:
    body = {
        "seq": event.seq,
        "id": event.id,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "device": event.device,
        "action": event.action,
        "entity": event.entity,
        "record_id": event.record_id,
        "detail": event.detail,
        "prev": event.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def chain_head(session: Session) -> tuple[int, str]:
    """(sequence number, hash) of the newest row, or (0, GENESIS) for an empty log."""
    row = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (0, GENESIS) if row is None else (row[0], row[1])


def write_queued(session: Session) -> None:
    """Turn queued events into chained rows. Called only by the write path."""
    queue: list[PendingEvent] = session.info.get("audit_queue", [])
    if not queue:
        return
    actor: Actor = session.info["actor"]
    device: str = session.info["node_id"]
    # The hash covers the time as it reads back from the store: UTC.
    now = session.info["clock"].now().astimezone(UTC)
    head: tuple[int, str] | None = session.info.get("audit_head")
    if head is None:
        with session.no_autoflush:
            head = chain_head(session)
    seq, prev = head
    for pending in queue:
        seq += 1
        event = AuditEvent(
            seq=seq,
            id=new_id(),
            at=now,
            actor_id=actor.staff_id,
            actor_name=actor.name,
            device=device,
            action=pending.action,
            entity=pending.entity,
            record_id=pending.record_id,
            detail=json.dumps(pending.detail, sort_keys=True, default=str),
            prev_hash=prev,
        )
        event.hash = row_hash(event)
        prev = event.hash
        event.chained = True
        session.add(event)
    queue.clear()
    session.info["audit_head"] = (seq, prev)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def verify(events: Iterable[AuditEvent]) -> list[ChainProblem]:
    """Every break in the chain: a gap, a wrong back-link or a row whose hash is wrong."""
    problems: list[ChainProblem] = []
    expected_seq, prev = 1, GENESIS
    for event in events:
        if event.seq != expected_seq:
            problems.append(ChainProblem(event.seq, f"expected row {expected_seq} (rows missing)"))
        if event.prev_hash != prev:
            problems.append(ChainProblem(event.seq, "does not link to the row before it"))
        if row_hash(event) != event.hash:
            problems.append(ChainProblem(event.seq, "its content does not match its hash"))
        expected_seq, prev = event.seq + 1, event.hash
    return problems
