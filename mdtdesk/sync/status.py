"""Where each sync channel stands: last files both ways, sequences, gaps, audit heads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mdtdesk.store.opened import OpenStore
from mdtdesk.store.sync_tables import SyncConflict, SyncDuplicate, SyncFile, SyncPeer
from mdtdesk.sync import enrol


def peer_status(store: OpenStore) -> dict[str, Any]:
    mine = enrol.own_enrolment(store)
    with store.session() as s:
        peers = list(s.execute(select(SyncPeer).order_by(SyncPeer.ods_code)).scalars())
        open_conflicts = s.execute(
            select(func.count()).select_from(SyncConflict).where(SyncConflict.resolved_at.is_(None))
        ).scalar_one()
        open_duplicates = s.execute(
            select(func.count())
            .select_from(SyncDuplicate)
            .where(SyncDuplicate.resolved_at.is_(None))
        ).scalar_one()
    return {
        "role": mine.role,
        "name": mine.name,
        "fingerprint": mine.fingerprint,
        "open_conflicts": open_conflicts,
        "open_duplicates": open_duplicates,
        "peers": [
            {
                "name": p.name,
                "ods_code": p.ods_code,
                "role": p.role,
                "fingerprint": p.fingerprint,
                "last_file_in": p.last_in_at,
                "sequence_in": p.in_seq,
                "gaps": json.loads(p.in_gaps or "[]"),
                "audit_rows": p.audit_seq,
                "audit_head": p.audit_head,
                "last_file_out": p.last_out_at,
                "sequence_out": p.out_seq,
                "acknowledged_changes": p.acked_changes,
            }
            for p in peers
        ],
    }


def describe(report: dict[str, Any]) -> str:
    lines = [f"{report['name']} ({report['role']}), fingerprint {report['fingerprint']}"]
    if not report["peers"]:
        lines.append("Not enrolled with anyone yet.")
    for p in report["peers"]:
        gaps = ", ".join(f"{a}-{b}" for a, b in p["gaps"]) or "none"
        lines.append(
            f"  {p['name']} ({p['ods_code']}): in #{p['sequence_in']} "
            f"({p['last_file_in'] or 'never'}), out #{p['sequence_out']} "
            f"({p['last_file_out'] or 'never'}), gaps {gaps}, "
            f"audit {p['audit_rows']} rows {p['audit_head'][:12] or '-'}"
        )
    lines.append(
        f"Open conflicts: {report['open_conflicts']}; open duplicates: {report['open_duplicates']}"
    )
    return "\n".join(lines)


def record_file(
    session: Session,
    store: OpenStore,
    *,
    direction: str,
    peer: str,
    path: Path,
    digest: str,
    outcome: str,
    sequence: int | None = None,
    summary: dict[str, Any] | None = None,
    message: str = "",
) -> None:
    """One line of sync history, written in the caller's transaction."""
    session.add(
        SyncFile(
            at=store.clock.now(),
            direction=direction,
            peer=peer,
            sequence=sequence,
            file_name=str(path),
            file_hash=digest,
            by=store.actor.name,
            outcome=outcome,
            summary=json.dumps(summary or {}),
            message=message,
        )
    )


def history(store: OpenStore, limit: int = 200) -> list[SyncFile]:
    with store.session() as s:
        return list(s.execute(select(SyncFile).order_by(SyncFile.at.desc()).limit(limit)).scalars())
