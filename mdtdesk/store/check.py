"""`mdtdesk check`: SQLCipher page integrity, SQLite structure, and the audit chain."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from mdtdesk.store import audit
from mdtdesk.store.models import AuditEvent
from mdtdesk.store.opened import OpenStore


@dataclass(frozen=True)
class CheckReport:
    cipher_problems: list[str] = field(default_factory=list)
    integrity_problems: list[str] = field(default_factory=list)
    audit_problems: list[audit.ChainProblem] = field(default_factory=list)
    audit_rows: int = 0

    @property
    def ok(self) -> bool:
        return not (self.cipher_problems or self.integrity_problems or self.audit_problems)


def _rows(store: OpenStore, pragma: str) -> tuple[list[str], str | None]:
    try:
        with store.engine.connect() as conn:
            return [str(r[0]) for r in conn.exec_driver_sql(pragma)], None
    except DBAPIError as exc:
        return [], str(exc.orig)[:200]


def check_store(store: OpenStore) -> CheckReport:
    """Every check runs whatever the others find: a damaged store gets a whole report."""
    cipher, stopped = _rows(store, "PRAGMA cipher_integrity_check")
    if stopped:
        cipher.append(f"the page check could not finish: {stopped}")
    integrity, stopped = _rows(store, "PRAGMA integrity_check")
    if stopped:
        integrity = [f"the structure check could not finish: {stopped}"]
    problems: list[audit.ChainProblem] = []
    try:
        with store.session() as s:
            events = list(s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars())
        problems = audit.verify(events)
    except DBAPIError as exc:
        events = []
        problems = [audit.ChainProblem(0, f"the audit log cannot be read: {str(exc.orig)[:200]}")]
    return CheckReport(
        cipher_problems=cipher,
        integrity_problems=[] if integrity == ["ok"] else integrity,
        audit_problems=problems,
        audit_rows=len(events),
    )
