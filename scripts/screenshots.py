"""Save offscreen screenshots of the unlock dialog and the caseload window.

Usage: python scripts/screenshots.py STORE_DIR PASSPHRASE
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from mdtdesk.clock import SystemClock
from mdtdesk.store import lifecycle
from mdtdesk.store.layout import StorePaths
from mdtdesk.ui.caseload_window import CaseloadWindow
from mdtdesk.ui.unlock_dialog import UnlockDialog
from mdtdesk.ui.worker import StoreWorker

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main() -> None:
    folder, passphrase = Path(sys.argv[1]), sys.argv[2]
    app = QApplication(sys.argv)
    worker = StoreWorker()
    kf = lifecycle.read_keyfile(StorePaths(folder))
    dialog = UnlockDialog(
        folder, kf.users(), "Riverside Medical Practice (demo)", SystemClock(), worker
    )
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(OUT / "unlock.png"))
    store = lifecycle.open_store(
        folder, user=kf.users()[0], passphrase=passphrase, clock=SystemClock()
    )
    window = CaseloadWindow(store, worker)
    window.show()
    while worker.busy():
        app.processEvents()
    app.processEvents()
    window.grab().save(str(OUT / "caseload.png"))
    window.search.setText("NR2")
    app.processEvents()
    window.grab().save(str(OUT / "caseload-search.png"))
    window.close()


if __name__ == "__main__":
    main()
