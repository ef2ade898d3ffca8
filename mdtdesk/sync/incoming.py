"""Reading and checking the payload of a sync file, line by line, before anything is
written. Every problem is kept (line, table, record, field and what is wrong), so a
refused file can be mended in one go rather than one error at a time.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.store import hlc
from mdtdesk.sync.wire import SPECS, BadValue, TableSpec, utc_time

AUDIT_TABLE = "audit_event"
_WITHHELD_ENTRY = f"{hlc.WITHHELD}|{hlc.WITHHELD}"
_CLOCK = r"\d{15}\.\d{6}\.[^|.]{1,36}"
_ENTRY = re.compile(rf"(?:{_CLOCK}\|(?:{_CLOCK})?|\|)")
_CREATED = re.compile(_CLOCK)


def _check_clocks(raw: Any, spec: TableSpec) -> str | None:
    """The newest clock in a record's clocks, or None when they are not valid."""
    if not isinstance(raw, dict):
        return None
    created = raw.get("*")
    if not isinstance(created, str) or not _CREATED.fullmatch(created):
        return None
    newest = created
    for name, entry in raw.items():
        if name == "*":
            continue
        if name not in spec.field_set or not isinstance(entry, str) or not _ENTRY.fullmatch(entry):
            return None
        clock = entry[: entry.index("|")]
        if clock > newest:
            newest = clock
    return newest


_MAX_PROBLEMS = 1000


@dataclass(slots=True)
class Row:
    line: int
    id: str
    created_at: datetime
    updated_by: str | None
    values: list[Any]
    clocks_raw: dict[str, str]
    newest: str

    @property
    def clocks(self) -> hlc.Clocks:
        return hlc.Clocks.from_raw(self.clocks_raw)

    def clocks_text(self) -> str:
        return json.dumps(self.clocks_raw, separators=(",", ":"), sort_keys=True)


@dataclass
class Payload:
    tables: dict[str, list[Row]] = field(default_factory=dict)
    audit: list[list[Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    newest_clock: str = ""

    @property
    def records(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


class Collector:
    """Takes payload lines as they are decrypted; fills a Payload."""

    def __init__(self) -> None:
        self.payload = Payload()
        self.line = 0
        self.spec: TableSpec | None = None
        self.in_audit = False
        self.positions: list[int] = []
        self.missing: list[str] = []
        self.seen: set[tuple[str, str]] = set()

    def problem(self, text: str) -> None:
        if len(self.payload.problems) < _MAX_PROBLEMS:
            self.payload.problems.append(f"line {self.line}: {text}")

    def __call__(self, raw: bytes) -> None:
        self.line += 1
        try:
            item = json.loads(raw)
        except (ValueError, RecursionError):
            self.problem("is not JSON (or is nested too deeply)")
            return
        if isinstance(item, dict):
            self._header(item)
        elif isinstance(item, list):
            if self.in_audit:
                self.payload.audit.append(item)
            elif self.spec is None:
                self.problem("a record comes before any table header")
            else:
                self._row(self.spec, item)
        else:
            self.problem("is neither a table header nor a record")

    def _header(self, item: dict[str, Any]) -> None:
        name, fields = item.get("t"), item.get("f")
        self.spec, self.in_audit = None, False
        if name == AUDIT_TABLE:
            self.in_audit = True
            return
        if not isinstance(name, str) or name not in SPECS or not isinstance(fields, list):
            self.problem(f"unknown table {name!r}")
            return
        spec = SPECS[name]
        unknown = [f for f in fields if f not in spec.fields]
        if unknown:
            self.problem(f"table {name} has fields this app does not know: {unknown}")
            return
        self.spec = spec
        self.positions = [fields.index(f) if f in fields else -1 for f in spec.fields]
        self.missing = [f for f in spec.fields if f not in fields]
        self.payload.tables.setdefault(name, [])

    def _row(self, spec: TableSpec, item: list[Any]) -> None:
        width = 4 + sum(1 for p in self.positions if p >= 0)
        if len(item) != width:
            self.problem(f"{spec.name} record has {len(item)} items, expected {width}")
            return
        record_id = item[0]
        where = f"{spec.name} {record_id}"
        if not isinstance(record_id, str) or not 0 < len(record_id) <= 36:
            self.problem(f"{spec.name} record has no valid id")
            return
        if (spec.name, record_id) in self.seen:
            self.problem(f"{where} appears twice")
            return
        self.seen.add((spec.name, record_id))
        try:
            created = utc_time(item[1])
        except BadValue as exc:
            self.problem(f"{where}, created_at: {exc}")
            return
        by = item[2]
        if by is not None and not (isinstance(by, str) and len(by) <= 200):
            self.problem(f"{where}, updated_by: is not a name")
            return
        raw = item[-1]
        newest = _check_clocks(raw, spec)
        if newest is None:
            self.problem(f"{where}, clocks: not valid clocks")
            return
        for name in self.missing:
            raw[name] = _WITHHELD_ENTRY
        values: list[Any] = []
        ok = True
        for i, name in enumerate(spec.fields):
            position = self.positions[i]
            value = None if position < 0 else item[3 + position]
            if value is None:
                if spec.required[i] and raw.get(name, raw["*"]) != _WITHHELD_ENTRY:
                    self.problem(f"{where}, {name}: is empty")
                    ok = False
                values.append(None)
                continue
            try:
                values.append(spec.converters[i](value))
            except BadValue as exc:
                self.problem(f"{where}, {name}: {exc}")
                ok = False
        if ok:
            if newest > self.payload.newest_clock:
                self.payload.newest_clock = newest
            self.payload.tables[spec.name].append(
                Row(self.line, record_id, created, by, values, raw, newest)
            )


def check_references(session: Session, payload: Payload) -> None:
    """Every reference must name a record in the file or already in the store."""
    in_file = {name: {r.id for r in rows} for name, rows in payload.tables.items()}
    wanted: dict[str, dict[str, tuple[int, str, str]]] = defaultdict(dict)
    for name, rows in payload.tables.items():
        spec = SPECS[name]
        for column, target in spec.references.items():
            index = spec.fields.index(column)
            known = in_file.get(target, set())
            for row in rows:
                ref = row.values[index]
                if ref is not None and ref not in known:
                    wanted[target].setdefault(ref, (row.line, f"{name} {row.id}", column))
    for target, refs in wanted.items():
        table = SPECS[target].model.__table__
        ids = list(refs)
        found: set[str] = set()
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            found.update(session.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars())
        for ref in ids:
            if ref not in found and len(payload.problems) < _MAX_PROBLEMS:
                line, where, column = refs[ref]
                payload.problems.append(
                    f"line {line}: {where}, {column}: refers to {target} {ref}, which is "
                    "neither in this file nor in this store"
                )
