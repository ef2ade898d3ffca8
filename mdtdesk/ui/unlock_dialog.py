"""Unlock: choose who you are, type your passphrase. The KDF runs off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.clock import Clock
from mdtdesk.store import lifecycle
from mdtdesk.store.errors import StoreError
from mdtdesk.store.opened import OpenStore
from mdtdesk.ui.worker import StoreWorker


class UnlockDialog(QDialog):
    def __init__(
        self,
        folder: Path,
        users: list[str],
        practice_label: str,
        clock: Clock,
        worker: StoreWorker,
        preselect: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.folder = folder
        self.clock = clock
        self.worker = worker
        self.opened: OpenStore | None = None
        self.setWindowTitle("Unlock mdtdesk")
        self.setMinimumWidth(420)

        title = QLabel(f"<h2>Unlock the store</h2><p>{practice_label}</p>")
        title.setTextFormat(Qt.TextFormat.RichText)
        self.user = QComboBox()
        self.user.addItems(users)
        self.user.setAccessibleName("User")
        if preselect:
            found = self.user.findText(preselect, Qt.MatchFlag.MatchFixedString)
            if found >= 0:
                self.user.setCurrentIndex(found)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setPlaceholderText("Your passphrase")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.message.setStyleSheet("color: palette(highlight);")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Unlock")
        self.buttons.accepted.connect(self.try_unlock)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&User", self.user)
        form.addRow("&Passphrase", self.passphrase)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.passphrase.setFocus()

    def try_unlock(self) -> None:
        user, secret = self.user.currentText(), self.passphrase.text()
        if not secret:
            self.message.setText("Type your passphrase.")
            return
        self.buttons.setEnabled(False)
        self.busy.setVisible(True)
        self.message.setText("Unlocking…")
        self.worker.submit(
            lambda: lifecycle.open_store(
                self.folder, user=user, passphrase=secret, clock=self.clock
            ),
            self._unlocked,
            self._failed,
        )

    def _unlocked(self, store: OpenStore) -> None:
        self.opened = store
        self.passphrase.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.busy.setVisible(False)
        self.passphrase.selectAll()
        self.passphrase.setFocus()
        if isinstance(exc, StoreError):
            self.message.setText(str(exc))
        else:
            self.message.setText(f"Could not unlock: {exc}")
