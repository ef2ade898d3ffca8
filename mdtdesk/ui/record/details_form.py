"""The patient details form: plain fields, each with room for what is wrong with it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.patients.details import SEX
from mdtdesk.store.staff import StaffChoice
from mdtdesk.store.vocab import CASELOAD_STATUS, CONSENT
from mdtdesk.ui.widgets.forms import NOT_LISTED, select_data
from mdtdesk.ui.widgets.look import problem_label

# Alt keys: none of F, P, M, A, S or H, which open the menus (Alt+H once opened Help
# instead of the phone field).
LEFT = (
    ("nhs_number", "&NHS number", "e.g. 999 000 0018"),
    ("family_name", "Fami&ly name", ""),
    ("given_name", "&Given name", ""),
    ("date_of_birth", "Date of &birth", "DD/MM/YYYY"),
    ("sex", "Se&x", ""),
    ("address", "Add&ress", ""),
    ("postcode", "Postco&de", "e.g. NR1 3AB"),
    ("phone", "Phone n&umber", ""),
)
RIGHT = (
    ("caseload_status", "S&tatus", ""),
    ("named_coordinator_id", "Named &coordinator", ""),
    ("consent_status", "C&onsent to share", ""),
    ("efi_score", "eF&I score", "0 to 1, e.g. 0.27"),
    ("next_review_date", "Next re&view", "DD/MM/YYYY"),
    ("referral_date", "R&eferral date", "DD/MM/YYYY"),
    ("referral_source", "Referred b&y", "e.g. District nursing"),
    # No Alt key: every letter of it is taken by a field or a menu (Tab reaches it).
    ("date_of_death", "Date of death", "DD/MM/YYYY, with the status Died"),
)
FLAGS = (
    ("lives_alone", "Lives alone"),
    ("is_a_carer", "Is a carer"),
    ("has_respect_form", "ReSPECT form in place"),
)


def _coordinators(staff: Sequence[StaffChoice]) -> dict[str, str]:
    return {"": "No named coordinator", **{m.id: m.name for m in staff}}


class DetailsForm(QWidget):
    changed = Signal()

    def __init__(self, staff: Sequence[StaffChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inputs: dict[str, QLineEdit | QComboBox | QPlainTextEdit] = {}
        self.flags: dict[str, QCheckBox] = {}
        self.problems: dict[str, QLabel] = {}
        self._loading = False
        self._rows: dict[str, tuple[QFormLayout, QVBoxLayout]] = {}

        columns = QHBoxLayout()
        for fields in (LEFT, RIGHT):
            form = QFormLayout()
            for name, label, hint in fields:
                widget = self._make(name, staff, hint)
                plain = label.replace("&", "")
                widget.setAccessibleName(plain)
                problem = problem_label(f"{plain}: problem")
                problem.hide()
                self.inputs[name] = widget
                self.problems[name] = problem
                cell = QVBoxLayout()
                cell.setSpacing(1)
                cell.addWidget(widget)
                cell.addWidget(problem)
                caption = QLabel(label)
                caption.setBuddy(widget)
                form.addRow(caption, cell)
                self._rows[name] = (form, cell)
            columns.addLayout(form, 1)

        flags = QHBoxLayout()
        for name, label in FLAGS:
            box = QCheckBox(label)
            box.setAccessibleName(label)
            box.toggled.connect(self._edited)
            self.flags[name] = box
            flags.addWidget(box)
        flags.addStretch(1)
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Reason for referral")
        self.reason.setPlaceholderText("Why this person needs the MDT")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(80)
        self.reason.textChanged.connect(self._edited)
        self.problems["referral_reason"] = problem_label("Reason for referral: problem")
        self.problems["referral_reason"].hide()

        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addLayout(flags)
        layout.addWidget(QLabel("Reason for referral"))
        layout.addWidget(self.reason)
        layout.addWidget(self.problems["referral_reason"])

    def _make(
        self, name: str, staff: Sequence[StaffChoice], hint: str
    ) -> QLineEdit | QComboBox | QPlainTextEdit:
        if name == "address":
            box = QPlainTextEdit()
            box.setTabChangesFocus(True)
            box.setMaximumHeight(56)
            box.textChanged.connect(self._edited)
            return box
        choices: Mapping[str, str] | None = {
            "sex": SEX,
            "caseload_status": CASELOAD_STATUS,
            "consent_status": CONSENT,
        }.get(name)
        if name == "named_coordinator_id":
            choices = _coordinators(staff)
        if choices is not None:
            combo = QComboBox()
            for value, label in choices.items():
                combo.addItem(label, value)
            combo.currentIndexChanged.connect(self._edited)
            return combo
        line = QLineEdit()
        line.setPlaceholderText(hint)
        line.textEdited.connect(self._edited)
        return line

    def hide_field(self, name: str) -> None:
        """Leave a field out (a new referral has no date of death)."""
        form, cell = self._rows[name]
        form.setRowVisible(cell, False)

    def _edited(self) -> None:
        if not self._loading:
            self.changed.emit()

    def values(self) -> dict[str, str | bool]:
        out: dict[str, str | bool] = {}
        for name, widget in self.inputs.items():
            if isinstance(widget, QComboBox):
                out[name] = str(widget.currentData() or "")
            elif isinstance(widget, QPlainTextEdit):
                out[name] = widget.toPlainText()
            else:
                out[name] = widget.text()
        for name, box in self.flags.items():
            out[name] = box.isChecked()
        out["referral_reason"] = self.reason.toPlainText()
        return out

    def set_values(self, values: Mapping[str, str | bool]) -> None:
        self._loading = True
        try:
            for name, widget in self.inputs.items():
                value = values.get(name, "")
                if isinstance(widget, QComboBox):
                    # A value not listed is kept under a label that says so.
                    staff = name == "named_coordinator_id"
                    select_data(widget, value, NOT_LISTED if staff else f"{value} (not listed)")
                elif isinstance(widget, QPlainTextEdit):
                    widget.setPlainText(str(value))
                else:
                    widget.setText(str(value))
            for name, box in self.flags.items():
                box.setChecked(bool(values.get(name, False)))
            self.reason.setPlainText(str(values.get("referral_reason", "")))
        finally:
            self._loading = False

    def set_staff(self, staff: Sequence[StaffChoice]) -> None:
        """Fill the named coordinator's list, keeping the choice shown."""
        combo = self.inputs["named_coordinator_id"]
        assert isinstance(combo, QComboBox)
        chosen = combo.currentData()
        self._loading = True
        try:
            combo.clear()
            for value, label in _coordinators(staff).items():
                combo.addItem(label, value)
            select_data(combo, chosen, NOT_LISTED)
        finally:
            self._loading = False

    def show_problems(self, problems: Mapping[str, str]) -> None:
        first = None
        for name, label in self.problems.items():
            text = problems.get(name)
            label.setText(text[:1].upper() + text[1:] if text else "")
            label.setVisible(bool(text))
            widget = self.inputs.get(name)
            if widget is not None:
                widget.setAccessibleDescription(text or "")
                if text and first is None:
                    first = widget
        if first is not None:
            first.setFocus()

    def clear(self) -> None:
        self.set_values({})
        self.show_problems({})
