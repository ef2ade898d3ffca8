"""`mdtdesk check`: SQLCipher page integrity, SQLite structure, and the audit chain."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

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


def check_store(store: OpenStore) -> CheckReport:
    with store.engine.connect() as conn:
        cipher = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA cipher_integrity_check")]
        integrity = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check")]
    with store.session() as s:
        events = list(s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars())
    problems = audit.verify(events)
    return CheckReport(
        cipher_problems=cipher,
        integrity_problems=[] if integrity == ["ok"] else integrity,
        audit_problems=problems,
        audit_rows=len(events),
    )
