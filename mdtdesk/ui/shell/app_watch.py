"""One filter on the whole application: it sees every key and mouse event before any
window does."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class AppWatch(QObject):
    """Restarts the idle timer on every key press or mouse use anywhere in the app, and
    takes the lock key where Qt's shortcuts cannot reach.

    A dialog opened with open() blocks the main window, and Qt gives a blocked window's
    actions no shortcuts, ApplicationShortcut or not: Ctrl+L did nothing in the import
    dialog and the passphrase typed next went into its path field. A question box is
    left alone: the code that asked it carries on once it is answered, so locking
    under it would pull the workspace away from that code."""

    def __init__(self, timer: QTimer, lock: QAction) -> None:
        super().__init__()
        self.timer = timer
        self.lock = lock

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in ACTIVITY and self.timer.isActive():
            self.timer.start()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            modal = QApplication.activeModalWidget()
            if (
                modal is not None
                and not isinstance(modal, QMessageBox)
                and self.lock.isEnabled()
                and QKeySequence(event.keyCombination()) == self.lock.shortcut()
            ):
                self.lock.trigger()
                return True
        return False
