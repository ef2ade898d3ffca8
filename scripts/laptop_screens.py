"""Every top-level window as a 1366x768 laptop shows it: the whole screen grabbed on a
real X display, each window at the size the app gives it, for review (issue 15).

Usage, with a window manager running on the display:
    Xvfb :7 -screen 0 1366x768x24 & DISPLAY=:7 openbox &
    DISPLAY=:7 QT_QPA_PLATFORM=xcb .venv/bin/python scripts/laptop_screens.py
Pictures go to docs/screenshots/laptop/.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from shots import OUT, PHRASE, USER, demo_store, enrolled_hub, opened, settle
from sqlalchemy import select

from mdtdesk.clock import SystemClock
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.models import Patient
from mdtdesk.sync.export import export_for_hub
from mdtdesk.sync.importing import import_file
from mdtdesk.ui.access.first_run import FirstRunWizard
from mdtdesk.ui.shell.main_window import MainWindow
from mdtdesk.ui.widgets.guarded import GuardedDialog
from mdtdesk.ui.widgets.worker import StoreWorker

LAPTOP = OUT / "laptop"


class Camera:
    def __init__(self, app: QApplication, worker: StoreWorker) -> None:
        self.app, self.worker = app, worker

    def screen(self, name: str) -> None:
        settle(self.app, self.worker)
        self.app.processEvents()
        screen = QGuiApplication.primaryScreen()
        screen.grabWindow(0).save(str(LAPTOP / f"{name}.png"))

    def shot(self, name: str, opens: Callable[[], object]) -> None:
        """Open a window, grab the screen, close what opened (even a modal box)."""
        before = set(QApplication.topLevelWidgets())
        taken: list[bool] = []

        def take() -> None:
            self.screen(name)
            for widget in QApplication.topLevelWidgets():
                if widget in before or not widget.isVisible():
                    continue
                if isinstance(widget, GuardedDialog):
                    widget.close_unasked()
                elif isinstance(widget, QDialog | QMessageBox):
                    widget.reject()
                else:
                    widget.close()
            taken.append(True)

        QTimer.singleShot(600, take)
        opens()
        while not taken:
            self.app.processEvents()
        settle(self.app, self.worker)


def practice_screens(camera: Camera, folder: Path, clock: SystemClock, cost: KdfCost) -> None:
    settings = QSettings(str(folder.with_suffix(".ini")), QSettings.Format.IniFormat)
    window = MainWindow(folder, [USER], clock, camera.worker, cost, settings, USER)
    window.show()
    camera.screen("01-unlock")
    window.enter(opened(folder, clock))
    camera.screen("02-caseload")
    workspace = window.workspace
    assert workspace is not None
    camera.shot("03-referral", window.referral_action.trigger)
    camera.shot("04-import", window.import_action.trigger)
    camera.shot("05-preferences", window.prefs_action.trigger)
    camera.shot("06-services", window.services_action.trigger)
    camera.shot("07-keyboard-shortcuts", window.keys_action.trigger)
    camera.shot("08-about", window.about_action.trigger)
    busiest = max(workspace.caseload.model.all_rows(), key=lambda r: r.open_actions)
    workspace.open_patient(busiest.patient_id)
    camera.screen("09-record")
    camera.shot("10-log-contact", window.contact_action.trigger)
    camera.shot("11-care-plan-editor", window.care_plan_action.trigger)
    window.worklist_action.trigger()
    camera.screen("12-actions")
    worklist = workspace.worklist
    worklist.table.selectRow(0)
    camera.shot("13-action-detail", worklist.open_action)
    camera.shot("14-reassign", worklist.reassign)
    camera.shot("15-visits-list", worklist.print_visits)
    window.coordinators_action.trigger()
    camera.screen("16-coordinators")
    window.meetings_action.trigger()
    camera.screen("17-meetings")
    builder = workspace.meetings.builder
    camera.shot("18-plan-a-meeting", window.plan_action.trigger)
    camera.shot("19-meeting-details", builder.bar.edit_details)
    camera.shot("20-rules-and-quorum", builder.bar.settings)
    camera.shot("21-add-a-person-by-hand", builder.add_by_hand)
    builder._add([(p.patient_id, p.reason) for p in builder.proposed.proposals.all()[:6]])
    camera.screen("22-meetings-agenda")
    camera.shot("23-agenda-preview", builder.bar.print_agenda)
    builder.bar.start_button.click()
    settle(camera.app, camera.worker)
    mode = workspace.meeting_mode
    assert mode is not None
    camera.screen("24-meeting-mode-attendance")
    mode.go(0)
    camera.screen("25-meeting-mode-case")
    mode.zoom.change(+2)
    camera.screen("26-meeting-mode-zoomed")
    mode.zoom.change(0)
    mode.reject()
    window.sync_action.trigger()
    camera.screen("27-sync-practice")
    window.lock()
    camera.screen("28-locked")
    window.close()
    settle(camera.app, camera.worker)


def hub_screens(camera: Camera, tmp: Path, clock: SystemClock, cost: KdfCost) -> None:
    hub, practice = enrolled_hub(tmp, USER, PHRASE, clock, cost)
    with practice.session() as s, s.begin():
        for p in s.execute(select(Patient).limit(3)).scalars():
            p.caseload_status = "stepped_down"
    with hub.session() as s, s.begin():
        for p in s.execute(select(Patient).limit(3)).scalars():
            p.caseload_status = "discharged"
    import_file(hub, export_for_hub(practice, tmp / "D82044-2.mdtsync").path)
    hub.close()
    practice.close()
    settings = QSettings(str(tmp / "hub.ini"), QSettings.Format.IniFormat)
    window = MainWindow(tmp / "hub", [USER], clock, camera.worker, cost, settings, USER)
    window.show()
    window.enter(opened(tmp / "hub", clock))
    window.sync_action.trigger()
    camera.screen("29-hub-sync")
    sync = window.workspace.sync if window.workspace else None
    assert sync is not None
    for page, name in ((1, "30-hub-conflicts"), (2, "31-hub-duplicates"), (3, "32-hub-practices")):
        sync.pages.setCurrentIndex(page)
        camera.screen(name)
    window.close()
    settle(camera.app, camera.worker)


def wizard_screen(camera: Camera, tmp: Path, clock: SystemClock, cost: KdfCost) -> None:
    wizard = FirstRunWizard(tmp / "new", clock, camera.worker, cost)
    wizard.show()
    camera.screen("33-first-run")
    wizard.close()


def main() -> None:
    app = QApplication(sys.argv)
    app.setOrganizationName("mdtdesk-screens")
    LAPTOP.mkdir(parents=True, exist_ok=True)
    worker = StoreWorker()
    camera = Camera(app, worker)
    clock, cost = SystemClock(), KdfCost(target_seconds=0)
    with tempfile.TemporaryDirectory() as tmp:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        folder = Path(tmp) / "practice-demo"
        demo_store(folder, clock, cost)
        practice_screens(camera, folder, clock, cost)
        hub_screens(camera, Path(tmp), clock, cost)
        wizard_screen(camera, Path(tmp), clock, cost)
    print(f"saved to {LAPTOP}")


if __name__ == "__main__":
    main()
