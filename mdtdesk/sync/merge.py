"""Merging checked records into the store, field by field.

For each field the value with the newer clock wins, whatever order files arrive in,
so every store that has seen the same files ends up the same. A write made on top of
the other side's value simply replaces it; two writes that did not see each other are
concurrent, and when the field is clinically significant (or one side deleted the
record while the other edited it) a conflict item is opened for a person as well.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.store import hlc, writes
from mdtdesk.store.sync_tables import SyncConflict
from mdtdesk.sync.incoming import Row
from mdtdesk.sync.wire import APPEND_ONLY, SIGNIFICANT, TableSpec

_CHUNK = 900


@dataclass(frozen=True)
class Context:
    change_seq: int
    sender: str
    peer_names: dict[str, str]
    home: str | None
    now: datetime

    def origin(self, clock: str) -> str:
        return self.peer_names.get(hlc.node_of(clock), "elsewhere")


@dataclass
class Merged:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    nhs_numbers: set[str] = field(default_factory=set)


def _json(value: Any) -> str:
    return json.dumps(value, default=str)


def _new_row(spec: TableSpec, row: Row, ctx: Context) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row.id,
        "created_at": row.created_at,
        "updated_at": ctx.now,
        "node_id": hlc.node_of(row.newest),
        "clocks": row.clocks_text(),
        "sync_seq": ctx.change_seq,
        "sync_from": ctx.sender,
        "home": ctx.home,
        "updated_by": row.updated_by,
    }
    for i, name in enumerate(spec.fields):
        value = row.values[i]
        out[name] = spec.defaults[i] if value is None and spec.required[i] else value
    return out


def _merge_existing(
    spec: TableSpec,
    row: Row,
    local: tuple[Any, ...],
    ctx: Context,
    conflicts: list[SyncConflict],
) -> dict[str, Any] | None:
    """The update for one record already in the store, or None when nothing changes."""
    fields = spec.fields
    values = list(local[1 : 1 + len(fields)])
    clocks = hlc.Clocks.loads(local[1 + len(fields)])
    local_by = local[2 + len(fields)]
    local_newest = clocks.newest()
    mine_deleted = clocks.of("deleted")
    incoming = row.clocks
    # Append-only rows (outcomes, contact log) merge field by field but never argue.
    argued = spec.name not in APPEND_ONLY
    significant = SIGNIFICANT.get(spec.name, frozenset()) if argued else frozenset()
    changed = False
    as_sent = True
    took_edit = kept_edit = False
    for i, name in enumerate(fields):
        mine, theirs = clocks.of(name), incoming.of(name)
        if theirs.clock == mine.clock:
            continue
        if theirs.clock == hlc.WITHHELD:
            as_sent = False
            continue
        if mine.clock == hlc.WITHHELD or theirs.base == mine.clock:
            take, concurrent = True, False  # written on top of our value
        elif mine.base == theirs.clock:
            take, concurrent = False, False  # we already wrote on top of theirs
        else:
            take, concurrent = theirs.clock > mine.clock, True
        if concurrent and name in significant and values[i] != row.values[i]:
            ours = (values[i], mine, local_by)
            sent = (row.values[i], theirs, row.updated_by)
            kept, other = (sent, ours) if take else (ours, sent)
            conflicts.append(_conflict(spec, row, name, "field", kept, other, ctx))
        if take:
            values[i] = row.values[i]
            clocks.fields[name] = theirs
            changed = True
            took_edit = took_edit or name != "deleted"
        else:
            as_sent = False
            kept_edit = kept_edit or (name != "deleted" and theirs.clock < mine.clock)
    if not changed:
        return None
    if argued:
        at = fields.index("deleted")
        was, now = bool(local[1 + at]), bool(values[at])
        they_deleted = now and not was
        we_deleted_unseen = was and now and incoming.of("deleted").clock != mine_deleted.clock
        if (they_deleted and kept_edit) or (we_deleted_unseen and took_edit):
            deleter, editor = (
                (row.updated_by, local_by) if they_deleted else (local_by, row.updated_by)
            )
            edit_clock = local_newest if they_deleted else row.newest
            conflicts.append(
                _conflict(
                    spec,
                    row,
                    "deleted",
                    "delete",
                    (True, clocks.of("deleted"), deleter),
                    (False, hlc.FieldClock(edit_clock, ""), editor),
                    ctx,
                )
            )
    out: dict[str, Any] = dict(zip(fields, values, strict=True))
    newest = clocks.newest()
    out.update(
        id=row.id,
        clocks=clocks.dumps(),
        sync_seq=ctx.change_seq,
        sync_from=ctx.sender if as_sent else None,
        updated_at=ctx.now,
        node_id=hlc.node_of(newest),
        updated_by=row.updated_by if row.newest > local_newest else local_by,
    )
    return out


def _conflict(
    spec: TableSpec,
    row: Row,
    name: str,
    kind: str,
    kept: tuple[Any, hlc.FieldClock, str | None],
    other: tuple[Any, hlc.FieldClock, str | None],
    ctx: Context,
) -> SyncConflict:
    patient_id = row.id if spec.name == "patient" else None
    if "patient_id" in spec.fields:
        patient_id = row.values[spec.fields.index("patient_id")]
    return SyncConflict(
        entity=spec.name,
        record_id=row.id,
        patient_id=patient_id,
        field=name,
        kind=kind,
        kept_value=_json(kept[0]),
        kept_clock=kept[1].clock,
        kept_by=kept[2] or "unknown",
        kept_from=ctx.origin(kept[1].clock),
        other_value=_json(other[0]),
        other_clock=other[1].clock,
        other_by=other[2] or "unknown",
        other_from=ctx.origin(other[1].clock),
        opened_at=ctx.now,
    )


def merge_table(
    session: Session, spec: TableSpec, rows: list[Row], ctx: Context, merged: Merged
) -> None:
    table = spec.model.__table__
    columns = [table.c.id, *(table.c[f] for f in spec.fields), table.c.clocks, table.c.updated_by]
    conflicts: list[SyncConflict] = []
    nhs_at = spec.fields.index("nhs_number") if spec.name == "patient" else -1
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        local = {
            r[0]: tuple(r)
            for r in session.execute(
                select(*columns).where(table.c.id.in_([row.id for row in chunk]))
            )
        }
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for row in chunk:
            found = local.get(row.id)
            if found is None:
                inserts.append(_new_row(spec, row, ctx))
            else:
                change = _merge_existing(spec, row, found, ctx, conflicts)
                if change is None:
                    merged.unchanged += 1
                    continue
                updates.append(change)
            if nhs_at >= 0 and row.values[nhs_at] is not None:
                merged.nhs_numbers.add(row.values[nhs_at])
        writes.apply_merged(session, spec.model, inserts, updates)
        merged.added += len(inserts)
        merged.updated += len(updates)
    conflicts = _not_seen_before(session, conflicts)
    merged.conflicts += len(conflicts)
    session.add_all(conflicts)


def _not_seen_before(session: Session, conflicts: list[SyncConflict]) -> list[SyncConflict]:
    """Drop conflicts already opened for the same two writes (a file sent again in a
    later, cumulative file)."""
    if not conflicts:
        return conflicts
    ids = sorted({c.record_id for c in conflicts})
    seen: set[tuple[str, str, frozenset[str]]] = set()
    for start in range(0, len(ids), _CHUNK):
        for old in session.execute(
            select(SyncConflict).where(SyncConflict.record_id.in_(ids[start : start + _CHUNK]))
        ).scalars():
            seen.add((old.record_id, old.field, frozenset((old.kept_clock, old.other_clock))))
    fresh = []
    for c in conflicts:
        key = (c.record_id, c.field, frozenset((c.kept_clock, c.other_clock)))
        if key not in seen:
            seen.add(key)
            fresh.append(c)
    return fresh
