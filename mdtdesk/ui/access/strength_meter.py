"""A new passphrase typed twice, with live strength feedback."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QProgressBar, QWidget

from mdtdesk.store.passphrases import strength


class NewPassphrase(QWidget):
    changed = Signal()

    def __init__(self, related: Callable[[], Sequence[str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._related = related
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName("New passphrase")
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setAccessibleName("New passphrase again")
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(10)
        self.meter.setAccessibleName("Passphrase strength")
        self.verdict = QLabel("A few unrelated words make a strong passphrase.")
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName("Passphrase advice")
        for field in (self.first, self.second):
            field.textChanged.connect(self._update)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("New &passphrase", self.first)
        form.addRow("&Again", self.second)
        form.addRow("Strength", self.meter)
        form.addRow("", self.verdict)

    def _update(self) -> None:
        judged = strength(self.first.text(), self._related())
        self.meter.setValue(judged.score)
        text = judged.label
        if judged.advice:
            text += f": {judged.advice}"
        if self.second.text() and self.second.text() != self.first.text():
            text += " The two passphrases differ."
        self.verdict.setText(text)
        self.meter.setAccessibleDescription(judged.label)
        self.changed.emit()

    def acceptable(self) -> bool:
        text = self.first.text()
        return text == self.second.text() and strength(text, self._related()).acceptable

    def text(self) -> str:
        return self.first.text()

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()
