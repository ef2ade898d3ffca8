"""`make torture`: kill -9 every write command at random moments, and feed a hub a
corpus of damaged and forged sync files.

    python -m tests.torture.run --kills 220 --mutants 320      (what `make torture` runs)
    python -m tests.torture.run --kills 10 --mutants 0         (CI's small count)

A kill trial copies a prepared folder, starts the command, kills it with SIGKILL after
a random part of the time an undisturbed run takes, then opens the store as its next
user would. The outcome is consistent when the store opens, passes `check` (pages,
structure, audit chain), and holds exactly what it held before or exactly what an
undisturbed run leaves (counts per table); for a removal, the person removed is still
listed or can no longer open the store. Prints a line per kind and exits 1 on any
inconsistent outcome.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from mdtdesk import nhs_number
from mdtdesk.careplan.content import from_json
from mdtdesk.clock import FixedClock
from mdtdesk.store import access, errors, lifecycle
from mdtdesk.store.check import check_store
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.layout import StorePaths
from mdtdesk.store.models import RECORD_MODELS, CarePlan
from mdtdesk.sync import keys
from mdtdesk.sync.export import export_for_hub, export_for_practice
from mdtdesk.sync.importing import import_file
from tests.helpers import PASSPHRASE, USER
from tests.sync_helpers import enrol_both, make_hub, make_practice
from tests.torture import sync_mutants

CLOCK = FixedClock(datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
HUB_USER = "Hub Lead"
BEA, BEA_PASSPHRASE = "Bea Jones", "bea's own passphrase"

SAVE_PLAN = """
import sys
from pathlib import Path
from mdtdesk.clock import SystemClock
from mdtdesk.careplan import versions
from mdtdesk.careplan.content import PlanContent
from mdtdesk.store import lifecycle
from mdtdesk.store.models import Patient
from sqlalchemy import select
store = lifecycle.open_store(Path(sys.argv[1]), user=sys.argv[2], passphrase=sys.argv[3],
                             clock=SystemClock(), purpose="command")
with store.session() as s:
    ids = s.execute(select(Patient.id).order_by(Patient.id).limit(40)).scalars().all()
for n, pid in enumerate(ids):
    draft = versions.start_draft(store, pid)
    versions.save_draft(store, draft.id, PlanContent(what_matters=f"Staying at home {n}"), None)
store.close()
"""


@dataclass
class Kind:
    name: str
    store: str  # the folder (inside a trial) whose store is checked
    user: str
    command: Callable[[Path], list[str]]


def _counts(folder: Path, user: str) -> dict[str, int]:
    store = lifecycle.open_store(folder, user=user, passphrase=PASSPHRASE, clock=CLOCK)
    try:
        with store.session() as s:
            out = {
                m.__tablename__: s.execute(select(func.count()).select_from(m)).scalar_one()
                for m in RECORD_MODELS
            }
        report = check_store(store)
        if not report.ok:
            raise AssertionError(f"check failed: {report}")
        return out
    finally:
        store.close()


def _plans_whole(folder: Path, user: str) -> None:
    """Each care-plan save is its own transaction: any number may be done, each whole."""
    store = lifecycle.open_store(folder, user=user, passphrase=PASSPHRASE, clock=CLOCK)
    try:
        with store.session() as s:
            for content in s.execute(select(CarePlan.content)).scalars():
                from_json(content)  # raises on a half-written plan
    finally:
        store.close()


def prepare(base: Path, csv_rows: int = 4000) -> tuple[Path, list[Kind]]:
    """One template folder holding every store and input file the kinds need."""
    t = base / "template"
    hub = make_hub(t / "hub", CLOCK)
    practice = make_practice(t / "practice", CLOCK, "A81001", patients=400)
    enrol_both(hub, practice)
    export_for_hub(practice, t / "p1.mdtsync")
    # Merge trials start from the hub as it was before it took the practice's file.
    hub.close()
    shutil.copytree(t / "hub", t / "hub-fresh")
    hub = lifecycle.open_store(t / "hub", user=HUB_USER, passphrase=PASSPHRASE, clock=CLOCK)
    import_file(hub, t / "p1.mdtsync")
    export_for_practice(hub, "A81001", t / "h1.mdtsync")
    hub.close()
    shutil.rmtree(t / "hub")
    (t / "hub-fresh").rename(t / "hub")
    access.add_member(practice, name=BEA, profession="Nurse", passphrase=BEA_PASSPHRASE,
                      kdf_cost=KdfCost(target_seconds=0))  # fmt: skip
    practice.close()
    rows = ["nhs_number,family_name,given_name,date_of_birth,sex,postcode"]
    numbers = iter(nhs_number.synthetic_numbers(50_000))
    rows += [f"{next(numbers)},Family{i},Given{i},1940-01-01,F,NR1 3AB" for i in range(csv_rows)]
    (t / "big.csv").write_text("\n".join(rows) + "\n")
    cli = [sys.executable, "-m", "mdtdesk"]
    kinds = [
        Kind("caseload import", "practice", USER,
             lambda f: [*cli, "caseload", "import", "--store", str(f / "practice"),
                        str(f / "big.csv")]),
        Kind("hub merge", "hub", HUB_USER,
             lambda f: [*cli, "hub", "merge", "--store", str(f / "hub"), str(f / "p1.mdtsync")]),
        Kind("sync import", "practice", USER,
             lambda f: [*cli, "sync", "import", "--store", str(f / "practice"),
                        str(f / "h1.mdtsync")]),
        Kind("re-key (passphrase remove)", "practice", USER,
             lambda f: [*cli, "passphrase", "remove", "--store", str(f / "practice"),
                        "--name", BEA, "--user", USER]),
        Kind("care-plan save", "practice", USER,
             lambda f: [sys.executable, "-c", SAVE_PLAN, str(f / "practice"), USER, PASSPHRASE]),
    ]  # fmt: skip
    return t, kinds


def _env(kind: Kind) -> dict[str, str]:
    return {**os.environ, "MDTDESK_KDF_SECONDS": "0", "MDTDESK_PASSPHRASE": PASSPHRASE,
            "MDTDESK_USER": kind.user}  # fmt: skip


def _bea_hidden_and_able(folder: Path) -> bool:
    kf = lifecycle.read_keyfile(StorePaths(folder))
    if BEA in kf.users():
        return False
    for copy in (folder / "keys.json", folder / "keys.json.bak"):
        trial = folder.parent / "bea-trial"
        shutil.rmtree(trial, ignore_errors=True)
        shutil.copytree(folder, trial)
        shutil.copyfile(copy, trial / "keys.json")
        try:
            lifecycle.open_store(trial, user=BEA, passphrase=BEA_PASSPHRASE, clock=CLOCK).close()
            return True
        except errors.StoreError:
            continue
    return False


def kill_trials(base: Path, count: int, seed: int, csv_rows: int = 4000) -> int:
    template, kinds = prepare(base, csv_rows)
    rng = random.Random(seed)
    bad = 0
    for k, kind in enumerate(kinds):
        trial = base / "undisturbed"
        shutil.rmtree(trial, ignore_errors=True)
        shutil.copytree(template, trial)
        before = _counts(trial / kind.store, kind.user)
        started = time.monotonic()
        subprocess.run(kind.command(trial), env=_env(kind), check=True, capture_output=True)
        took = time.monotonic() - started
        after = _counts(trial / kind.store, kind.user)
        n = count // len(kinds) + (1 if k < count % len(kinds) else 0)
        outcomes = {"before": 0, "after": 0}
        for _ in range(n):
            trial = base / "trial"
            shutil.rmtree(trial, ignore_errors=True)
            shutil.copytree(template, trial)
            child = subprocess.Popen(
                kind.command(trial), env=_env(kind),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            time.sleep(rng.uniform(0.2, 1.1) * took)
            child.send_signal(signal.SIGKILL)
            child.wait()
            try:
                now = _counts(trial / kind.store, kind.user)
                if kind.name == "care-plan save":
                    _plans_whole(trial / kind.store, kind.user)
                    now = before if now == before else after
                if now == before:
                    outcomes["before"] += 1
                elif now == after:
                    outcomes["after"] += 1
                else:
                    raise AssertionError(f"half-done: {now} (before {before}, after {after})")
                if kind.name.startswith("re-key") and _bea_hidden_and_able(trial / kind.store):
                    raise AssertionError("the removed person is hidden but can still open it")
            except Exception as exc:  # every failure is a finding to print
                bad += 1
                print(f"  INCONSISTENT {kind.name}: {type(exc).__name__}: {exc}")
        print(f"{kind.name:<28} {n:>4} kills (a run takes {took:.1f} s): "
              f"{outcomes['before']} as before, {outcomes['after']} as after")  # fmt: skip
    return bad


MUTANT_READER = """
import json, resource, sys, time
from pathlib import Path
from mdtdesk.clock import SystemClock
from mdtdesk.store import lifecycle
from mdtdesk.sync.fileformat import SyncRefused
from mdtdesk.sync.importing import import_file
hub = lifecycle.open_store(Path(sys.argv[1]), user=sys.argv[2], passphrase=sys.argv[3],
                           clock=SystemClock(), purpose="command")
for path in sys.argv[4:]:
    start = time.perf_counter()
    try:
        import_file(hub, Path(path))
        verdict = "ACCEPTED"
    except SyncRefused:
        verdict = "refused"
    took = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"file": Path(path).name, "verdict": verdict, "s": took, "peak_mb": rss}),
          flush=True)
"""


def mutant_trials(base: Path, count: int, seed: int) -> int:
    hub = make_hub(base / "m-hub", CLOCK)
    practice = make_practice(base / "m-practice", CLOCK, "A81001", patients=20)
    enrol_both(hub, practice)
    good = export_for_hub(practice, base / "good.mdtsync").path
    with practice.session() as s, s.begin():
        sign = keys.device_keys(s).sign
    with hub.session() as s, s.begin():
        identity = str(keys.device_keys(s).identity)
    hub.close()
    practice.close()
    built = time.monotonic()
    src = sync_mutants.open_source(good, identity, sign)
    mutants = sync_mutants.build(src, base / "corpus", count, seed, big=True)
    print(f"built {len(mutants)} mutants in {time.monotonic() - built:.0f} s")
    run = subprocess.run(
        [sys.executable, "-c", MUTANT_READER, str(base / "m-hub"), HUB_USER, PASSPHRASE,
         *(str(m.path) for m in mutants)],
        capture_output=True, text=True, env={**os.environ, "MDTDESK_KDF_SECONDS": "0"},
    )  # fmt: skip
    results = [json.loads(line) for line in run.stdout.splitlines()]
    kinds = {m.path.name: m.kind for m in mutants}
    accepted = [r for r in results if r["verdict"] != "refused"]
    slow = [r for r in results if r["s"] >= 10]
    times = sorted(r["s"] for r in results)
    peak = max((r["peak_mb"] for r in results), default=0)
    by_kind: dict[str, int] = {}
    for r in results:
        by_kind[kinds[r["file"]]] = by_kind.get(kinds[r["file"]], 0) + 1
    print(f"mutants: {len(results)}/{len(mutants)} read, {len(results) - len(accepted)} refused "
          f"(target 100 %), slowest {times[-1] if times else 0:.2f} s (target < 10 s), "
          f"median {times[len(times) // 2] if times else 0:.3f} s, "
          f"peak RSS {peak:.0f} MB (target ≤ 500 MB)")  # fmt: skip
    print("  by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())))
    if run.returncode != 0:
        print(run.stderr[-2000:])
    failures = len(accepted) + len(slow) + (peak > 500) + (len(results) != len(mutants))
    for r in accepted + slow:
        print(f"  FAILED {r}")
    return int(failures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=220)
    parser.add_argument("--mutants", type=int, default=320)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    os.environ.setdefault("MDTDESK_DEVICE_DIR", tempfile.mkdtemp(prefix="mdtdesk-device-"))
    bad = 0
    with tempfile.TemporaryDirectory(prefix="mdtdesk-torture-") as folder:
        base = Path(folder)
        if args.kills:
            bad += kill_trials(base, args.kills, args.seed)
        if args.mutants:
            bad += mutant_trials(base, args.mutants, args.seed)
    print("torture: " + ("0 inconsistent outcomes" if not bad else f"{bad} FAILURES"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
