"""Dialogs that ask before throwing away what was typed into them."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget


class GuardedDialog(QDialog):
    """Esc, Cancel or the close button ask first when `has_input()` says there is
    something typed (Esc on a filled referral form once threw it away unasked).

    `close_unasked()` is for the lock, which must close every window at once.
    """

    discard_question = "Discard what you have typed here?"

    def has_input(self) -> bool:
        return False

    def reject(self) -> None:
        if self.has_input():
            answer = QMessageBox.question(
                self,
                self.windowTitle() or "Discard?",
                self.discard_question,
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    def close_unasked(self) -> None:
        QDialog.reject(self)


def confirm(parent: QWidget, title: str, text: str) -> bool:
    """Ask Yes or Cancel, Cancel the default (for work that is large or cannot be undone)."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes
