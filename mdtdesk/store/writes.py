"""The one write path: every change to the store passes through here.

Sessions made by the store carry the acting user, this device's node id and a clock.
At each flush the write path stamps ids, times and the node on every record, gives
every changed field a hybrid logical clock and the record this transaction's change
number (what sync exports are chosen by), turns record changes into audit rows and
chains them. Hard deletes are refused (records
are tombstoned), and bulk ORM statements are refused unless they come through
`bulk_insert`, so neither sync change capture nor the audit log can be skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, bindparam, event, insert, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from mdtdesk.store import audit, hlc, limits
from mdtdesk.store.ids import new_id
from mdtdesk.store.models import (
    SYNC_META,
    AuditEvent,
    Record,
    RegisterEvent,
    RegisterPerson,
    StoreMeta,
)
from mdtdesk.store.sync_tables import SYNC_TABLES

_BULK_OPTION = "mdtdesk_write_path"


class WritePathError(RuntimeError):
    """Code tried to change the store around the write path (a programming error)."""


def install(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "do_orm_execute", _guard_bulk)
    event.listen(factory, "before_commit", _before_commit)
    event.listen(factory, "after_commit", _forget_head)
    event.listen(factory, "after_soft_rollback", _drop_queue)


def _drop_queue(session: Session, previous_transaction: Any) -> None:
    session.info.pop("audit_queue", None)
    session.info.pop("audit_head", None)
    session.info.pop("change", None)


def _forget_head(session: Session) -> None:
    session.info.pop("audit_head", None)
    session.info.pop("change", None)


def _meta(session: Session, key: str, value: str) -> None:
    done = session.execute(update(StoreMeta).where(StoreMeta.key == key).values(value=value))
    if getattr(done, "rowcount", 1) == 0:
        session.execute(insert(StoreMeta).values(key=key, value=value))


def change_stamp(session: Session) -> tuple[int, str]:
    """This transaction's (change number, clock): one of each per transaction.

    The first call in a transaction takes the next change number and ticks the store's
    hybrid logical clock; both are kept in store_meta, in the same transaction.
    """
    stamp: tuple[int, str] | None = session.info.get("change")
    if stamp is not None:
        return stamp
    with session.no_autoflush:
        meta = dict(
            session.execute(
                select(StoreMeta.key, StoreMeta.value).where(
                    StoreMeta.key.in_(("change_seq", "hlc"))
                )
            ).all()
        )
    seq = int(meta.get("change_seq", "0")) + 1
    now_ms = int(session.info["clock"].now().timestamp() * 1000)
    clock = hlc.tick(meta.get("hlc"), now_ms, session.info["node_id"])
    _meta(session, "change_seq", str(seq))
    _meta(session, "hlc", clock)
    session.info["change"] = (seq, clock)
    return seq, clock


def observe_clock(session: Session, seen: str) -> None:
    """Move this store's clock past `seen` (a clock read from a sync file)."""
    seq, clock = change_stamp(session)
    newest = max(clock, seen)
    if newest != clock:
        _meta(session, "hlc", newest)
        session.info["change"] = (seq, newest)


def _before_commit(session: Session) -> None:
    # A flush of a clean session never reaches before_flush, so audit rows queued by a
    # view or a bulk insert are chained here; the commit's own flush then writes them.
    audit.write_queued(session)


def _changed_fields(obj: Record) -> list[str]:
    state = inspect(obj)
    return sorted(
        attr.key for attr in state.attrs if attr.key not in SYNC_META and attr.history.has_changes()
    )


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    if "actor" not in session.info:
        raise WritePathError("a store session needs an acting user before it can write")
    now = session.info["clock"].now()
    node_id: str = session.info["node_id"]
    for obj in session.deleted:
        if isinstance(obj, Record | AuditEvent):
            raise WritePathError(
                f"{type(obj).__name__} rows are never deleted: set deleted=True (a tombstone)"
            )
    who: str = session.info["actor"].name
    for obj in session.new:
        _check_text(obj, all_fields=True)
    for obj in session.dirty:
        _check_text(obj, all_fields=False)
    for obj in list(session.new):
        if isinstance(obj, AuditEvent) and not obj.chained:
            raise WritePathError("audit rows are added with audit.log(), never directly")
        if isinstance(obj, Record):
            seq, clock = change_stamp(session)
            if obj.id is None:
                obj.id = new_id()
            obj.created_at = now
            obj.updated_at = now
            obj.node_id = node_id
            if obj.deleted is None:
                obj.deleted = False
            obj.clocks = hlc.Clocks(clock).dumps()
            obj.sync_seq, obj.sync_from, obj.updated_by = seq, None, who
            audit.log(session, "create", entity=obj.__tablename__, record_id=obj.id)
    for obj in list(session.dirty):
        if isinstance(obj, AuditEvent):
            raise WritePathError("audit rows are never changed")
        if not isinstance(obj, Record) or not session.is_modified(obj):
            continue
        fields = _changed_fields(obj)
        if not fields:
            continue
        seq, clock = change_stamp(session)
        clocks = hlc.Clocks.loads(obj.clocks)
        clocks.wrote(fields, clock, node_id)
        obj.clocks = clocks.dumps()
        obj.sync_seq, obj.sync_from, obj.updated_by = seq, None, who
        obj.updated_at = now
        obj.node_id = node_id
        action = "delete" if "deleted" in fields and obj.deleted else "update"
        audit.log(session, action, entity=obj.__tablename__, record_id=obj.id, fields=fields)
    audit.write_queued(session)


def _check_text(obj: Any, all_fields: bool) -> None:
    table = getattr(obj, "__table__", None)
    if not isinstance(table, Table):
        return
    state = inspect(obj)
    values = {
        attr.key: attr.value for attr in state.attrs if all_fields or attr.history.has_changes()
    }
    limits.check_values(table, values)


def _guard_bulk(state: ORMExecuteState) -> None:
    if state.is_select or state.execution_options.get(_BULK_OPTION):
        return
    if state.is_insert or state.is_update or state.is_delete:
        # A Core statement on a Table has no mappers: it is judged by its table, so
        # `update(Patient.__table__)` cannot slip past as "touching nothing".
        table = getattr(state.statement, "table", None)
        if state.all_mappers:
            free = all(m.class_ in _FREE for m in state.all_mappers)
        else:
            free = isinstance(table, Table) and table.name in _FREE_TABLES
        if free:
            return
        raise WritePathError("bulk statements must go through writes.bulk_insert")


# Local tables that are written in bulk by their own module (which audits the import):
# sync bookkeeping, and the risk register, which never syncs.
_FREE = frozenset({StoreMeta, RegisterPerson, RegisterEvent, *SYNC_TABLES})
_FREE_TABLES = frozenset(m.__tablename__ for m in _FREE)


def bulk_insert(
    session: Session,
    model: type[Record],
    rows: Sequence[dict[str, Any]],
    **audit_detail: Any,
) -> list[str]:
    """Insert many new records at once, stamped like any other; one audit row for all.

    Returns the ids in the order of rows (ids already in a row are kept).
    """
    if not rows:
        return []
    table = model.__table__
    assert isinstance(table, Table)
    now = session.info["clock"].now()
    node_id: str = session.info["node_id"]
    seq, clock = change_stamp(session)
    clocks = hlc.Clocks(clock).dumps()
    who: str = session.info["actor"].name
    stamped: list[dict[str, Any]] = []
    for row in rows:
        full = dict(row)
        full.setdefault("id", new_id())
        # Demo data may say when a record was first made; the change is stamped now.
        full.setdefault("created_at", now)
        full["updated_at"] = now
        full["node_id"] = node_id
        full.setdefault("deleted", False)
        full.update(clocks=clocks, sync_seq=seq, sync_from=None, updated_by=who)
        limits.check_values(table, full)
        stamped.append(full)
    session.execute(insert(model).execution_options(**{_BULK_OPTION: True}), stamped)
    audit.log(session, "create", entity=model.__tablename__, count=len(stamped), **audit_detail)
    return [r["id"] for r in stamped]


def apply_merged(
    session: Session,
    model: type[Record],
    inserts: Sequence[dict[str, Any]],
    updates: Sequence[dict[str, Any]],
) -> None:
    """Write records merged in from a sync file.

    The merge has already given each row its clocks and this transaction's change
    number (`change_stamp`); the import's own audit row says what came in. Rows go
    straight to the connection as one executemany per kind: a hub merges millions.
    """
    table = model.__table__
    assert isinstance(table, Table)
    connection = session.connection()
    if inserts:
        connection.execute(table.insert(), inserts)
    if updates:
        # SET takes every other key of the rows; the id goes under another name.
        keyed = [{("_id" if k == "id" else k): v for k, v in row.items()} for row in updates]
        connection.execute(update(table).where(table.c.id == bindparam("_id")), keyed)
