"""The Sync tab's backup row: when the store was last backed up, a reminder when that
is longer ago than the setting, and Back up… (issue 19)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from mdtdesk.clock import today
from mdtdesk.store import backup
from mdtdesk.store.opened import OpenStore
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.files import save_name
from mdtdesk.ui.widgets.look import problem_label
from mdtdesk.ui.widgets.worker import StoreWorker

STEPS = backup.STEPS


class BackupPanel(QWidget):
    reminder = Signal(str)  # for the status bar: empty unless a backup is due

    def __init__(self, store: OpenStore, worker: StoreWorker, remind_after_days: int = 7) -> None:
        super().__init__()
        self.store, self.worker = store, worker
        self.remind_after_days = remind_after_days
        self.status = QLabel("Reading when the store was last backed up…")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Last backup")
        self.button = QPushButton("&Back up…")
        self.button.setToolTip("A verified, encrypted copy of the whole store (Ctrl+Shift+B)")
        self.button.clicked.connect(self.back_up)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Backup progress")
        self.progress.setRange(0, len(STEPS))
        self.progress.hide()
        self.problem = problem_label("Backup problem")
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.progress)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.problem)

    def refresh(self) -> None:
        store = self.store
        self.worker.query(lambda: backup.last_backup(store), self._show, self._failed)

    def _show(self, at: datetime | None) -> None:
        text, due = backup.reminder(at, self.store.clock.now(), self.remind_after_days)
        self.status.setText(("⚠ " if due else "") + text)
        self.reminder.emit("Backup due" if due else "")

    def back_up(self) -> None:
        practice = self.store.practice()
        name = f"mdtdesk-{practice.ods_code}-{today(self.store.clock):%Y-%m-%d}.mdtbackup"
        path = save_name(self, "backup", "Back up the store (to another disk or a USB stick)",
                         name, "mdtdesk backups (*.mdtbackup)")  # fmt: skip
        if path:
            self.back_up_to(Path(path))

    def back_up_to(self, target: Path) -> None:
        store = self.store

        def work(progress: backup.Progress) -> backup.BackupInfo:
            return backup.backup(store, target, progress)

        def done(info: backup.BackupInfo) -> None:
            self._stop()
            self.status.setText(
                f"Backed up {info.patients:,} people to {info.path} "
                f"({info.size / 1e6:.1f} MB), checked after writing."
            )
            self.reminder.emit("")

        self.problem.setText("")
        self.progress.setValue(0)
        self.progress.show()
        self.button.setEnabled(False)
        self.worker.op_with_progress(
            Change.SYNC,
            lambda report: work(lambda step: report(step + 1, len(STEPS))),
            done,
            self._failed,
            self._progress,
        )

    def _progress(self, done: int, total: int) -> None:
        self.progress.setValue(done)
        self.status.setText(STEPS[max(0, min(done, total) - 1)])

    def _stop(self) -> None:
        self.progress.hide()
        self.button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self._stop()
        self.problem.setText(str(exc))

    def clear(self) -> None:
        self.status.setText("")
        self.problem.setText("")
