"""Store benchmarks: demo build, key derivation, and unlock-to-caseload-rows.

Targets (performance brief): build a 10,000-patient demo store <= 15 s; open with the
key (excluding the KDF) and load the rows the caseload list needs <= 300 ms. Growth is
shown at 1x, 4x and 16x (625, 2,500, 10,000 patients).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlcipher3

from mdtdesk.caseload.rows import caseload_rows
from mdtdesk.clock import FixedClock
from mdtdesk.demo.generator import populate
from mdtdesk.store import keyfile, lifecycle
from mdtdesk.store.audit import Actor
from mdtdesk.store.engine import raw_key_literal
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.layout import StorePaths

PASSPHRASE = "benchmark passphrase"
USER = "Bench Mark"
SCALES = (625, 2500, 10_000)


def build(folder: Path, patients: int, clock: FixedClock) -> float:
    start = time.perf_counter()
    created = lifecycle.create_store(
        folder,
        ods_code="Y99999",
        practice_name="Bench",
        user=USER,
        profession="GP",
        passphrase=PASSPHRASE,
        clock=clock,
        kdf_cost=KdfCost(0),
    )
    with created.store as store:
        populate(store, patients=patients, seed=1)
    return time.perf_counter() - start


def unwrap_key(folder: Path) -> tuple[keyfile.KeyFile, bytes, float]:
    """The database key from the user's slot, and how long the KDF took."""
    kf = lifecycle.read_keyfile(StorePaths(folder))
    slot = kf.passphrase_slot(USER)
    assert slot is not None
    start = time.perf_counter()
    private = keyfile.open_slot(slot, kf.store_id, keyfile.passphrase_secret(PASSPHRASE))
    kdf = time.perf_counter() - start
    return kf, keyfile.unseal(slot, kf.store_id, private, kf.generation), kdf


def open_and_list(folder: Path, kf: keyfile.KeyFile, key: bytes, clock: FixedClock) -> float:
    start = time.perf_counter()
    # The unlock path after the KDF: engine, key check, migrations check, audit, rows.
    store = lifecycle._open_with_keys(  # timing the part after the KDF
        StorePaths(folder), {kf.generation: key}, Actor(None, USER), clock, "bench", 0.0
    )
    rows = caseload_rows(store)
    elapsed = time.perf_counter() - start
    store.close()
    assert rows
    return elapsed


def floor_list(folder: Path, key: bytes) -> float:
    """Plainest read of the same patients: one SQLCipher connection, one SELECT."""
    start = time.perf_counter()
    conn = sqlcipher3.connect(str(folder / "store.db"))
    conn.execute(f'PRAGMA key = "{raw_key_literal(key)}"')
    rows = conn.execute(
        "SELECT id, nhs_number, family_name, given_name, date_of_birth, postcode,"
        " named_coordinator_id, caseload_status, efi_score, consent_status,"
        " next_review_date FROM patient WHERE deleted = 0"
    ).fetchall()
    conn.close()
    assert rows
    return time.perf_counter() - start


def main() -> None:
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    memory, iterations = KdfCost(0.5).tune()
    print(f"Argon2id tuned for ~0.5 s: {memory // 1024} MiB, {iterations} passes")
    columns = ("patients", "build s", "open+rows ms", "floor ms", "ratio", "KDF floor ms")
    widths = (9, 9, 13, 9, 6, 13)
    print(" ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in SCALES:
            folder = Path(tmp) / f"s{n}"
            built = build(folder, n, clock)
            kf, key, kdf = unwrap_key(folder)
            opens = [open_and_list(folder, kf, key, clock) for _ in range(5)]
            floors = [floor_list(folder, key) for _ in range(5)]
            opened, floor = statistics.median(opens), statistics.median(floors)
            results[n] = (built, opened)
            print(
                f"{n:>9} {built:>9.2f} {opened * 1000:>13.1f} {floor * 1000:>9.1f} "
                f"{opened / floor:>6.1f} {kdf * 1000:>13.0f}"
            )
        tuned = keyfile.KdfParams(salt=b"\0" * 16, memory_kib=memory, iterations=iterations)
        start = time.perf_counter()
        tuned.derive(PASSPHRASE.encode())
        print(f"\nKDF at tuned settings: {time.perf_counter() - start:.2f} s (target ~0.5 s)")
    built, opened = results[10_000]
    print(f"Build 10,000-patient demo store: {built:.1f} s (target <= 15 s)")
    print(
        f"Open with key + caseload rows, 10,000 patients: {opened * 1000:.0f} ms "
        "(target <= 300 ms, KDF excluded)"
    )
    growth_build = results[10_000][0] / results[625][0]
    growth_open = results[10_000][1] / results[625][1]
    print(
        f"Growth 1x -> 16x: build x{growth_build:.1f}, open+rows x{growth_open:.1f} "
        "(linear would be x16)"
    )


if __name__ == "__main__":
    sys.exit(main())
