"""Save offscreen screenshots of the main screens, for the README and for review.

Usage: python scripts/screenshots.py STORE_DIR PASSPHRASE
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from mdtdesk.clock import SystemClock
from mdtdesk.store import lifecycle
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.layout import StorePaths
from mdtdesk.ui.first_run import FirstRunWizard
from mdtdesk.ui.main_window import MainWindow
from mdtdesk.ui.patient_view import PatientView
from mdtdesk.ui.referral_dialog import ReferralDialog
from mdtdesk.ui.worker import StoreWorker

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def settle(app: QApplication, worker: StoreWorker) -> None:
    while worker.busy():
        app.processEvents()
    for _ in range(5):
        app.processEvents()


def save(widget: QWidget, name: str) -> None:
    widget.grab().save(str(OUT / name))


def main() -> None:
    folder, passphrase = Path(sys.argv[1]), sys.argv[2]
    app = QApplication(sys.argv)
    worker = StoreWorker()
    clock = SystemClock()
    cost = KdfCost(target_seconds=0)
    kf = lifecycle.read_keyfile(StorePaths(folder))
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(folder, kf.users(), clock, worker, cost, settings, kf.users()[0])
        window.show()
        settle(app, worker)
        save(window, "unlock.png")
        window.enter(
            lifecycle.open_store(folder, user=kf.users()[0], passphrase=passphrase, clock=clock)
        )
        settle(app, worker)
        save(window, "caseload.png")
        workspace = window.workspace
        assert workspace is not None
        caseload = workspace.caseload
        caseload.review.setCurrentIndex(caseload.review.findData("overdue"))
        caseload.search.setText("NR2")
        settle(app, worker)
        save(window, "caseload-search.png")
        caseload.clear_filters()
        busiest = max(caseload.model.all_rows(), key=lambda r: r.open_actions)
        view = workspace.open_patient(busiest.patient_id)
        assert isinstance(view, PatientView)
        settle(app, worker)
        save(window, "patient-record.png")
        view.tabs.setCurrentIndex(4)
        settle(app, worker)
        save(window, "patient-timeline.png")
        view.form.inputs["postcode"].setText("NOWHERE")
        view.form.changed.emit()
        view.save()
        view.tabs.setCurrentIndex(0)
        settle(app, worker)
        save(window, "patient-validation.png")
        view.discard()
        settle(app, worker)
        workspace.new_referral()
        dialog = workspace.findChild(ReferralDialog, "referral-dialog")
        assert dialog is not None
        dialog.search.setText(busiest.family_name)
        settle(app, worker)
        save(dialog, "referral.png")
        dialog.reject()
        window.close()
        settle(app, worker)
        wizard = FirstRunWizard(Path(tmp) / "new", clock, worker, cost)
        wizard.show()
        wizard.practice_page.ods.setText("D82044")
        wizard.practice_page.name.setText("Aylsham Road Surgery")
        wizard.next()
        wizard.user_page.name.setText("Dr Priya Raman")
        wizard.next()
        wizard.passphrase_page.new.first.setText("heron quay lantern")
        wizard.passphrase_page.new.second.setText("heron quay lantern")
        settle(app, worker)
        save(wizard, "first-run-passphrase.png")
        wizard.close()


if __name__ == "__main__":
    main()
