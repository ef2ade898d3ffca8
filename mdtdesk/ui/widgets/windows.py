"""Every window fits the screen it opens on and comes back at the size it was left.

A laptop of 1366x768 (or 1024x700 with a docked taskbar) must show every window
whole, with its buttons on screen: a preview once opened at 900x1000 with Print and
Save below the bottom edge.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Room left for window frames, a title bar and a taskbar.
MARGIN = 48


class _Remember(QObject):
    def __init__(self, window: QWidget, key: str, settings: QSettings) -> None:
        super().__init__(window)
        self.window, self.key, self.settings = window, key, settings
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.window and event.type() == QEvent.Type.Hide:
            self.settings.setValue(self.key, self.window.saveGeometry())
        return False


def fit(
    window: QWidget, name: str, width: int, height: int, settings: QSettings | None = None
) -> None:
    """Size `window` to what it was last time, else widthxheight, never past the screen."""
    settings = settings if settings is not None else QSettings()
    key = f"windows/{name}"
    saved = settings.value(key)
    if isinstance(saved, QByteArray) and not saved.isEmpty():
        window.restoreGeometry(saved)
    else:
        window.resize(width, height)
    _clamp(window)
    _Remember(window, key, settings)


def keep_on_screen(window: QWidget) -> None:
    """Shrink and move a shown window back within its screen: it grows past the screen
    when new content needs more room than the size it was left at."""
    _clamp(window)


def _clamp(window: QWidget) -> None:
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    room = screen.availableGeometry()
    w = min(window.width(), max(room.width() - MARGIN, 320))
    h = min(window.height(), max(room.height() - MARGIN, 240))
    if (w, h) != (window.width(), window.height()):
        window.resize(w, h)
    # Placed by the size it has, which its contents may keep above the size asked for.
    geometry = window.frameGeometry()
    if not room.contains(geometry):
        window.move(
            max(room.left(), min(geometry.left(), room.right() - geometry.width() + 1)),
            max(room.top(), min(geometry.top(), room.bottom() - geometry.height() + 1)),
        )
