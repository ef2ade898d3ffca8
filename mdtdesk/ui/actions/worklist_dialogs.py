"""The worklist's small dialogs: reassign the chosen actions, and choose whose home
visits to print for which day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.store.staff import StaffChoice
from mdtdesk.ui.widgets.forms import date_edit, pydate, staff_combo
from mdtdesk.ui.widgets.look import problem_label


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class ReassignDialog(QDialog):
    def __init__(
        self, staff: Sequence[StaffChoice], count: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Reassign {count} action{'s' if count != 1 else ''}")
        self.owner = staff_combo(list(staff), "Choose the new owner")
        self.owner.setAccessibleName("New owner")
        self.note = QLineEdit()
        self.note.setPlaceholderText("For example: Jo on leave until 7 December")
        self.note.setAccessibleName("Why")
        self.problem = problem_label()
        form = QFormLayout()
        form.addRow("&To", self.owner)
        form.addRow("&Why", self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(_buttons(self))
        self.setMinimumWidth(440)

    def accept(self) -> None:
        if self.owner.currentData() is None:
            self.problem.setText("Choose who takes these actions on.")
            return
        super().accept()


class VisitsDialog(QDialog):
    def __init__(
        self,
        staff: Sequence[StaffChoice],
        owner_id: str | None,
        day: date,
        chosen: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Print a home-visits list")
        self.owner = staff_combo(list(staff), "Choose whose visits", owner_id)
        self.owner.setAccessibleName("Whose visits")
        self.day = date_edit(day, "Day")
        self.only_chosen = QCheckBox(f"Only the {chosen} people chosen in the list")
        self.only_chosen.setVisible(chosen > 1)
        self.only_chosen.setChecked(chosen > 1)
        self.problem = problem_label()
        form = QFormLayout()
        form.addRow("&Whose", self.owner)
        form.addRow("&Day", self.day)
        form.addRow("", self.only_chosen)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(_buttons(self))
        self.setMinimumWidth(420)

    def accept(self) -> None:
        if self.owner.currentData() is None:
            self.problem.setText("Choose whose home visits to print.")
            return
        super().accept()

    def chosen_day(self) -> date:
        return pydate(self.day.date())
