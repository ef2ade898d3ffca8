"""The one write path: every change to the store passes through here.

Sessions made by the store carry the acting user, this device's node id and a clock.
At each flush the write path stamps ids, times and the node on every record, turns
record changes into audit rows and chains them. Hard deletes are refused (records
are tombstoned), and bulk ORM statements are refused unless they come through
`bulk_insert`, so neither sync change capture nor the audit log can be skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from mdtdesk.store import audit
from mdtdesk.store.ids import new_id
from mdtdesk.store.models import AuditEvent, Record, StoreMeta

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


def _forget_head(session: Session) -> None:
    session.info.pop("audit_head", None)


def _before_commit(session: Session) -> None:
    # A flush of a clean session never reaches before_flush, so audit rows queued by a
    # view or a bulk insert are chained here; the commit's own flush then writes them.
    audit.write_queued(session)


def _changed_fields(obj: Record) -> list[str]:
    state = inspect(obj)
    skip = {"updated_at", "node_id"}
    return sorted(
        attr.key for attr in state.attrs if attr.key not in skip and attr.history.has_changes()
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
    for obj in list(session.new):
        if isinstance(obj, AuditEvent) and not obj.chained:
            raise WritePathError("audit rows are added with audit.log(), never directly")
        if isinstance(obj, Record):
            if obj.id is None:
                obj.id = new_id()
            obj.created_at = now
            obj.updated_at = now
            obj.node_id = node_id
            if obj.deleted is None:
                obj.deleted = False
            audit.log(session, "create", entity=obj.__tablename__, record_id=obj.id)
    for obj in list(session.dirty):
        if isinstance(obj, AuditEvent):
            raise WritePathError("audit rows are never changed")
        if not isinstance(obj, Record) or not session.is_modified(obj):
            continue
        fields = _changed_fields(obj)
        obj.updated_at = now
        obj.node_id = node_id
        action = "delete" if "deleted" in fields and obj.deleted else "update"
        audit.log(session, action, entity=obj.__tablename__, record_id=obj.id, fields=fields)
    audit.write_queued(session)


def _guard_bulk(state: ORMExecuteState) -> None:
    if state.is_select or state.execution_options.get(_BULK_OPTION):
        return
    if state.is_insert or state.is_update or state.is_delete:
        targets = {m.class_ for m in state.all_mappers}
        if targets <= {StoreMeta}:
            return
        raise WritePathError("bulk statements must go through writes.bulk_insert")


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
    now = session.info["clock"].now()
    node_id: str = session.info["node_id"]
    stamped: list[dict[str, Any]] = []
    for row in rows:
        full = dict(row)
        full.setdefault("id", new_id())
        full["created_at"] = now
        full["updated_at"] = now
        full["node_id"] = node_id
        full.setdefault("deleted", False)
        stamped.append(full)
    session.execute(insert(model).execution_options(**{_BULK_OPTION: True}), stamped)
    audit.log(session, "create", entity=model.__tablename__, count=len(stamped), **audit_detail)
    return [r["id"] for r in stamped]
