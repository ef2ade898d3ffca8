"""Fixtures for driving the real main window offscreen on a small demo store."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox

from mdtdesk.clock import FixedClock
from mdtdesk.demo.generator import populate
from mdtdesk.store import lifecycle
from mdtdesk.store.layout import StorePaths
from mdtdesk.ui.shell.main_window import MainWindow
from mdtdesk.ui.widgets.worker import StoreWorker
from tests.helpers import FAST, PASSPHRASE, USER, new_store

DEMO_PATIENTS = 80


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "store"
    with new_store(folder, FixedClock()).store as store:
        populate(store, patients=DEMO_PATIENTS, seed=3)
    return folder


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    shutil.copytree(demo_template, folder)
    return folder


@pytest.fixture(autouse=True)
def own_settings(tmp_path: Path) -> None:
    """Window sizes and other settings a test leaves go to its own folder."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))


@pytest.fixture
def make_window(qtbot, tmp_path: Path, clock: FixedClock) -> Iterator[Callable[[Path], MainWindow]]:
    made: list[MainWindow] = []

    def make(folder: Path) -> MainWindow:
        kf = lifecycle.read_keyfile(StorePaths(folder))
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(folder, kf.users(), clock, StoreWorker(), FAST, settings, USER)
        window.show()
        made.append(window)
        return window

    yield make
    for window in made:
        # Closing with unsaved edits asks what to do; answer it rather than hang.
        timer = answer_next_message_box("Discard", [])
        window.close()
        timer.stop()


def unlock(qtbot, window: MainWindow, passphrase: str = PASSPHRASE) -> None:
    window.unlock.passphrase.setText(passphrase)
    qtbot.keyClick(window.unlock.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=15000)
    workspace = window.workspace
    assert workspace is not None
    qtbot.waitUntil(lambda: workspace.caseload.whole, timeout=15000)


def lock_and_unlock(qtbot, window: MainWindow) -> None:
    """Lock, let the lock finish, unlock and let what the unlock reads arrive."""
    window.lock()
    settle(qtbot, window)
    unlock(qtbot, window)
    settle(qtbot, window)


def settle(qtbot, window: MainWindow) -> None:
    """Wait until the store thread has nothing left and its results are delivered."""
    qtbot.waitUntil(lambda: not window.worker.busy(), timeout=15000)


def answer_next_message_box(button_text: str, seen: list[str]) -> QTimer:
    """Click a button of the next message box when it opens (it runs its own loop)."""
    timer = QTimer()
    timer.setInterval(20)

    def poll() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen.append(f"{widget.text()}\n{widget.informativeText()}")
                for button in widget.buttons():
                    if isinstance(button, QAbstractButton) and button_text in button.text().replace(
                        "&", ""
                    ):
                        timer.stop()
                        button.click()
                        return

    timer.timeout.connect(poll)
    timer.start()
    return timer
