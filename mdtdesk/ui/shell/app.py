"""Start the desktop app: the first-run wizard if there is no store, else unlock."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from mdtdesk.clock import Clock, SystemClock
from mdtdesk.logs import start_logging
from mdtdesk.store import errors, lifecycle
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.layout import StorePaths
from mdtdesk.ui.access.first_run import FirstRunWizard
from mdtdesk.ui.shell.main_window import MainWindow
from mdtdesk.ui.widgets.worker import StoreWorker


def build_window(
    folder: Path,
    clock: Clock,
    worker: StoreWorker,
    kdf_cost: KdfCost,
    settings: QSettings,
    user: str | None = None,
) -> MainWindow | FirstRunWizard:
    """The first window: the wizard when the folder has no store, else the locked window.

    Raises StoreError when there is a store but its key file cannot be read.
    """
    paths = StorePaths(folder)
    if not paths.db.exists() and not paths.keys.exists():
        return FirstRunWizard(folder, clock, worker, kdf_cost)
    return build_locked(folder, clock, worker, kdf_cost, settings, user)


def build_locked(
    folder: Path,
    clock: Clock,
    worker: StoreWorker,
    kdf_cost: KdfCost,
    settings: QSettings,
    user: str | None = None,
) -> MainWindow:
    kf = lifecycle.read_keyfile(StorePaths(folder))
    return MainWindow(folder, kf.users(), clock, worker, kdf_cost, settings, user)


def after_wizard(
    wizard: FirstRunWizard,
    clock: Clock,
    worker: StoreWorker,
    kdf_cost: KdfCost,
    settings: QSettings,
) -> MainWindow | None:
    if wizard.opened is not None:
        return build_locked(wizard.opened, clock, worker, kdf_cost, settings)
    created = wizard.created
    if created is None:
        return None
    store = created.store
    kf = lifecycle.read_keyfile(store.paths)
    window = MainWindow(store.paths.folder, kf.users(), clock, worker, kdf_cost, settings)
    window.enter(store)
    return window


def run_app(folder: Path, user: str | None, kdf_cost: KdfCost, *, probe: bool = False) -> int:
    """The desktop app. With probe, open the first window, say which it is and close:
    whether the window can start on this computer (the frozen app's smoke test, and a
    question support can ask)."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("mdtdesk")
    app.setOrganizationName("mdtdesk")
    start_logging()
    clock = SystemClock()
    worker = StoreWorker()
    if probe:
        # A probe leaves the person's settings alone: it once saved the offscreen
        # window's size as theirs, and the app next opened small.
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    settings = QSettings()
    try:
        first = build_window(folder, clock, worker, kdf_cost, settings, user)
    except errors.StoreError as exc:
        if probe:
            print(f"mdtdesk: {exc}", file=sys.stderr)
            return 2
        QMessageBox.critical(None, "mdtdesk", str(exc))
        return 2
    if probe:
        first.show()
        app.processEvents()
        reached = (
            "the first-run wizard" if isinstance(first, FirstRunWizard) else "the unlock panel"
        )
        shown = first.isVisible() and (
            isinstance(first, FirstRunWizard) or first.unlock.isVisible()
        )
        print(f"The window opened at {reached} ({app.platformName()})." if shown else
              "The window did not open.")  # fmt: skip
        first.close()
        return 0 if shown else 1
    if isinstance(first, FirstRunWizard):
        # Once the store exists the wizard's result does not matter: the store is open.
        first.exec()
        try:
            window = after_wizard(first, clock, worker, kdf_cost, settings)
        except errors.StoreError as exc:  # an existing store whose key file is damaged
            QMessageBox.critical(None, "mdtdesk", str(exc))
            return 2
        if window is None:
            return 1
    else:
        window = first
    window.show()
    return app.exec()
