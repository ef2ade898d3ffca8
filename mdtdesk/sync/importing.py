"""Taking in a sync file: check everything, then apply it in one transaction.

Order matters: the file is decrypted and every line checked while it streams in; then
the manifest's signature, recipient, versions, payload hash and sequence; then every
reference. Only a file that passes all of that is merged, in a single transaction, so
a refused file, a crash or a kill part-way leaves the store's records as they were.
A refusal is still written down: in the audit log and in the sync history.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from mdtdesk.impact import pooling
from mdtdesk.impact.report import Impact
from mdtdesk.logs import log_unexpected
from mdtdesk.store import audit, migrate, writes
from mdtdesk.store.errors import StoreBusy, for_people
from mdtdesk.store.models import AuditEvent
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.sync_tables import PracticeFigures, RemoteAuditEvent, SyncPeer
from mdtdesk.sync import duplicates, fileformat, keys, status
from mdtdesk.sync.fileformat import SyncRefused
from mdtdesk.sync.incoming import Collector, Payload, check_references
from mdtdesk.sync.merge import Context, Merged, merge_table
from mdtdesk.sync.wire import AUDIT_FIELDS, ORDER, SPECS, BadValue, utc_time

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Imported:
    path: Path
    peer: str
    sequence: int
    outcome: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    duplicates: int = 0
    audit_rows: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Checked:
    role: str
    peer: SyncPeer
    manifest: dict[str, Any]
    sequence: int
    warnings: list[str]
    figures: Impact | None = None  # a practice's impact counts, checked


def _refuse(store: OpenStore, path: Path, digest: str, peer: str, exc: SyncRefused) -> None:
    with store.session() as s, s.begin():
        status.record_file(
            s,
            store,
            direction="import",
            peer=peer,
            path=path,
            digest=digest,
            outcome="refused",
            summary={"problems": exc.problems[:50]},
            message=str(exc),
        )
        audit.log(
            s,
            "import",
            entity="sync_file",
            outcome="refused",
            file=path.name,
            reason=str(exc),
            problems=len(exc.problems),
        )


def _number(manifest: dict[str, Any], *path: str) -> int:
    value: Any = manifest
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, bool) or not isinstance(value, int):
        raise SyncRefused(f"its manifest has no valid {'.'.join(path)}")
    return value


def _part(manifest: dict[str, Any], key: str) -> dict[str, Any]:
    value = manifest.get(key)
    return value if isinstance(value, dict) else {}


def _check_manifest(
    store: OpenStore,
    role: str,
    peers: dict[str, SyncPeer],
    m: dict[str, Any],
    body: bytes,
    signature: bytes,
) -> _Checked:
    """Everything the manifest says, checked before any of the payload is read."""
    if _number(m, "format") > fileformat.FORMAT:
        raise SyncRefused(
            f"it was written in sync format {m['format']}, newer than this app reads "
            f"({fileformat.FORMAT}): update mdtdesk"
        )
    if m["format"] < fileformat.FORMAT:
        raise SyncRefused(
            f"it was written in sync format {m['format']} by an older mdtdesk: update "
            "the sending app and export again"
        )
    sender = _part(m, "sender")
    peer = peers.get(str(sender.get("node")))
    if peer is None:
        name = sender.get("name")
        raise SyncRefused(
            f"it is signed by a device that is not enrolled here "
            f"({name[:100] if isinstance(name, str) else 'unnamed'!r}); "
            "import its enrolment file first"
        )
    try:
        keys.public_key(peer.signing_key).verify(signature, body)
    except (InvalidSignature, ValueError):
        raise SyncRefused(
            f"its signature is not {peer.name}'s: the file was changed after it was signed"
        ) from None
    schema = m.get("schema")
    if not isinstance(schema, str) or schema not in migrate.known_revisions():
        raise SyncRefused(
            f"it was written by a newer mdtdesk (schema {str(schema)[:40]}; this app knows "
            f"up to {migrate.head_revision()}): update mdtdesk"
        )
    if m.get("recipient") != store.node_id:
        raise SyncRefused("it is addressed to another store")
    wanted = "changes" if role == "hub" else "update"
    if m.get("kind") != wanted:
        raise SyncRefused(f"it is a {str(m.get('kind'))[:40]} file; a {role} takes {wanted} files")
    sequence = _number(m, "sequence")
    for key in ("to", "from"):
        _number(m, "changes", key)
    for key in ("sequence", "changes", "audit"):
        _number(m, "receipt", key)
    warnings = []
    if sequence > peer.in_seq + 1:
        warnings.append(
            f"files {peer.in_seq + 1} to {sequence - 1} from {peer.name} never arrived here; "
            "this one carries everything they did, so it was applied"
        )
    elif peer.in_hash and m.get("previous_file") != peer.in_hash:
        warnings.append(
            f"this file does not follow on from the last one taken from {peer.name} "
            "(was their store restored from a backup?)"
        )
    figures = None
    if role == "hub" and "impact" in m:
        try:
            figures = pooling.from_counts(m["impact"])
        except pooling.BadFigures as exc:
            raise SyncRefused(f"its impact report figures are not valid: {exc}") from None
    return _Checked(role, peer, m, sequence, warnings, figures)


def _audit_rows(payload: Payload, peer: SyncPeer) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    expected_seq, prev = peer.audit_seq + 1, peer.audit_head or audit.GENESIS
    for item in payload.audit:
        if len(item) != len(AUDIT_FIELDS) or not isinstance(item[0], int):
            payload.problems.append(f"audit row {item[:1]}: is not an audit row")
            continue
        seq = item[0]
        if seq < expected_seq:
            continue  # already taken in from an earlier file
        fields = dict(zip(AUDIT_FIELDS, item, strict=True))
        try:
            fields["at"] = utc_time(fields["at"])
        except BadValue as exc:
            payload.problems.append(f"audit row {seq}: at: {exc}")
            continue
        event = AuditEvent(**{k: v for k, v in fields.items() if k != "hash"})
        if event.device != peer.node_id or audit.row_hash(event) != fields["hash"]:
            payload.problems.append(f"audit row {seq}: does not match its hash")
            continue
        if seq != expected_seq or event.prev_hash != prev:
            payload.problems.append(f"audit row {seq}: does not follow the chain held here")
            continue
        rows.append(fields)
        expected_seq, prev = seq + 1, item[11]
    return rows


def import_file(store: OpenStore, path: Path, progress: Progress | None = None) -> Imported:
    """Take in one sync file; SyncRefused (with nothing changed) when it cannot be."""
    try:
        digest = fileformat.file_hash(path)
    except OSError as exc:
        raise SyncRefused(f"{path} cannot be read: {exc.strerror}") from None
    with store.session() as s, s.begin():
        identity = str(keys.device_keys(s).identity)
        role = keys.role(s)
        peers = {p.node_id: p for p in s.execute(select(SyncPeer)).scalars()}
    collector = Collector()
    sender = "unknown sender"
    found: list[_Checked] = []

    def authenticate(manifest: dict[str, Any], body: bytes, signature: bytes) -> None:
        found.append(_check_manifest(store, role, peers, manifest, body, signature))

    try:
        try:
            fileformat.read(path, identity, authenticate, collector)
            checked = found[0]
            sender = checked.peer.name
            if checked.sequence <= checked.peer.in_seq or digest == checked.peer.in_hash:
                return _already(store, path, digest, checked)
            payload = collector.payload
            with store.session() as s:
                check_references(s, payload)
            audit_rows = _audit_rows(payload, checked.peer)
        except (SyncRefused, StoreBusy):
            raise
        except Exception as exc:
            if for_people(exc) is not None:
                raise
            # A file no check foresaw must still be refused and recorded, and must not
            # stop the files after it; what went wrong goes to the log.
            log_unexpected(exc, "reading a sync file")
            raise SyncRefused("it could not be read (an unexpected fault, see the log)") from exc
        if payload.problems:
            raise SyncRefused(
                f"{len(payload.problems)} record(s) in it are not valid; nothing was taken in",
                payload.problems,
            )
        return _apply(store, path, digest, checked, payload, audit_rows, progress)
    except SyncRefused as exc:
        _refuse(store, path, digest, sender, exc)
        raise SyncRefused(f"{path.name} was refused: {exc}", exc.problems) from None


def _already(store: OpenStore, path: Path, digest: str, checked: _Checked) -> Imported:
    with store.session() as s, s.begin():
        status.record_file(
            s,
            store,
            direction="import",
            peer=checked.peer.name,
            path=path,
            digest=digest,
            outcome="already imported",
            sequence=checked.sequence,
            message=f"file {checked.sequence} from {checked.peer.name} was taken in before",
        )
        audit.log(
            s,
            "import",
            entity="sync_file",
            outcome="already imported",
            file=path.name,
            sequence=checked.sequence,
        )
    return Imported(path, checked.peer.name, checked.sequence, "already imported")


def _apply(
    store: OpenStore,
    path: Path,
    digest: str,
    checked: _Checked,
    payload: Payload,
    audit_rows: list[dict[str, Any]],
    progress: Progress | None,
) -> Imported:
    total = payload.records
    with store.session() as s, s.begin():
        peer = s.get(SyncPeer, checked.peer.node_id)
        assert peer is not None
        hub = checked.role == "hub"
        seq, _ = writes.change_stamp(s)
        if payload.newest_clock:
            writes.observe_clock(s, payload.newest_clock)
        names = {p.node_id: p.name for p in s.execute(select(SyncPeer)).scalars()}
        names[store.node_id] = f"{store.practice().name} (here)"
        ctx = Context(
            change_seq=seq,
            sender=peer.node_id,
            peer_names=names,
            home=peer.ods_code if hub else None,
            now=store.clock.now(),
        )
        merged, done = Merged(), 0
        for name in ORDER:
            rows = payload.tables.get(name, [])
            merge_table(s, SPECS[name], rows, ctx, merged)
            done += len(rows)
            if progress is not None:
                progress(done, total)
        if audit_rows:
            s.execute(insert(RemoteAuditEvent), audit_rows)
            peer.audit_seq, peer.audit_head = audit_rows[-1]["seq"], audit_rows[-1]["hash"]
        found = duplicates.detect(s, merged.nhs_numbers, ctx.now) if hub else 0
        if checked.figures is not None:
            _keep_figures(s, peer, checked, ctx.now)
        _advance(peer, checked, digest, store)
        summary = {
            "added": merged.added,
            "updated": merged.updated,
            "unchanged": merged.unchanged,
            "conflicts": merged.conflicts,
            "duplicates": found,
            "audit_rows": len(audit_rows),
            "warnings": checked.warnings,
        }
        status.record_file(
            s,
            store,
            direction="import",
            peer=peer.name,
            path=path,
            digest=digest,
            outcome="applied",
            sequence=checked.sequence,
            summary=summary,
            message="; ".join(checked.warnings),
        )
        counts = {k: v for k, v in summary.items() if k != "warnings"}
        audit.log(
            s,
            "import",
            entity="sync_file",
            outcome="applied",
            file=path.name,
            peer=peer.name,
            sequence=checked.sequence,
            counts=counts,
        )
    store.checkpoint()
    return Imported(
        path,
        checked.peer.name,
        checked.sequence,
        "applied",
        merged.added,
        merged.updated,
        merged.unchanged,
        merged.conflicts,
        found,
        len(audit_rows),
        checked.warnings,
    )


def _keep_figures(s: Session, peer: SyncPeer, checked: _Checked, now: datetime) -> None:
    """The practice's newest figures (by their report date) replace what the hub held."""
    assert checked.figures is not None
    held = s.get(PracticeFigures, peer.ods_code)
    if held is not None and json.loads(held.figures)["as_of"] > checked.manifest["impact"]["as_of"]:
        return
    if held is None:
        held = PracticeFigures(ods_code=peer.ods_code)
        s.add(held)
    held.practice, held.device, held.received_at = peer.name, peer.node_id, now
    held.figures = json.dumps(checked.manifest["impact"], sort_keys=True)


def _advance(peer: SyncPeer, checked: _Checked, digest: str, store: OpenStore) -> None:
    m = checked.manifest
    if checked.sequence > peer.in_seq + 1:
        gaps = json.loads(peer.in_gaps or "[]")
        gaps.append([peer.in_seq + 1, checked.sequence - 1])
        peer.in_gaps = json.dumps(gaps)
    peer.in_seq, peer.in_hash = checked.sequence, digest
    peer.in_changes = max(peer.in_changes, m["changes"]["to"])
    peer.last_in_at = store.clock.now()
    peer.acked_changes = max(peer.acked_changes, m["receipt"]["changes"])
    peer.acked_audit = max(peer.acked_audit, m["receipt"]["audit"])
    withheld = json.loads(peer.withheld or "{}")
    # A patient sent in full after consent changed stays listed until that file is
    # acknowledged, so a lost file does not lose the release.
    kept = {
        k: v
        for k, v in withheld.items()
        if not isinstance(v, int) or v == 0 or v > peer.acked_changes
    }
    if kept != withheld:
        peer.withheld = json.dumps(kept, sort_keys=True)
