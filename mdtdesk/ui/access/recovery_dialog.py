"""Forgotten passphrase: set a new one with the practice's recovery key."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

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
from mdtdesk.store import access
from mdtdesk.store.errors import StoreError
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.ui.access.strength_meter import NewPassphrase
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.worker import StoreWorker


class RecoveryDialog(QDialog):
    def __init__(
        self,
        folder: Path,
        users: Sequence[str],
        user: str,
        clock: Clock,
        worker: StoreWorker,
        kdf_cost: KdfCost,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.folder = folder
        self.clock = clock
        self.worker = worker
        self.kdf_cost = kdf_cost
        self.setWindowTitle("Reset a passphrase with the recovery key")
        self.user = QComboBox()
        self.user.addItems(list(users))
        self.user.setCurrentText(user)
        self.user.setAccessibleName("User")
        self.key = QLineEdit()
        self.key.setAccessibleName("Recovery key")
        self.key.setPlaceholderText("XXXXX-XXXXX-… as written down when the store was made")
        self.new = NewPassphrase(lambda: [self.user.currentText()])
        self.message = QLabel(
            "The recovery key was shown once when the store was made; the practice "
            "manager or IG lead keeps it."
        )
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Set passphrase")
        self.buttons.accepted.connect(self.try_recover)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&User", self.user)
        form.addRow("&Recovery key", self.key)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.new)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)

    def try_recover(self) -> None:
        if not self.new.acceptable():
            self.message.setText("Choose a strong new passphrase and type it the same way twice.")
            return
        user, key, new = self.user.currentText(), self.key.text(), self.new.text()
        folder, clock, cost = self.folder, self.clock, self.kdf_cost
        self.buttons.setEnabled(False)
        self.busy.show()
        self.message.setText("Checking the recovery key…")
        self.worker.op(
            Change.NOTHING,
            lambda: access.recover(
                folder,
                recovery_key=key,
                user=user,
                new_passphrase=new,
                clock=clock,
                kdf_cost=cost,
            ),
            lambda _none: self.accept(),
            self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.busy.hide()
        self.message.setText(str(exc) if isinstance(exc, StoreError) else f"Not reset: {exc}")
