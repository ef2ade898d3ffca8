"""The Sync tab: enrolment, export and import (by dialog or by dropping files), the
result of each file, and the history of every file in and out. A hub also gets its
conflict and duplicate queues and where each practice stands.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.clock import short_time
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.sync_tables import SyncFile
from mdtdesk.sync import enrol, status
from mdtdesk.sync.export import Exported, export_for_hub, export_for_practice
from mdtdesk.sync.fileformat import SyncRefused
from mdtdesk.sync.importing import Imported, import_file
from mdtdesk.ui.sync.backup_panel import BackupPanel
from mdtdesk.ui.sync.sync_queues import ConflictQueue, DuplicateQueue
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.files import open_name, open_names, save_name
from mdtdesk.ui.widgets.look import list_table, problem_label
from mdtdesk.ui.widgets.rows_model import RowsModel
from mdtdesk.ui.widgets.worker import StoreWorker


@dataclass(frozen=True)
class Outcome:
    """What a batch of imports did, file by file."""

    imported: list[Imported]
    refused: list[tuple[Path, SyncRefused]]


def _summary(row: SyncFile) -> str:
    if row.outcome == "refused":
        return row.message
    data = json.loads(row.summary or "{}")
    if row.direction == "export":
        return f"{data.get('records', 0)} records"
    if row.outcome != "applied":
        return row.message
    return (
        f"{data.get('added', 0)} added, {data.get('updated', 0)} updated, "
        f"{data.get('conflicts', 0)} conflicts, {data.get('duplicates', 0)} duplicates"
    )


def describe_import(outcome: Outcome) -> str:
    lines = []
    for r in outcome.imported:
        if r.outcome == "already imported":
            lines.append(f"{r.path.name}: already imported; nothing changed.")
            continue
        lines.append(
            f"{r.path.name} (file {r.sequence} from {r.peer}): {r.added} added, "
            f"{r.updated} updated, {r.conflicts} conflicts, {r.duplicates} duplicates."
        )
        lines += [f"  Warning: {w}." for w in r.warnings]
    for path, exc in outcome.refused:
        lines.append(f"{path.name} was refused: {str(exc).split(': ', 1)[-1]}.")
        lines += [f"  {p}" for p in exc.problems[:20]]
        if len(exc.problems) > 20:
            lines.append(f"  … and {len(exc.problems) - 20} more.")
    return "\n".join(lines)


class SyncView(QWidget):
    status_read = Signal(str)

    def __init__(
        self,
        store: OpenStore,
        worker: StoreWorker,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.worker = worker
        self.report: dict[str, Any] = {}
        self.heading = QLabel("Reading sync status…")
        self.heading.setWordWrap(True)
        self.heading.setAccessibleName("Sync status")
        self.enrol_out = QPushButton("Save our &enrolment file…")
        self.enrol_out.clicked.connect(self.save_enrolment)
        self.enrol_in = QPushButton("Enrol from &their file…")
        self.enrol_in.clicked.connect(self.take_enrolment)
        self.practice_choice = QComboBox()
        self.practice_choice.setAccessibleName("Practice to send an update to")
        # Shown before its practices are read (the Sync tab restored after unlock), it
        # kept the width of an empty list: "Riverside" for "Riverside Medical Practice".
        self.practice_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.export_button = QPushButton("E&xport sync file…")
        self.export_button.clicked.connect(self.export)
        self.import_button = QPushButton("&Import sync files…")
        self.import_button.clicked.connect(self.choose_imports)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Sync progress")
        self.progress.hide()
        self.result = QLabel("Drop .mdtsync files anywhere on this window to import them.")
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Result")
        self.problem = problem_label("Sync problem")
        self.history_model: RowsModel[SyncFile] = RowsModel(
            [
                ("When", lambda row: short_time(row.at)),
                ("Direction", lambda r: "Out" if r.direction == "export" else "In"),
                ("With", lambda r: r.peer),
                ("File no.", lambda r: "" if r.sequence is None else str(r.sequence)),
                ("Outcome", lambda r: r.outcome),
                ("What it held", _summary),
                ("File", lambda r: Path(r.file_name).name),
            ]
        )
        self.history = list_table(self.history_model, "Sync history")
        self.peers_model: RowsModel[dict[str, Any]] = RowsModel(
            [
                ("Practice", lambda p: f"{p['name']} ({p['ods_code']})"),
                ("Last file in", lambda p: _date(p["last_file_in"])),
                ("File no. in", lambda p: str(p["sequence_in"])),
                ("Gaps", lambda p: ", ".join(f"{a} to {b}" for a, b in p["gaps"]) or "none"),
                ("Audit rows", lambda p: str(p["audit_rows"])),
                ("Audit head", lambda p: p["audit_head"][:16] or "—"),
                ("Last update out", lambda p: _date(p["last_file_out"])),
            ]
        )
        self.peers = list_table(self.peers_model, "Practices")

        buttons = QHBoxLayout()
        widgets: tuple[QWidget, ...] = (self.enrol_out, self.enrol_in)
        for w in widgets:
            buttons.addWidget(w)
        buttons.addStretch(1)
        widgets = (self.practice_choice, self.export_button, self.import_button)
        for w in widgets:
            buttons.addWidget(w)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.history, "History")
        # A queue's change is published as SYNC, and refresh() reads both queues again.
        self.conflicts = ConflictQueue(store, worker)
        self.duplicates = DuplicateQueue(store, worker)
        # Every page has a parent from the start (a parentless widget left to Python's
        # garbage collector crashed PySide); the hub-only pages are hidden at a practice.
        self.pages.addTab(self.conflicts, "Conflicts")
        self.pages.addTab(self.duplicates, "Duplicates")
        self.pages.addTab(self.peers, "Practices")
        for page in (2, 3):
            self.pages.setTabVisible(page, False)
        self.backups = BackupPanel(store, worker)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.result)
        layout.addWidget(self.problem)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.backups)
        # Read at once even while hidden (the status bar shows the last sync), but first
        # read by the workspace after the caseload, which must not queue behind it.
        worker.reload_on(self, Change.SYNC, self.refresh)

    # -- status ------------------------------------------------------------------------
    def refresh(self) -> None:
        store = self.store

        def read() -> tuple[dict[str, Any], list[SyncFile]]:
            return status.peer_status(store), status.history(store)

        self.worker.query(read, self._show_status, self._failed)
        self.backups.refresh()

    def _show_status(self, value: tuple[dict[str, Any], list[SyncFile]]) -> None:
        report, history = value
        self.report = report
        hub = report["role"] == "hub"
        peers = report["peers"]
        self.history_model.set_rows(history)
        self.practice_choice.setVisible(hub)
        self.practice_choice.clear()
        for p in peers:
            self.practice_choice.addItem(f"{p['name']} ({p['ods_code']})", p["ods_code"])
        self.export_button.setText("E&xport update for…" if hub else "E&xport for the hub…")
        self.import_button.setText("Mer&ge practice files…" if hub else "&Import from the hub…")
        self.export_button.setEnabled(bool(peers))
        self.import_button.setEnabled(bool(peers))
        self.enrol_in.setText("Enrol a pra&ctice…" if hub else "Enrol with the hu&b…")
        self.enrol_in.setEnabled(hub or not peers)
        # A practice sees conflicts too: a hub change that crossed one made here may
        # reach the practice first, and only the practice then holds both values.
        for page in (2, 3):
            self.pages.setTabVisible(page, hub)
        self.pages.setTabText(1, f"Conflicts ({report['open_conflicts']})")
        self.conflicts.reload()
        if hub:
            self.peers_model.set_rows(peers)
            self.pages.setTabText(2, f"Duplicates ({report['open_duplicates']})")
            self.duplicates.reload()
        self.heading.setText(self._heading(report))
        self.status_read.emit(self.last_sync_text())

    def _heading(self, report: dict[str, Any]) -> str:
        mine = f"Our fingerprint: {report['fingerprint']}"
        peers = report["peers"]
        if report["role"] == "hub":
            return f"{report['name']} — hub for {len(peers)} practice(s). {mine}"
        if not peers:
            return (
                "Not enrolled with a hub yet: save our enrolment file for the hub, and enrol "
                f"with the hub's file. Read the fingerprints to each other by phone. {mine}"
            )
        hub = peers[0]
        return (
            f"Syncs with {hub['name']} (fingerprint {hub['fingerprint']}). Last file out: "
            f"no. {hub['sequence_out']}, {_date(hub['last_file_out'])}; last file in: "
            f"no. {hub['sequence_in']}, {_date(hub['last_file_in'])}. {mine}"
        )

    def last_sync_text(self) -> str:
        peers = self.report.get("peers", [])
        times = [p["last_file_in"] for p in peers if p["last_file_in"]]
        times += [p["last_file_out"] for p in peers if p["last_file_out"]]
        if not peers:
            return "Last sync: not set up yet"
        return f"Last sync: {_date(max(times)) if times else 'never'}"

    def clear(self) -> None:
        """Forget everything shown (the app is locking)."""
        self.history_model.clear()
        self.peers_model.clear()
        self.conflicts.clear()
        self.duplicates.model.clear()
        self.result.setText("")
        self.problem.setText("")
        self.backups.clear()

    # -- enrolment ---------------------------------------------------------------------
    def save_enrolment(self) -> None:
        name = f"{self.store.practice().ods_code}-enrolment.json"
        path = save_name(
            self, "enrolment", "Save our enrolment file", name, "Enrolment files (*.json)"
        )
        if not path:
            return
        store = self.store
        self.worker.op(
            Change.SYNC,
            lambda: enrol.export_enrolment(store, Path(path)),
            lambda e: self.result.setText(f"Saved {path}. Fingerprint: {e.fingerprint}."),
            self._failed,
        )

    def take_enrolment(self) -> None:
        path = open_name(self, "enrolment", "Their enrolment file", "Enrolment files (*.json)")
        if path:
            self.enrol_from(Path(path))

    def enrol_from(self, path: Path) -> None:
        try:
            theirs = enrol.read_enrolment(path)
        except enrol.EnrolmentRefused as exc:
            self._failed(exc)
            return
        answer = QMessageBox.question(
            self,
            "Check the fingerprint",
            f"{theirs.role.capitalize()}: {theirs.name} ({theirs.ods_code})\n\n"
            f"Fingerprint: {theirs.fingerprint}\n\nDoes it match what they read out to you?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            self.result.setText("Not enrolled; nothing was changed.")
            return
        store = self.store

        def done(_value: object) -> None:
            self.result.setText(f"Enrolled {theirs.name}.")
            self.refresh()

        self.worker.op(
            Change.SYNC, lambda: enrol.import_enrolment(store, theirs), done, self._failed
        )

    # -- export and import -------------------------------------------------------------
    def export(self) -> None:
        hub = self.report.get("role") == "hub"
        ods = self.practice_choice.currentData() if hub else self.store.practice().ods_code
        if not ods:
            return
        suggested = f"{'hub-to-' if hub else ''}{ods}-{self._next_sequence(ods)}.mdtsync"
        path = save_name(
            self,
            "sync",
            "Export a sync file (to a folder or USB stick)",
            suggested,
            "Sync files (*.mdtsync)",
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, target: Path) -> None:
        hub = self.report.get("role") == "hub"
        ods = self.practice_choice.currentData() if hub else ""
        store = self.store

        def work(progress: Callable[[int, int], None]) -> Exported:
            if hub:
                return export_for_practice(store, ods, target, progress)
            return export_for_hub(store, target, progress)

        def done(result: Exported) -> None:
            self._stop()
            extra = ""
            if result.withheld:
                extra = (
                    f" {result.withheld} who declined sharing went with only what the "
                    "consent policy allows."
                )
            self.result.setText(
                f"Wrote {target.name}: file {result.sequence} for {result.peer}, "
                f"{result.records} records.{extra}"
            )
            self.refresh()

        self._start()
        self.worker.op_with_progress(Change.SYNC, work, done, self._failed, self._progress)

    def _next_sequence(self, ods: str) -> int:
        for p in self.report.get("peers", []):
            if p["ods_code"] == ods:
                return int(p["sequence_out"]) + 1
        return 1

    def choose_imports(self) -> None:
        paths = open_names(self, "sync", "Sync files to import", "Sync files (*.mdtsync)")
        if paths:
            self.import_files([Path(p) for p in paths])

    def import_files(self, paths: list[Path]) -> None:
        store = self.store

        def work(progress: Callable[[int, int], None]) -> Outcome:
            outcome = Outcome([], [])
            for n, path in enumerate(paths):

                def step(done: int, total: int, n: int = n) -> None:
                    progress(n * 1000 + (done * 1000 // total if total else 0), len(paths) * 1000)

                try:
                    outcome.imported.append(import_file(store, path, step))
                except SyncRefused as exc:
                    outcome.refused.append((path, exc))
            return outcome

        def done(outcome: Outcome) -> None:
            self._stop()
            text = describe_import(outcome)
            if outcome.refused:
                self.problem.setText(text)
                self.result.setText("")
            else:
                self.problem.setText("")
                self.result.setText(text)
            self.refresh()

        self._start()
        self.worker.op_with_progress(
            Change.RECORDS | Change.SYNC, work, done, self._failed, self._progress
        )

    # -- progress ------------------------------------------------------------------------
    def _start(self) -> None:
        self.problem.setText("")
        self.result.setText("Working…")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.export_button.setEnabled(False)
        self.import_button.setEnabled(False)

    def _progress(self, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _stop(self) -> None:
        self.progress.hide()
        self.export_button.setEnabled(True)
        self.import_button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self._stop()
        self.result.setText("")
        self.problem.setText(str(exc))


def _date(value: Any) -> str:
    if not value:
        return "never"
    return short_time(value)
