"""Hybrid logical clocks and the per-field clocks every synced record carries.

A clock reads "<ms:15>.<counter:6>.<node id>": fixed widths, so comparing two clock
strings compares (physical ms, counter, node) and the node id breaks ties between
devices. A write that happens after seeing a clock always gets a larger one, because
importing a file moves this device's clock past everything in it.

A record's `clocks` column is JSON: "*" holds the clock the record was created with,
and each field written since then maps to "<clock>|<base>", where base is the clock of
the value that write replaced as seen by the writer. Merge uses the base to tell an
edit made on top of the other side's value (no conflict) from a concurrent one.
A field held back from a sync file (consent declined) travels with the clock "":
older than any real write, so it never overwrites a value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

WITHHELD = ""
_MS_WIDTH = 15
_COUNTER_WIDTH = 6


def make(ms: int, counter: int, node: str) -> str:
    return f"{ms:0{_MS_WIDTH}d}.{counter:0{_COUNTER_WIDTH}d}.{node}"


def split(clock: str) -> tuple[int, int, str]:
    ms, counter, node = clock.split(".", 2)
    return int(ms), int(counter), node


def node_of(clock: str) -> str:
    return clock.split(".", 2)[2] if clock else ""


def tick(last: str | None, now_ms: int, node: str) -> str:
    """The next clock on this device: wall time if it moved on, else last + 1."""
    if not last:
        return make(now_ms, 0, node)
    ms, counter, _ = split(last)
    if now_ms > ms:
        return make(now_ms, 0, node)
    return make(ms, counter + 1, node)


@dataclass(frozen=True)
class FieldClock:
    clock: str
    base: str


class Clocks:
    """A record's per-field clocks, read from and written back to its JSON column."""

    __slots__ = ("created", "fields")

    def __init__(self, created: str, fields: dict[str, FieldClock] | None = None) -> None:
        self.created = created
        self.fields: dict[str, FieldClock] = fields or {}

    @classmethod
    def loads(cls, text: str) -> Clocks:
        return cls.from_raw(json.loads(text))

    @classmethod
    def from_raw(cls, raw: object) -> Clocks:
        if not isinstance(raw, dict) or not isinstance(raw.get("*"), str):
            raise ValueError("clocks need a '*' entry")
        fields: dict[str, FieldClock] = {}
        for name, entry in raw.items():
            if name == "*":
                continue
            if not isinstance(entry, str):
                raise ValueError(f"clock for {name} is not text")
            clock, _, base = entry.partition("|")
            fields[name] = FieldClock(clock, base)
        return cls(raw["*"], fields)

    def dumps(self) -> str:
        out: dict[str, str] = {"*": self.created}
        for name in sorted(self.fields):
            entry = self.fields[name]
            out[name] = f"{entry.clock}|{entry.base}"
        return json.dumps(out, separators=(",", ":"))

    def of(self, name: str) -> FieldClock:
        return self.fields.get(name) or FieldClock(self.created, WITHHELD)

    def wrote(self, names: list[str], clock: str, node: str) -> None:
        """Record a local write of `names` at `clock` by `node`."""
        for name in names:
            before = self.of(name)
            # A run of edits on one device keeps the base it started from, so a later
            # copy of that base arriving from elsewhere is recognised as already seen.
            base = before.base if node_of(before.clock) == node else before.clock
            self.fields[name] = FieldClock(clock, base)

    def newest(self) -> str:
        return max((self.created, *(e.clock for e in self.fields.values())))
