"""Add or edit a hospital admission or A&E attendance."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.labels import field_label
from mdtdesk.patients.details import FormInvalid
from mdtdesk.patients.hospital import KINDS, HospitalVisit, parse_visit
from mdtdesk.patients.record import HospitalRow
from mdtdesk.ui.widgets.look import problem_label


class HospitalDialog(QDialog):
    def __init__(self, on: date, row: HospitalRow | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.on = on
        self.visit: HospitalVisit | None = None
        self.setWindowTitle("Edit hospital visit" if row else "Add hospital visit")
        self.kind = QComboBox()
        for value, label in KINDS.items():
            self.kind.addItem(label, value)
        self.started = QLineEdit()
        self.started.setPlaceholderText("DD/MM/YYYY")
        self.ended = QLineEdit()
        self.ended.setPlaceholderText("DD/MM/YYYY, blank if still in hospital")
        self.planned = QCheckBox("Planned (elective) admission")
        self.hospital = QLineEdit()
        self.reason = QLineEdit()
        for widget, name in (
            (self.kind, "Kind of visit"),
            (self.started, "Date admitted or attended"),
            (self.ended, "Date discharged"),
            (self.planned, "Planned admission"),
            (self.hospital, "Hospital"),
            (self.reason, "Reason"),
        ):
            widget.setAccessibleName(name)
        if row is not None:
            self.kind.setCurrentIndex(max(self.kind.findData(row.kind), 0))
            self.started.setText(row.started_on.strftime("%d/%m/%Y"))
            self.ended.setText(row.ended_on.strftime("%d/%m/%Y") if row.ended_on else "")
            self.planned.setChecked(row.planned)
            self.hospital.setText(row.hospital or "")
            self.reason.setText(row.reason or "")
        self.problem = problem_label()
        self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Kind", self.kind)
        form.addRow("&Started", self.started)
        form.addRow("&Discharged", self.ended)
        form.addRow("", self.planned)
        form.addRow("&Hospital", self.hospital)
        form.addRow("&Reason", self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def values(self) -> dict[str, str | bool]:
        return {
            "kind": str(self.kind.currentData()),
            "started_on": self.started.text(),
            "ended_on": self.ended.text(),
            "planned": self.planned.isChecked(),
            "hospital": self.hospital.text(),
            "reason": self.reason.text(),
        }

    def _check(self) -> None:
        try:
            self.visit = parse_visit(self.values(), self.on)
        except FormInvalid as exc:
            self.problem.setText(
                "\n".join(f"{field_label(k)}: {v}" for k, v in exc.problems.items())
            )
            self.problem.show()
            return
        self.accept()
