"""Action benchmarks: the worklist, the coordinators' loads, a status change and the
home-visits PDF, at 625, 2,500 and 10,000 patients (1x, 4x, 16x).

The performance brief names no target for these; the ones below are ours, taken from
its nearest neighbours: the worklist and the loads are read whenever their tab is
shown, so they should fit the budget for opening a record (<= 100 ms at 10,000
patients); a status change is one keystroke (<= 50 ms); the visits list is a paper
like the care plan (<= 150 ms for a few pages; this list grows with the people due,
so compare its time per person too).

    python bench/bench_actions.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from mdtdesk.actions import tracking
from mdtdesk.actions.coordinators import loads
from mdtdesk.actions.worklist import Filter, worklist
from mdtdesk.clock import FixedClock, today
from mdtdesk.demo.generator import populate
from mdtdesk.printing.visits_paper import visits_pdf
from mdtdesk.store import lifecycle
from mdtdesk.store.keyfile import KdfCost

CLOCK = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
SCALES = (625, 2500, 10000)
TARGETS = {
    "worklist, everyone": 100.0,
    "worklist, one owner": 100.0,
    "coordinators' loads": 100.0,
    "status change": 50.0,
    "home-visits PDF": 150.0,
}


def median_ms(fn: Callable[[], object], runs: int = 9) -> float:
    fn()  # warm the page cache and SQLAlchemy's statement cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    figures: dict[int, dict[str, float]] = {}
    sizes: dict[int, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for patients in SCALES:
            folder = Path(tmp) / str(patients)
            store = lifecycle.create_store(
                folder, ods_code="Y99999", practice_name="Bench Surgery", user="Bench Mark",
                profession="GP", passphrase="benchmark passphrase", clock=CLOCK,
                kdf_cost=KdfCost(0),
            ).store  # fmt: skip
            populate(store, patients=patients, seed=1)
            everyone = worklist(store)
            owner = next(i.owner_id for i in everyone.items if i.owner == "Jo Seago")
            assert owner is not None
            mine = worklist(store, Filter(owner_id=owner))
            flip = iter(["in_progress", "open"] * 100)
            target = next(i.id for i in everyone.items if i.status == "open")
            people = visits_pdf(store, owner, today(CLOCK)).count
            sizes[patients] = (
                f"{len(everyone.items):,} open actions, {len(mine.items)} Jo's; "
                f"Jo's visits list has {people} people"
            )
            figures[patients] = {
                "worklist, everyone": median_ms(lambda s=store: worklist(s)),
                "worklist, one owner": median_ms(
                    lambda s=store, o=owner: worklist(s, Filter(owner_id=o))
                ),
                "coordinators' loads": median_ms(lambda s=store: loads(s)),
                "status change": median_ms(
                    lambda s=store, t=target, f=flip: tracking.set_status(s, t, next(f))
                ),
                "home-visits PDF": median_ms(
                    lambda s=store, o=owner: visits_pdf(s, o, today(CLOCK)), 5
                ),
            }
            store.close()
    print(f"{'':22}" + "".join(f"{p:>12,}" for p in SCALES) + "   growth 16x   target")
    for name, target in TARGETS.items():
        row = [figures[p][name] for p in SCALES]
        cells = "".join(f"{ms:>9.1f} ms" for ms in row)
        print(f"{name:22}{cells}   x{row[-1] / row[0]:>5.1f}      <= {target:.0f} ms")
    for p in SCALES:
        print(f"  {p:>6,} patients: {sizes[p]}")


if __name__ == "__main__":
    main()
