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
BACKUP_KEY = "backup/remind_after_days"
DEFAULT_BACKUP_DAYS = 7


def _number(settings: QSettings, key: str, default: int, low: int, high: int) -> int:
    try:
        value = int(str(settings.value(key, default)))
    except ValueError:
        value = default
    return min(max(value, low), high)


@dataclass(frozen=True)
class Preferences:
    idle_minutes: int = DEFAULT_IDLE_MINUTES
    backup_days: int = DEFAULT_BACKUP_DAYS

    @classmethod
    def load(cls, settings: QSettings) -> Preferences:
        return cls(
            idle_minutes=_number(settings, IDLE_KEY, DEFAULT_IDLE_MINUTES, 1, 60),
            backup_days=_number(settings, BACKUP_KEY, DEFAULT_BACKUP_DAYS, 1, 90),
        )

    def save(self, settings: QSettings) -> None:
        settings.setValue(IDLE_KEY, self.idle_minutes)
        settings.setValue(BACKUP_KEY, self.backup_days)
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
        self.backup = QSpinBox()
        self.backup.setRange(1, 90)
        self.backup.setSuffix(" days")
        self.backup.setValue(prefs.backup_days)
        self.backup.setAccessibleName("Remind to back up after this long")
        note = QLabel("The app locks itself after this long without use, and at once with Ctrl+L.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Lock after", self.idle)
        form.addRow("Remind to &back up after", self.backup)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def chosen(self) -> Preferences:
        return Preferences(idle_minutes=self.idle.value(), backup_days=self.backup.value())
