"""Meeting benchmarks: the agenda proposal, and the agenda and minutes PDFs.

Target (performance brief):
  agenda proposal, 1,000-patient caseload                           <= 100 ms
Growth is shown at 250, 1,000 and 4,000 patients. The PDFs have no target of their
own here (the care-plan PDF target belongs to the care-plan issue); they are shown
so a slow paper is noticed.

    python bench/bench_meetings.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from mdtdesk.clock import FixedClock
from mdtdesk.demo.generator import populate
from mdtdesk.meetings import agenda, rules, running, schedule
from mdtdesk.printing import meeting_papers
from mdtdesk.store import lifecycle
from mdtdesk.store.keyfile import KdfCost

CLOCK = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
SCALES = (250, 1000, 4000)
RUNS = 15


def median_ms(fn: object, runs: int = RUNS) -> float:
    assert callable(fn)
    fn()  # warm the page cache and SQLAlchemy's statement cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    print(f"{'patients':>9} {'proposed':>9} {'proposal':>10}   target")
    figures: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for patients in SCALES:
            folder = Path(tmp) / str(patients)
            store = lifecycle.create_store(
                folder, ods_code="Y99999", practice_name="Bench Surgery", user="Bench Mark",
                profession="GP", passphrase="benchmark passphrase", clock=CLOCK,
                kdf_cost=KdfCost(0),
            ).store  # fmt: skip
            populate(store, patients=patients, seed=1)
            coming = next(m for m in schedule.list_meetings(store) if m.state == "planned")
            found = rules.propose(store, coming.id)
            figures[patients] = median_ms(lambda s=store, m=coming.id: rules.propose(s, m))
            target = "<= 100 ms" if patients == 1000 else ""
            print(f"{patients:>9,} {len(found):>9,} {figures[patients]:>8.1f} ms   {target}")
            if patients == 1000:
                agenda.add(store, coming.id, [(p.patient_id, p.reason) for p in found[:12]])
                running.begin(store, coming.id)
                for row in agenda.agenda(store, coming.id)[:9]:
                    running.record(store, row.id, outcome="continue", notes="Discussed. " * 20)
                papers = {
                    "agenda PDF, 12 cases": lambda s=store, m=coming.id: meeting_papers.paper(
                        s, m, "agenda"
                    ),
                    "minutes PDF, 12 cases": lambda s=store, m=coming.id: meeting_papers.paper(
                        s, m, "minutes"
                    ),
                    "outcome summaries, 9": lambda s=store, m=coming.id: meeting_papers.summaries(
                        s, m
                    ),
                }
                paper_ms = {name: median_ms(fn, 5) for name, fn in papers.items()}
            store.close()
    growth = figures[4000] / figures[250]
    print(f"growth 250 -> 4,000 patients (16x): x{growth:.1f}")
    for name, ms in paper_ms.items():
        print(f"{name:<24} {ms:8.1f} ms")
    print(f"\nagenda proposal, 1,000 patients: {figures[1000]:.1f} ms (target <= 100 ms)")


if __name__ == "__main__":
    main()
