"""Desktop benchmarks: search per keystroke, opening a record, unlock to first page, memory.

Targets (performance brief), at 10,000 patients:
  caseload search/filter per keystroke          <= 16 ms (one frame)
  open a patient record (20 years of history)   <= 100 ms
  unlock (KDF excluded) to first caseload page  <= 300 ms
  GUI memory with the caseload open             <= 350 MB RSS
Keystrokes are also timed at 625 and 2,500 patients to show growth, beside a floor:
the plainest substring scan over the same prepared strings.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_store import SCALES, USER, build, unwrap_key
from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QTableView

from mdtdesk.caseload.filtering import CaseloadQuery, normalise_search
from mdtdesk.caseload.rows import caseload_rows
from mdtdesk.clock import FixedClock
from mdtdesk.patients.record import load_record
from mdtdesk.store import lifecycle, writes
from mdtdesk.store.audit import Actor
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.layout import StorePaths
from mdtdesk.store.models import (
    Action,
    AgendaItem,
    CarePlan,
    ContactLogEntry,
    HospitalEvent,
    Meeting,
    Outcome,
)
from mdtdesk.ui.caseload.caseload_model import CaseloadModel
from mdtdesk.ui.shell.main_window import MainWindow
from mdtdesk.ui.widgets.worker import StoreWorker

CLOCK = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
TYPED = ("abbott", "999 001 2", "nr2", "ann")


def keystrokes(app: QApplication, folder: Path) -> tuple[list[float], float]:
    """Per-keystroke times (set the query, let the shown view repaint) and the floor."""
    kf, key, _ = unwrap_key(folder)
    store = lifecycle._open_with_keys(  # the part after the KDF
        StorePaths(folder), {kf.generation: key}, Actor(None, USER), CLOCK, "bench", 0.0
    )
    rows = caseload_rows(store)
    store.close()
    model = CaseloadModel()
    view = QTableView()
    view.setModel(model)
    view.resize(1200, 700)
    view.show()
    model.set_rows(rows, date(2026, 11, 23), None)
    app.processEvents()
    times: list[float] = []
    floors: list[float] = []
    strings = [
        f"{r.family_name} {r.given_name} {r.nhs_number} {r.postcode}".casefold() for r in rows
    ]
    for word in TYPED:
        for end in range(1, len(word) + 1):
            text = word[:end]
            start = time.perf_counter()
            model.set_query(CaseloadQuery(search=text))
            app.processEvents()
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            needle = normalise_search(text)
            kept = [i for i, s in enumerate(strings) if needle in s]
            floors.append(time.perf_counter() - start)
            assert model.rowCount() >= 0 and kept is not None
        model.set_query(CaseloadQuery(search="", status="active", review="overdue"))
        app.processEvents()
    view.close()
    return times, statistics.median(floors)


def add_history(folder: Path) -> str:
    """Twenty years of weekly contacts, meetings, actions and admissions for one patient."""
    kf, key, _ = unwrap_key(folder)
    store = lifecycle._open_with_keys(
        StorePaths(folder), {kf.generation: key}, Actor(None, USER), CLOCK, "bench", 0.0
    )
    patient_id = caseload_rows(store)[0].patient_id
    start = datetime(2006, 11, 23, 10, 0, tzinfo=UTC)
    weeks = [start + timedelta(weeks=w) for w in range(52 * 20)]
    with store.session() as s, s.begin():
        contacts = [
            {"patient_id": patient_id, "at": at, "kind": "phone", "notes": "Weekly call"}
            for at in weeks
        ]
        writes.bulk_insert(s, ContactLogEntry, contacts)
        meetings = writes.bulk_insert(
            s, Meeting, [{"starts_at": at, "place": "Surgery"} for at in weeks[::4]]
        )
        items = writes.bulk_insert(
            s,
            AgendaItem,
            [
                {"meeting_id": m, "patient_id": patient_id, "position": 1, "reason": "Review"}
                for m in meetings
            ],
        )
        writes.bulk_insert(
            s,
            Outcome,
            [
                {"agenda_item_id": i, "patient_id": patient_id, "outcome": "plan_changed"}
                for i in items
            ],
        )
        writes.bulk_insert(
            s,
            Action,
            [
                {
                    "patient_id": patient_id,
                    "description": "Follow up",
                    "meeting_id": m,
                    "status": "done",
                }
                for m in meetings + meetings
            ],
        )
        writes.bulk_insert(
            s,
            HospitalEvent,
            [
                {"patient_id": patient_id, "kind": "admission", "started_on": at.date()}
                for at in weeks[::13]
            ],
        )
        writes.bulk_insert(
            s,
            CarePlan,
            [{"patient_id": patient_id, "version": v, "status": "agreed"} for v in range(40)],
        )
    store.close()
    return patient_id


def open_record(folder: Path, patient_id: str) -> tuple[float, int]:
    kf, key, _ = unwrap_key(folder)
    store = lifecycle._open_with_keys(
        StorePaths(folder), {kf.generation: key}, Actor(None, USER), CLOCK, "bench", 0.0
    )
    times = []
    for _ in range(7):
        start = time.perf_counter()
        record = load_record(store, patient_id)
        times.append(time.perf_counter() - start)
    store.close()
    return statistics.median(times), len(record.timeline)


def wait_for(ready: Callable[[], bool]) -> float:
    """When ready() first held, polled from an event loop (a busy loop would hold the
    GIL the store thread needs)."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(lambda: ready() and loop.quit())
    timer.start()
    if not ready():
        loop.exec()
    timer.stop()
    return time.perf_counter()


def gui_figures(folder: str) -> None:
    """Run in a fresh process: unlock (KDF excluded) to first page, to the whole caseload,
    then memory."""
    app = QApplication(sys.argv)
    path = Path(folder)
    kf, key, _ = unwrap_key(path)
    settings = QSettings(str(path / "bench-settings.ini"), QSettings.Format.IniFormat)
    worker = StoreWorker()
    window = MainWindow(path, kf.users(), CLOCK, worker, KdfCost(0), settings)
    window.show()
    # The locked window's warm-up runs while a user types the passphrase (seconds).
    while worker.busy():
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()
    start = time.perf_counter()
    store = lifecycle._open_with_keys(
        StorePaths(path), {kf.generation: key}, Actor(None, USER), CLOCK, "bench", 0.0
    )
    window.enter(store)
    assert window.workspace is not None
    # Wait in an event loop, not a busy loop: spinning here would hold the GIL the
    # store thread needs.
    caseload = window.workspace.caseload
    loop = QEventLoop()
    caseload.first_page.connect(loop.quit)
    loop.exec()
    app.processEvents()  # paint the first page
    first_page = time.perf_counter() - start
    whole = QEventLoop()
    caseload.loaded.connect(whole.quit)
    if not caseload.whole:
        whole.exec()
    app.processEvents()
    all_in = time.perf_counter() - start
    overview = window.workspace.overview  # the page the app opens on
    counts_at = wait_for(lambda: overview.figures is not None) - start
    impact_at = wait_for(lambda: overview.impact is not None) - start
    view = window.workspace.open_patient(window.workspace.caseload.model.row_at(0).patient_id)
    while view is not None and view.record is None:
        app.processEvents()
    rss = next(
        int(line.split()[1])
        for line in Path("/proc/self/status").read_text().splitlines()
        if line.startswith("VmRSS:")
    )
    print(
        f"{counts_at * 1000:.0f} {impact_at * 1000:.0f} "
        f"{first_page * 1000:.0f} {all_in * 1000:.0f} {rss / 1024:.0f}"
    )
    window.close()


def main() -> None:
    app = QApplication(sys.argv)
    results: dict[int, tuple[float, float, float]] = {}
    print(f"{'patients':>9} {'key median ms':>14} {'key max ms':>11} {'floor ms':>9} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in SCALES:
            folder = Path(tmp) / f"s{n}"
            build(folder, n, CLOCK)
            times, floor = keystrokes(app, folder)
            med, worst = statistics.median(times), max(times)
            results[n] = (med, worst, floor)
            print(
                f"{n:>9} {med * 1000:>14.2f} {worst * 1000:>11.2f} {floor * 1000:>9.2f} "
                f"{med / floor:>6.1f}"
            )
        big = Path(tmp) / f"s{SCALES[-1]}"
        patient_id = add_history(big)
        opened, entries = open_record(big, patient_id)
        out = subprocess.run(
            [sys.executable, __file__, "--gui", str(big)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    med, worst, _ = results[SCALES[-1]]
    print(
        f"\nSearch per keystroke, 10,000 patients: median {med * 1000:.1f} ms, "
        f"worst {worst * 1000:.1f} ms (target <= 16 ms)"
    )
    print(
        f"Growth 1x -> 16x: x{results[SCALES[-1]][0] / results[SCALES[0]][0]:.1f} "
        "(linear would be x16)"
    )
    print(
        f"Open a record with 20 years of history ({entries} timeline entries), "
        f"10,000 patients: {opened * 1000:.0f} ms (target <= 100 ms)"
    )
    print(
        f"Unlock (KDF excluded) to first caseload page, 10,000 patients: {out[-3]} ms "
        f"(target <= 300 ms); the whole caseload in and searchable: {out[-2]} ms"
    )
    print(f"GUI memory with the caseload and one record open: {out[-1]} MB RSS (target <= 350 MB)")
    print(
        f"The overview (the page the app opens on), 10,000 patients: its counts in "
        f"{out[-5]} ms, the impact headline and chart in {out[-4]} ms from unlock; the "
        f"caseload's first page above is read first (target: no delay to it, <= 300 ms)"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--gui":
        gui_figures(sys.argv[2])
    else:
        main()
