"""Sync benchmarks: full and incremental export, and a hub merging 30 practice files.

Targets (performance brief):
  full export, 1,000 patients with full history (>= 50k records)   <= 3 s
  incremental export, 100 changed records                          <= 200 ms
  hub merge, 30 practice files x 50k records                       <= 60 s,
      peak RSS <= 400 MB, <= 4x the floor (plain executemany of the same rows into
      SQLCipher, measured in the same run)
Growth is shown at 1x, 4x and 16x (62, 250 and 1,000 patients per practice).

    python bench/bench_sync.py            # all scales (several minutes)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlcipher3
from sqlalchemy import select

from mdtdesk.clock import FixedClock
from mdtdesk.demo.generator import populate
from mdtdesk.store import lifecycle, writes
from mdtdesk.store.engine import raw_key_literal
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.models import RECORD_MODELS, ContactLogEntry, Patient, StaffMember
from mdtdesk.store.opened import OpenStore
from mdtdesk.sync import enrol
from mdtdesk.sync.export import export_for_hub, export_for_practice
from mdtdesk.sync.hub import create_hub
from mdtdesk.sync.importing import import_file

PASSPHRASE = "benchmark passphrase"
USER = "Bench Mark"
SCALES = (62, 250, 1000)
PRACTICES = 30
CONTACTS_PER_PATIENT = 40  # a few years of phone calls and visits: "full history"
CLOCK = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


def practice(folder: Path, index: int, patients: int) -> OpenStore:
    store = lifecycle.create_store(
        folder, ods_code=f"P{index:05d}", practice_name=f"Practice {index}", user=USER,
        profession="GP", passphrase=PASSPHRASE, clock=CLOCK, kdf_cost=KdfCost(0),
    ).store  # fmt: skip
    populate(store, patients=patients, seed=index, first_number=index * 2 * patients)
    with store.session() as s, s.begin():
        pids = list(s.execute(select(Patient.id)).scalars())
        staff = list(s.execute(select(StaffMember.id)).scalars())
        rows = [
            {"patient_id": pid, "at": CLOCK.now(), "kind": "phone", "staff_id": staff[i % 5],
             "duration_minutes": 10, "notes": "Spoke with the person and their carer."}
            for pid in pids
            for i in range(CONTACTS_PER_PATIENT)
        ]  # fmt: skip
        writes.bulk_insert(s, ContactLogEntry, rows)
    return store


def hub(folder: Path) -> OpenStore:
    return create_hub(
        folder, name="Bench Hub", user=USER, profession="Coordinator",
        passphrase=PASSPHRASE, clock=CLOCK, kdf_cost=KdfCost(0),
    ).store  # fmt: skip


def enrol_both(h: OpenStore, p: OpenStore) -> None:
    enrol.import_enrolment(p, enrol.own_enrolment(h))
    enrol.import_enrolment(h, enrol.own_enrolment(p))


def timed(fn, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def exports(tmp: Path, patients: int) -> tuple[int, float, float]:
    """(records, full export s, incremental export s) for one practice."""
    h, p = hub(tmp / "xhub"), practice(tmp / "xp", 0, patients)
    enrol_both(h, p)
    full, full_s = timed(export_for_hub, p, tmp / "full.mdtsync")
    import_file(h, full.path)
    import_file(p, export_for_practice(h, p.practice().ods_code, tmp / "receipt.mdtsync").path)
    with p.session() as s, s.begin():
        # 100 changes: a new phone number for some, a contact logged for the others.
        shared = select(Patient).where(Patient.consent_status != "declined").limit(50)
        changed = list(s.execute(shared).scalars())
        for n, row in enumerate(changed):
            row.phone = f"01603 {n:06d}"
        for n in range(100 - len(changed)):
            s.add(ContactLogEntry(patient_id=changed[n % len(changed)].id, at=CLOCK.now(),
                                  kind="visit", notes="Home visit."))  # fmt: skip
    inc, inc_s = timed(export_for_hub, p, tmp / "inc.mdtsync")
    assert inc.records == 100, inc.records
    h.close()
    p.close()
    return full.records, full_s, inc_s


def merge_child(hub_dir: str, files: list[str]) -> None:
    store = lifecycle.open_store(Path(hub_dir), user=USER, passphrase=PASSPHRASE, clock=CLOCK)
    start = time.perf_counter()
    records = sum(import_file(store, Path(f)).added for f in files)
    elapsed = time.perf_counter() - start
    store.close()
    # VmHWM is this process image's own peak; ru_maxrss can carry the parent's peak
    # over fork and exec.
    status = Path("/proc/self/status").read_text()
    rss_mb = int(status.split("VmHWM:")[1].split()[0]) / 1024
    print(json.dumps({"seconds": elapsed, "records": records, "rss_mb": rss_mb}))


def floor(hub_dir: Path, key: bytes, into: Path) -> float:
    """Plain executemany of the hub's merged rows into a fresh SQLCipher store."""
    source = sqlcipher3.connect(str(hub_dir / "store.db"))
    source.execute(f'PRAGMA key = "{raw_key_literal(key)}"')
    rows = {}
    for model in RECORD_MODELS:
        name = model.__tablename__
        rows[name] = source.execute(f"SELECT * FROM {name} WHERE home IS NOT NULL").fetchall()
    source.close()
    target = hub(into)
    target_key = target.db_key
    target.close()
    conn = sqlcipher3.connect(str(into / "store.db"))
    conn.execute(f'PRAGMA key = "{raw_key_literal(target_key)}"')
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    start = time.perf_counter()
    for name, table_rows in rows.items():
        if table_rows:
            marks = ",".join("?" * len(table_rows[0]))
            conn.executemany(f"INSERT INTO {name} VALUES ({marks})", table_rows)
    conn.commit()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def hub_merge(tmp: Path, patients: int) -> dict[str, float]:
    files = []
    h = hub(tmp / "hub")
    for i in range(1, PRACTICES + 1):
        p = practice(tmp / f"p{i}", i, patients)
        enrol_both(h, p)
        files.append(str(export_for_hub(p, tmp / f"p{i}.mdtsync").path))
        p.close()
    key = h.db_key
    h.close()
    child = subprocess.run(
        [sys.executable, __file__, "merge-child", str(tmp / "hub"), *files],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(child.stdout.strip().splitlines()[-1])
    result["floor"] = floor(tmp / "hub", key, tmp / "floor")
    return result


def main() -> None:
    print(
        f"{'patients':>8} {'records':>8} {'full s':>7} {'incr ms':>8} | "
        f"{'merge 30 s':>10} {'records':>9} {'floor s':>8} {'ratio':>6} {'RSS MB':>7}"
    )
    results = {}
    for patients in SCALES:
        with tempfile.TemporaryDirectory() as tmp:
            records, full_s, inc_s = exports(Path(tmp), patients)
            merged = hub_merge(Path(tmp), patients)
        ratio = merged["seconds"] / merged["floor"]
        results[patients] = (records, full_s, inc_s, merged, ratio)
        print(f"{patients:>8} {records:>8} {full_s:>7.2f} {inc_s * 1000:>8.0f} | "
              f"{merged['seconds']:>10.1f} {int(merged['records']):>9} {merged['floor']:>8.1f} "
              f"{ratio:>6.1f} {merged['rss_mb']:>7.0f}", flush=True)  # fmt: skip
    records, full_s, inc_s, merged, ratio = results[1000]
    print(f"\nFull export, 1,000 patients ({records} records): {full_s:.2f} s (target <= 3 s)")
    print(f"Incremental export, 100 changes: {inc_s * 1000:.0f} ms (target <= 200 ms)")
    print(f"Hub merge, {PRACTICES} files x {records} records: {merged['seconds']:.1f} s "
          f"(target <= 60 s); peak RSS {merged['rss_mb']:.0f} MB (target <= 400 MB); "
          f"{ratio:.1f}x the floor of {merged['floor']:.1f} s (target <= 4x)")  # fmt: skip
    small = results[SCALES[0]]
    print(f"Growth 1x -> 16x: full export x{full_s / small[1]:.1f}, merge "
          f"x{merged['seconds'] / small[3]['seconds']:.1f} (linear would be x16)")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "merge-child":
        merge_child(sys.argv[2], sys.argv[3:])
    else:
        main()
