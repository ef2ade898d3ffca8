"""Backup and restore: time to back up an open store (snapshot, write, verify) and to
restore it (check the file, build, open, check the store), at 1x, 4x and 16x (625,
2,500 and 10,000 demo patients).

Target (issue 19): backup and restore of a 10,000-patient store in 5 s or less each.
The floor is a plain copy of the store's database file (what any backup must at least
read and write), in the same run. Median of 3 runs.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from mdtdesk.clock import FixedClock
from mdtdesk.demo.generator import populate
from mdtdesk.store import backup, lifecycle
from mdtdesk.store.keyfile import KdfCost

PASSPHRASE = "benchmark passphrase"
USER = "Bench Mark"
SCALES = (625, 2500, 10_000)
RUNS = 3
TARGET_S = 5.0


def main() -> int:
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=UTC))
    print(f"backup and restore (target <= {TARGET_S:.0f} s each at 10,000 patients)")
    print(f"{'patients':>9} {'MB':>6} {'backup s':>9} {'restore s':>10} {'floor s':>8} "
          f"{'ratios':>11}")  # fmt: skip
    verdicts = []
    for patients in SCALES:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            store = lifecycle.create_store(
                folder / "store", ods_code="Y99999", practice_name="Bench", user=USER,
                profession="GP", passphrase=PASSPHRASE, clock=clock,
                kdf_cost=KdfCost(target_seconds=0),
            ).store  # fmt: skip
            populate(store, patients=patients, seed=1)
            backups, restores, floors = [], [], []
            for run in range(RUNS):
                out = folder / "b.mdtbackup"
                start = time.perf_counter()
                backup.backup(store, out)
                backups.append(time.perf_counter() - start)
                start = time.perf_counter()
                backup.restore(out, folder / f"r{run}", clock, user=USER, passphrase=PASSPHRASE)
                restores.append(time.perf_counter() - start)
                start = time.perf_counter()
                shutil.copyfile(store.paths.db, folder / "plain.db")
                floors.append(time.perf_counter() - start)
            size = out.stat().st_size / 1e6
            store.close()
        b, r, f = (statistics.median(x) for x in (backups, restores, floors))
        print(f"{patients:>9,} {size:>6.1f} {b:>9.2f} {r:>10.2f} {f:>8.3f} "
              f"{b / f:>5.0f}/{r / f:<5.0f}")  # fmt: skip
        if patients == SCALES[-1]:
            verdicts = [("backup", b), ("restore", r)]
    for what, took in verdicts:
        verdict = "meets" if took <= TARGET_S else "MISSES"
        print(f"{what} at 10,000: {took:.2f} s against {TARGET_S:.0f} s: {verdict} the target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
