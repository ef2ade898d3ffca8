"""Writing sync files: a practice's changes for its hub, a hub's update for a practice.

A file carries every record changed since the receiver last acknowledged this store's
changes (so a lost file costs nothing: the next one carries the same and more), minus
records the receiver itself sent in that state. A practice's file also carries its
new audit rows; a hub's file carries only the practice's own records, and the receipt.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from mdtdesk import __version__
from mdtdesk.impact import pooling
from mdtdesk.impact.from_store import store_impact
from mdtdesk.store import audit, hlc, migrate
from mdtdesk.store.errors import StoreError
from mdtdesk.store.models import AuditEvent, Patient, StoreMeta
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.sync_tables import SyncPeer
from mdtdesk.sync import consent, fileformat, keys, status
from mdtdesk.sync.wire import AUDIT_FIELDS, ORDER, SPECS, TableSpec

Progress = Callable[[int, int], None]
_POLICY = "*policy"


class NotEnrolled(StoreError):
    pass


@dataclass(frozen=True)
class Exported:
    path: Path
    peer: str
    sequence: int
    records: int
    counts: dict[str, int]
    audit_rows: int
    withheld: int
    changes: tuple[int, int]
    file_hash: str
    size: int


@dataclass
class _Plan:
    """One file's choices; `kind` decides the rest: a practice's "changes" are
    minimised for consent and carry audit rows, a hub's "update" carries only the
    receiving practice's records."""

    peer: SyncPeer
    kind: str
    change_to: int
    counts: dict[str, int] = field(default_factory=dict)
    withheld: dict[str, Any] = field(default_factory=dict)
    minimised: int = 0
    audit_rows: int = 0

    @property
    def from_practice(self) -> bool:
        return self.kind == "changes"


def hub_peer(session: Session) -> SyncPeer:
    peer = session.execute(select(SyncPeer).where(SyncPeer.role == "hub")).scalars().first()
    if peer is None:
        raise NotEnrolled(
            "This practice is not enrolled with a hub yet: import the hub's enrolment "
            "file first (mdtdesk enrol import)."
        )
    return peer


def practice_peer(session: Session, ods: str) -> SyncPeer:
    peers = session.execute(
        select(SyncPeer)
        .where(SyncPeer.ods_code == ods.upper(), SyncPeer.role == "practice")
        .order_by(SyncPeer.enrolled_at.desc())
    ).scalars()
    peer = peers.first()
    if peer is None:
        raise NotEnrolled(f"No practice with ODS code {ods.upper()} is enrolled with this hub.")
    return peer


def _changed(spec: TableSpec, plan: _Plan, released: set[str]) -> Select[Any]:
    table = spec.model.__table__
    columns = [table.c.id, table.c.created_at, table.c.updated_by]
    columns += [table.c[name] for name in spec.fields] + [table.c.clocks]
    wanted = and_(
        table.c.sync_seq > plan.peer.acked_changes,
        or_(table.c.sync_from.is_(None), table.c.sync_from != plan.peer.node_id),
    )
    if released and (spec.name == "patient" or spec.name in consent.CHILD_TABLES):
        # Consent given since these were held back: send them whole, changed or not.
        key = table.c["id" if spec.name == "patient" else "patient_id"]
        wanted = or_(wanted, key.in_(sorted(released)))
    query = select(*columns).where(wanted)
    if not plan.from_practice:
        query = query.where(table.c.home == plan.peer.ods_code)
    return query.order_by(table.c.sync_seq, table.c.id)


def _line(values: list[Any], clocks_text: str) -> bytes:
    return (json.dumps(values, ensure_ascii=False)[:-1] + "," + clocks_text + "]").encode()


def _withhold(
    values: list[Any], clocks_text: str, spec: TableSpec, sent: frozenset[str]
) -> tuple[list[Any], str]:
    clocks = hlc.Clocks.loads(clocks_text)
    for i, name in enumerate(spec.fields):
        if name not in sent:
            values[3 + i] = None
            clocks.fields[name] = hlc.FieldClock(hlc.WITHHELD, hlc.WITHHELD)
    return values, clocks.dumps()


def _lines(session: Session, plan: _Plan, progress: Progress | None) -> Iterator[bytes]:
    declined: set[str] = set()
    released: set[str] = set()
    allowed = consent.policy(session)
    sent_fields = consent.patient_fields_sent(allowed)
    sent_children = consent.child_tables_sent(allowed)
    if plan.from_practice:
        declined = set(
            session.execute(
                select(Patient.id).where(Patient.consent_status == "declined")
            ).scalars()
        )
        before = json.loads(plan.peer.withheld or "{}")
        sent_policy = before.pop(_POLICY, None)
        released = {pid for pid in before if pid not in declined}
        plan.withheld = {pid: v for pid, v in before.items() if pid in declined}
        plan.withheld.update({pid: plan.change_to for pid in released})
        plan.withheld[_POLICY] = sorted(allowed)
        if sent_policy is not None and not set(sent_policy) >= allowed:
            # More may go now than when these were sent: send them again, as allowed now.
            released |= declined
    done = 0
    for name in ORDER:
        spec = SPECS[name]
        yield json.dumps({"t": name, "f": list(spec.fields)}).encode()
        count = 0
        for row in session.execute(_changed(spec, plan, released)):
            values = [row[0], row[1].isoformat(), row[2], *spec.dump(tuple(row[3:-1]))]
            clocks_text = row[-1]
            if declined:
                if name == "patient" and row[0] in declined:
                    values, clocks_text = _withhold(values, clocks_text, spec, sent_fields)
                    plan.withheld[row[0]] = 0
                    plan.minimised += 1
                elif (
                    name in consent.CHILD_TABLES
                    and name not in sent_children
                    and row.patient_id in declined
                ):
                    continue
            yield _line(values, clocks_text)
            count += 1
            done += 1
            if progress is not None and done % 5000 == 0:
                progress(done, 0)
        plan.counts[name] = count
    if plan.from_practice:
        yield json.dumps({"t": "audit_event", "f": list(AUDIT_FIELDS)}).encode()
        rows = session.execute(
            select(*(AuditEvent.__table__.c[f] for f in AUDIT_FIELDS))
            .where(AuditEvent.seq > plan.peer.acked_audit)
            .order_by(AuditEvent.seq)
        )
        for row in rows:
            values = list(row)
            values[2] = values[2].isoformat()
            yield json.dumps(values, ensure_ascii=False).encode()
            plan.audit_rows += 1


def export_for_hub(store: OpenStore, out: Path, progress: Progress | None = None) -> Exported:
    """Everything the hub has not acknowledged, for the practice's hub."""
    with store.session() as s:
        peer = hub_peer(s)
    return _export(store, out, peer.node_id, "changes", progress)


def export_for_practice(
    store: OpenStore, ods: str, out: Path, progress: Progress | None = None
) -> Exported:
    """A receipt plus the practice's own records that changed, from a hub."""
    with store.session() as s:
        if keys.role(s) != "hub":
            raise StoreError("Only a hub store writes updates for practices.")
        peer = practice_peer(s, ods)
    return _export(store, out, peer.node_id, "update", progress)


def _export(
    store: OpenStore, out: Path, peer_id: str, kind: str, progress: Progress | None
) -> Exported:
    # The impact report's counts and person-years, for the hub to pool: no register
    # person, no name, no NHS number.
    figures = pooling.counts_of(store_impact(store)) if kind == "changes" else None
    with store.session() as s:
        peer = s.get(SyncPeer, peer_id)
        assert peer is not None
        device = keys.device_keys(s)
        change_to = int(s.get(StoreMeta, "change_seq").value)  # type: ignore[union-attr]
        head_seq, head_hash = audit.chain_head(s)
        plan = _Plan(peer, kind, change_to)
        sequence = peer.out_seq + 1
        me = store.practice()
        practice = me.ods_code if plan.from_practice else peer.ods_code

        def finish(payload_sha: str, size: int, lines: int) -> dict[str, Any]:
            return {
                "format": fileformat.FORMAT,
                "schema": migrate.head_revision(),
                "app": __version__,
                "kind": kind,
                "practice": practice,
                "sender": {
                    "node": store.node_id,
                    "role": "practice" if plan.from_practice else "hub",
                    "ods": me.ods_code,
                    "name": me.name,
                },
                "recipient": peer.node_id,
                "sequence": sequence,
                "previous_file": peer.out_hash,
                "created_at": store.clock.now().isoformat(),
                "payload": {"sha256": payload_sha, "bytes": size, "lines": lines},
                "changes": {"from": peer.acked_changes, "to": change_to},
                "receipt": {
                    "sequence": peer.in_seq,
                    "changes": peer.in_changes,
                    "audit": peer.audit_seq,
                },
                "audit_head": {"seq": head_seq, "hash": head_hash},
                **({"impact": figures} if figures is not None else {}),
            }

        def commit(written: fileformat.Written) -> None:
            peer.out_seq, peer.out_hash = sequence, written.file_hash
            peer.last_out_at = store.clock.now()
            if plan.from_practice:
                peer.withheld = json.dumps(plan.withheld, sort_keys=True)
            summary = {
                "records": sum(plan.counts.values()),
                "audit_rows": plan.audit_rows,
                "withheld": plan.minimised,
            }
            status.record_file(
                s,
                store,
                direction="export",
                peer=peer.name,
                path=out,
                digest=written.file_hash,
                outcome="written",
                sequence=sequence,
                summary=summary,
            )
            audit.log(
                s,
                "export",
                entity="sync_file",
                peer=peer.name,
                sequence=sequence,
                records=summary["records"],
                file=out.name,
            )
            s.commit()

        written = fileformat.write(
            out, _lines(s, plan, progress), finish, device.sign, peer.age_recipient, commit
        )
    return Exported(
        path=out,
        peer=peer.name,
        sequence=sequence,
        records=sum(plan.counts.values()),
        counts=dict(plan.counts),
        audit_rows=plan.audit_rows,
        withheld=plan.minimised,
        changes=(peer.acked_changes, change_to),
        file_hash=written.file_hash,
        size=written.size,
    )
