"""Small dialogs of the meetings screens: plan a meeting, add a person by hand, the
proposal rules and quorum, and the reason for amending a finished meeting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.caseload.filtering import CaseloadIndex, CaseloadQuery
from mdtdesk.caseload.rows import CaseloadRow
from mdtdesk.clock import short_day
from mdtdesk.meetings.rules import RULES, RuleSettings
from mdtdesk.meetings.schedule import MeetingRow
from mdtdesk.nhs_number import format_nhs
from mdtdesk.store.staff import StaffChoice
from mdtdesk.store.vocab import DISCIPLINES
from mdtdesk.ui.widgets.forms import staff_combo
from mdtdesk.ui.widgets.look import list_table, problem_label
from mdtdesk.ui.widgets.rows_model import RowsModel
from mdtdesk.ui.widgets.windows import fit

MAX_MATCHES = 50


class ScheduleDialog(QDialog):
    """Plan a meeting (or a weekly series), or change one already planned."""

    def __init__(
        self,
        staff: list[StaffChoice],
        me: str | None,
        now: datetime,
        existing: MeetingRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change meeting" if existing else "Plan a meeting")
        if existing is None:
            start = now.astimezone() + timedelta(days=(1 - now.astimezone().weekday()) % 7 or 7)
            start = start.replace(hour=12, minute=30, second=0, microsecond=0)
        else:
            start = existing.starts_at.astimezone()
        self.when = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int(start.timestamp())))
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        self.when.setAccessibleName("Date and time")
        self.length = QSpinBox()
        self.length.setRange(15, 480)
        self.length.setSingleStep(15)
        self.length.setSuffix(" minutes")
        self.length.setValue(existing.length_minutes if existing else 90)
        self.length.setAccessibleName("Length")
        self.place = QLineEdit(existing.place if existing else "Practice meeting room")
        self.place.setAccessibleName("Place")
        self.chair = staff_combo(staff, "No chair yet", existing.chair_id if existing else me)
        self.chair.setAccessibleName("Chair")
        self.weeks = QSpinBox()
        self.weeks.setRange(1, 52)
        self.weeks.setSuffix(" weeks")
        self.weeks.setSpecialValueText("Just this meeting")
        self.weeks.setAccessibleName("Repeat weekly")
        form = QFormLayout()
        form.addRow("&When", self.when)
        form.addRow("&Length", self.length)
        form.addRow("&Place", self.place)
        form.addRow("C&hair", self.chair)
        if existing is None:
            form.addRow("&Repeat weekly for", self.weeks)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def starts_at(self) -> datetime:
        chosen = self.when.dateTime().toSecsSinceEpoch()
        return datetime.fromtimestamp(chosen, tz=UTC)


class AddCaseDialog(QDialog):
    """Put someone on the agenda by hand: find them, say why."""

    def __init__(self, index: CaseloadIndex, late: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a person to the agenda")
        self._index = index
        self.search = QLineEdit()
        self.search.setPlaceholderText("Name or NHS number")
        self.search.setAccessibleName("Find person")
        self.matches = RowsModel[CaseloadRow](
            [
                ("Name", lambda r: f"{r.family_name.upper()}, {r.given_name}"),
                ("NHS number", lambda r: format_nhs(r.nhs_number)),
                ("Born", lambda r: short_day(r.date_of_birth)),
                ("Coordinator", lambda r: r.coordinator or ""),
            ]
        )
        self.table = list_table(self.matches, "Matching people")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why the team should discuss them")
        self.reason.setAccessibleName("Reason")
        note = QLabel(
            "The agenda has been circulated: this person will be marked as a late addition."
            if late
            else ""
        )
        note.setWordWrap(True)
        self.problem = problem_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add to agenda")
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        self.search.textChanged.connect(self._find)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        form = QFormLayout()
        form.addRow("&Reason", self.reason)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        fit(self, "add-case", 620, 420)

    def _find(self, text: str) -> None:
        found = self._index.visible(CaseloadQuery(search=text)) if text.strip() else []
        self.matches.set_rows([self._index.rows[i] for i in found[:MAX_MATCHES]])
        if found:
            self.table.selectRow(0)

    def chosen(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.matches.row_at(rows[0].row()).patient_id if rows else None

    def _check(self) -> None:
        if self.chosen() is None:
            self.problem.setText("Find the person first: type part of their name or NHS number.")
        elif not self.reason.text().strip():
            self.problem.setText("Reason: say why the team should discuss them.")
            self.reason.setFocus()
        else:
            self.accept()


class SettingsDialog(QDialog):
    """The proposal rules (order, on or off) and which disciplines make a quorum."""

    def __init__(
        self, rules: RuleSettings, quorum: tuple[str, ...], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Meeting settings")
        self.rules = QListWidget()
        self.rules.setAccessibleName("Proposal rules, in order")
        self.rules.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        for key in rules.order:
            item = QListWidgetItem(RULES[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = key not in rules.off
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.rules.addItem(item)
        self.rules.setCurrentRow(0)
        up, down = QPushButton("Move &up"), QPushButton("Move &down")
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(+1))
        self.weeks = QSpinBox()
        self.weeks.setRange(1, 52)
        self.weeks.setSuffix(" weeks")
        self.weeks.setValue(rules.severe_weeks)
        self.weeks.setAccessibleName("Propose severe eFI after")
        rule_box = QGroupBox("Agenda proposals: people matching a rule higher up come first")
        moves = QHBoxLayout()
        moves.addWidget(up)
        moves.addWidget(down)
        moves.addStretch()
        rule_layout = QVBoxLayout(rule_box)
        rule_layout.addWidget(self.rules)
        rule_layout.addLayout(moves)
        weeks_form = QFormLayout()
        weeks_form.addRow("Propose people with severe eFI not discussed for", self.weeks)
        rule_layout.addLayout(weeks_form)
        quorum_box = QGroupBox("Quorum: disciplines that must be present")
        quorum_layout = QHBoxLayout(quorum_box)
        self.disciplines: dict[str, QCheckBox] = {}
        for discipline in DISCIPLINES:
            box = QCheckBox(discipline)
            box.setChecked(discipline in quorum)
            self.disciplines[discipline] = box
            quorum_layout.addWidget(box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(rule_box)
        layout.addWidget(quorum_box)
        layout.addWidget(buttons)

    def _move(self, by: int) -> None:
        row = self.rules.currentRow()
        to = row + by
        if row < 0 or not 0 <= to < self.rules.count():
            return
        item = self.rules.takeItem(row)
        self.rules.insertItem(to, item)
        self.rules.setCurrentRow(to)

    def chosen_rules(self) -> RuleSettings:
        items = [self.rules.item(i) for i in range(self.rules.count())]
        order = tuple(str(i.data(Qt.ItemDataRole.UserRole)) for i in items)
        off = frozenset(
            str(i.data(Qt.ItemDataRole.UserRole))
            for i in items
            if i.checkState() != Qt.CheckState.Checked
        )
        return RuleSettings(order, off, self.weeks.value())

    def chosen_quorum(self) -> tuple[str, ...]:
        return tuple(d for d, box in self.disciplines.items() if box.isChecked())


def ask_reason(parent: QWidget, what: str) -> str | None:
    """The reason for amending a finished meeting's record, or None if cancelled."""
    text, ok = QInputDialog.getText(
        parent,
        "Amend a finished meeting",
        f"This meeting is finished. Why are you changing {what}?\n"
        "The reason is kept in the audit log.",
    )
    return text.strip() if ok and text.strip() else None
