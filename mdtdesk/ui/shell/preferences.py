"""Preferences kept in the platform's settings store (no patient data goes there)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

IDLE_KEY = "lock/idle_minutes"
DEFAULT_IDLE_MINUTES = 5


@dataclass(frozen=True)
class Preferences:
    idle_minutes: int = DEFAULT_IDLE_MINUTES

    @classmethod
    def load(cls, settings: QSettings) -> Preferences:
        raw = settings.value(IDLE_KEY, DEFAULT_IDLE_MINUTES)
        try:
            minutes = int(str(raw))
        except ValueError:
            minutes = DEFAULT_IDLE_MINUTES
        return cls(idle_minutes=min(max(minutes, 1), 60))

    def save(self, settings: QSettings) -> None:
        settings.setValue(IDLE_KEY, self.idle_minutes)
        settings.sync()


class PreferencesDialog(QDialog):
    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.idle = QSpinBox()
        self.idle.setRange(1, 60)
        self.idle.setSuffix(" minutes")
        self.idle.setValue(prefs.idle_minutes)
        self.idle.setAccessibleName("Lock after this long without use")
        note = QLabel("The app locks itself after this long without use, and at once with Ctrl+L.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Lock after", self.idle)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def chosen(self) -> Preferences:
        return Preferences(idle_minutes=self.idle.value())
