"""Unlock: choose who you are, type your passphrase. The KDF runs off the GUI thread.

Shown in the main window both at start and when the app locks. After a few wrong
passphrases in a row each further try waits longer (see passphrases.retry_delay).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.clock import Clock
from mdtdesk.store import errors, lifecycle
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.passphrases import retry_delay
from mdtdesk.ui.access.recovery_dialog import RecoveryDialog
from mdtdesk.ui.widgets.look import problem_label
from mdtdesk.ui.widgets.worker import StoreWorker

WRONG = (
    "That passphrase does not unlock the store for this user. "
    "Check Caps Lock and the user chosen, then try again."
)


class UnlockPanel(QWidget):
    unlocked = Signal(object)

    def __init__(
        self,
        folder: Path,
        users: Sequence[str],
        clock: Clock,
        worker: StoreWorker,
        kdf_cost: KdfCost,
        delay: Callable[[int], float] = retry_delay,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.folder = folder
        self.users = list(users)
        self.clock = clock
        self.worker = worker
        self.kdf_cost = kdf_cost
        self.delay = delay
        self.failures = 0
        self._wait_until = 0.0
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self._count_down)

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setAccessibleName("Lock state")
        self.user = QComboBox()
        self.user.addItems(self.users)
        self.user.setAccessibleName("User")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setPlaceholderText("Your passphrase")
        self.passphrase.returnPressed.connect(self.try_unlock)
        self.message = problem_label("Message")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        self.busy.setAccessibleName("Unlocking")
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.recover_button = QPushButton("&Forgotten passphrase…")
        self.recover_button.clicked.connect(self.recover)

        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMaximumWidth(480)
        form = QFormLayout()
        form.addRow("U&ser", self.user)
        form.addRow("&Passphrase", self.passphrase)
        buttons = QHBoxLayout()
        buttons.addWidget(self.recover_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        inner = QVBoxLayout(card)
        inner.addWidget(self.title)
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addWidget(self.busy)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 2)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.show_locked(None, "")

    def show_locked(self, user: str | None, practice: str, locked: bool = False) -> None:
        heading = "Locked" if locked else "Unlock the store"
        where = practice or str(self.folder)
        self.title.setText(f"<h2>{heading}</h2><p>{where}</p>")
        if user:
            found = self.user.findText(user, Qt.MatchFlag.MatchFixedString)
            if found >= 0:
                self.user.setCurrentIndex(found)
        self.passphrase.clear()
        self.message.setText(
            "The app locked itself after a while without use. Unlock to carry on where you were."
            if locked
            else ""
        )
        self.passphrase.setFocus()

    def try_unlock(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        user, secret = self.user.currentText(), self.passphrase.text()
        if not secret:
            self.message.setText("Type your passphrase.")
            return
        self._set_busy(True)
        self.message.setText("Unlocking…")
        folder, clock = self.folder, self.clock
        self.worker.query(
            lambda: lifecycle.open_store(folder, user=user, passphrase=secret, clock=clock),
            self._unlocked,
            self._failed,
        )

    def _set_busy(self, busy: bool) -> None:
        self.unlock_button.setEnabled(not busy)
        self.recover_button.setEnabled(not busy)
        self.passphrase.setEnabled(not busy)
        self.busy.setVisible(busy)

    def _unlocked(self, store: OpenStore) -> None:
        self.failures = 0
        self.passphrase.clear()
        self.message.clear()
        self._set_busy(False)
        self.unlocked.emit(store)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.passphrase.selectAll()
        self.passphrase.setFocus()
        if isinstance(exc, errors.WrongPassphrase | errors.UnknownUser):
            self.failures += 1
            wait = self.delay(self.failures)
            self.message.setText(WRONG)
            if wait > 0:
                self._wait_until = time.monotonic() + wait
                self.unlock_button.setEnabled(False)
                self._count_down()
                self._tick.start()
        elif isinstance(exc, errors.StoreError):
            self.message.setText(str(exc))
        else:
            self.message.setText(f"Could not unlock: {exc}")

    def _count_down(self) -> None:
        left = self._wait_until - time.monotonic()
        if left <= 0:
            self._tick.stop()
            self.unlock_button.setEnabled(True)
            self.message.setText(f"{WRONG} You can try again now.")
            return
        seconds = math.ceil(left)
        self.message.setText(
            f"{WRONG} After {self.failures} wrong tries, wait {seconds} second"
            f"{'s' if seconds != 1 else ''} before the next."
        )

    def recover(self) -> None:
        dialog = RecoveryDialog(
            self.folder,
            self.users,
            self.user.currentText(),
            self.clock,
            self.worker,
            self.kdf_cost,
            self,
        )
        dialog.setObjectName("recovery-dialog")
        dialog.accepted.connect(self._recovered)
        dialog.open()

    def _recovered(self) -> None:
        self.failures = 0
        self.message.setText("The passphrase is reset. Unlock with the new one.")
        self.passphrase.setFocus()
