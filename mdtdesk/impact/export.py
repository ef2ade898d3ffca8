"""The impact report as CSV: one row per practice and group, the columns of
`pooling.HEADER`. A practice's own file is exact; a hub's is under disclosure control."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from mdtdesk.fields import neutralise
from mdtdesk.impact.pooling import HEADER, Entry, table_rows
from mdtdesk.store import atomic, audit
from mdtdesk.store.opened import OpenStore


def save_figures_csv(store: OpenStore, entries: list[Entry], out: Path, suppress: bool) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in table_rows(entries, suppress):
        writer.writerow(neutralise(cell) for cell in row)
    with store.session() as s, s.begin():
        audit.log(s, "export", entity="impact", file=out.name, rows=len(entries),
                  suppressed=suppress)  # fmt: skip
        atomic.write_bytes(out, buffer.getvalue().encode("utf-8-sig"))
    return out
