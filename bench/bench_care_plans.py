"""Care plan PDF benchmarks against the performance brief: one 3-page plan <= 150 ms,
a batch of 50 plans <= 5 s. Each is built from the store (read, lay out, render), as
the Print button does; the floor is the same pages with the plans already read, so
the difference is the store's share.

    python bench/bench_care_plans.py
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from mdtdesk.careplan.printable import read_many
from mdtdesk.clock import FixedClock
from mdtdesk.demo.generator import populate
from mdtdesk.printing import care_plans
from mdtdesk.store import lifecycle
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.models import CarePlan

CLOCK = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


def median_ms(fn: Callable[[], object], runs: int = 9) -> float:
    fn()  # warm the fonts, the page cache and SQLAlchemy's statement cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = lifecycle.create_store(
            Path(tmp) / "store", ods_code="Y99999", practice_name="Bench Surgery",
            user="Bench Mark", profession="GP", passphrase="benchmark passphrase",
            clock=CLOCK, kdf_cost=KdfCost(0),
        ).store  # fmt: skip
        populate(store, patients=1000, seed=1)
        with store.session() as s:
            planned = list(
                s.execute(
                    select(CarePlan.patient_id).where(CarePlan.status == "agreed").distinct()
                ).scalars()
            )
        batch = planned[:50]
        # The plan whose professional copy runs longest stands for "a 3-page plan".
        one = max(batch[:20], key=lambda p: pages(care_plans.paper(store, p, "professional").pdf))
        rows: list[tuple[str, float, str, str]] = []
        for copy, large in (("patient", True), ("professional", False), ("patient", False)):
            made = care_plans.paper(store, one, copy, large)
            label = f"one plan, {copy}{' large print' if large else ''}"
            ms = median_ms(lambda c=copy, lg=large: care_plans.paper(store, one, c, lg))
            rows.append((label, ms, f"{pages(made.pdf)} pages", "<= 150 ms"))
        made = care_plans.batch(store, batch, "patient")
        ms = median_ms(lambda: care_plans.batch(store, batch, "patient"), 3)
        rows.append(("batch of 50, person's", ms, f"{pages(made.pdf)} pages", "<= 5000 ms"))
        ms = median_ms(lambda: care_plans.batch(store, batch, "professional"), 3)
        rows.append(("batch of 50, professional", ms, "", "<= 5000 ms"))
        plans, _ = read_many(store, batch)
        floor = median_ms(
            lambda: care_plans.plans_pdf(plans, "patient", False, CLOCK.now(), "Bench Mark"), 3
        )
        rows.append(("  floor: 50 already read", floor, "", "(layout and render only)"))
        store.close()
    for label, ms, size, target in rows:
        print(f"{label:30}{ms:>9.1f} ms  {size:>10}   {target}")


if __name__ == "__main__":
    main()
