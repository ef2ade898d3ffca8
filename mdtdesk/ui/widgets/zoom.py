"""Text size for a window read from across a room (meeting mode on a projector):
Ctrl+= and Ctrl+- step it, Ctrl+0 goes back, and the window opens at the size it was
left at next time."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

STEPS = (0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0, 2.5)
NORMAL = STEPS.index(1.0)


class Zoom(QObject):
    def __init__(self, window: QWidget, name: str, settings: QSettings | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings if settings is not None else QSettings()
        self.key = f"zoom/{name}"
        self.base = window.font().pointSizeF()
        self.scaled: list[tuple[QWidget, float, bool]] = []  # widgets with their own size
        saved = self.settings.value(self.key, NORMAL)
        try:
            self.step = max(0, min(len(STEPS) - 1, int(str(saved))))
        except ValueError:
            self.step = NORMAL
        for keys, what, by in (
            (("Ctrl+=", "Ctrl++"), "Larger text", +1),
            (("Ctrl+-",), "Smaller text", -1),
            (("Ctrl+0",), "Text back to its usual size", 0),
        ):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), window, lambda by=by: self.change(by))
                shortcut.setWhatsThis(f"Meeting: {what.lower()}")
        self._apply()

    @property
    def factor(self) -> float:
        return STEPS[self.step]

    def keep_relative(self, widget: QWidget, times: float, bold: bool = False) -> None:
        """A widget shown bigger than the rest (the timer) scales with it."""
        self.scaled.append((widget, times, bold))
        self._apply()

    def change(self, by: int) -> None:
        self.step = NORMAL if by == 0 else max(0, min(len(STEPS) - 1, self.step + by))
        self.settings.setValue(self.key, self.step)
        self._apply()

    def _apply(self) -> None:
        font = QFont(self.window.font())
        font.setPointSizeF(self.base * self.factor)
        self.window.setFont(font)
        for widget, times, bold in self.scaled:
            own = QFont(font)
            own.setPointSizeF(self.base * self.factor * times)
            own.setBold(bold)
            widget.setFont(own)
