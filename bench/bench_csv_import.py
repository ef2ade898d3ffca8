"""Caseload CSV import: time and peak memory at 6,250, 25,000 and 100,000 rows.

Targets (issue 16): 100,000 rows in under 60 s, peak RSS <= 500 MB, memory flat with
file size. The floor is the plainest way to do the same: csv.reader over the file and
one executemany of the rows into a SQLCipher table, in the same run. Each scale runs
in its own process so its peak RSS is its own; the median of 3 runs is shown.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from mdtdesk import nhs_number

SCALES = (6_250, 25_000, 100_000)
RUNS = 3

CHILD = """
import json, resource, sys, time
from datetime import UTC, datetime
from pathlib import Path
from mdtdesk.caseload.csv_import import import_caseload
from mdtdesk.clock import FixedClock
from mdtdesk.store import lifecycle
from mdtdesk.store.keyfile import KdfCost
folder, csv_path = Path(sys.argv[1]), Path(sys.argv[2])
store = lifecycle.create_store(folder, ods_code="Y99999", practice_name="Bench", user="Bench",
    profession="GP", passphrase="benchmark passphrase 1",
    clock=FixedClock(datetime(2026, 12, 3, tzinfo=UTC)), kdf_cost=KdfCost(target_seconds=0)).store
start = time.perf_counter()
result = import_caseload(store, csv_path)
took = time.perf_counter() - start
store.close()
print(json.dumps({"s": took, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "created": result.created}))
"""

FLOOR = """
import csv, json, os, sys, time
import sqlcipher3
start = time.perf_counter()
conn = sqlcipher3.connect(sys.argv[1])
conn.execute("PRAGMA key = \\"x'" + "11" * 32 + "'\\"")
conn.execute("CREATE TABLE p (a, b, c, d, e, f, g)")
with open(sys.argv[2], newline="", encoding="utf-8") as f:
    rows = csv.reader(f)
    next(rows)
    conn.executemany("INSERT INTO p VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
conn.commit()
print(json.dumps({"s": time.perf_counter() - start}))
"""


def write_csv(path: Path, rows: int) -> None:
    numbers = nhs_number.synthetic_numbers()
    with open(path, "w", encoding="utf-8") as f:
        f.write("nhs_number,family_name,given_name,date_of_birth,sex,postcode,conditions\n")
        for i in range(rows):
            f.write(f"{next(numbers)},Family{i},Given{i},1940-01-01,F,NR1 3AB,COPD; Frailty\n")


def run(code: str, *args: str) -> dict[str, float]:
    env = {**os.environ, "MDTDESK_KDF_SECONDS": "0"}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=env, check=True)  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        os.environ.setdefault("MDTDESK_DEVICE_DIR", str(base / "device"))
        for rows in SCALES:
            csv_path = base / f"c{rows}.csv"
            write_csv(csv_path, rows)
            times, rss, floors = [], [], []
            for n in range(RUNS):
                got = run(CHILD, str(base / f"s{rows}-{n}"), str(csv_path))
                assert got["created"] == rows
                times.append(got["s"])
                rss.append(got["rss"])
                floors.append(run(FLOOR, str(base / f"f{rows}-{n}.db"), str(csv_path))["s"])
            t, f = statistics.median(times), statistics.median(floors)
            mb = csv_path.stat().st_size / 1e6
            print(
                f"caseload import {rows:>7,} rows ({mb:5.1f} MB): {t:6.2f} s "
                f"(target < 60 s at 100,000), peak RSS {statistics.median(rss):5.0f} MB "
                f"(target <= 500 MB), floor {f:5.2f} s, ratio {t / f:5.1f}x"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
