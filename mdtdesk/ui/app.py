"""Start the desktop app: unlock the store, then show the caseload."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from mdtdesk.clock import SystemClock
from mdtdesk.store import errors, lifecycle
from mdtdesk.store.layout import StorePaths
from mdtdesk.ui.caseload_window import CaseloadWindow
from mdtdesk.ui.unlock_dialog import UnlockDialog
from mdtdesk.ui.worker import StoreWorker


def run_app(folder: Path, user: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("mdtdesk")
    app.setOrganizationName("mdtdesk")
    try:
        kf = lifecycle.read_keyfile(StorePaths(folder))
    except errors.StoreError as exc:
        QMessageBox.critical(None, "mdtdesk", str(exc))
        return 2
    worker = StoreWorker()
    dialog = UnlockDialog(folder, kf.users(), str(folder), SystemClock(), worker, user)
    if dialog.exec() != UnlockDialog.DialogCode.Accepted or dialog.opened is None:
        return 1
    window = CaseloadWindow(dialog.opened, worker)
    window.show()
    return app.exec()
