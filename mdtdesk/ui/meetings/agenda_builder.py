"""One meeting's agenda: proposals with their reasons, the cases in order with time per
case against the meeting's length, presenters and GP slots, and the agenda's PDF."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.caseload.filtering import CaseloadIndex
from mdtdesk.meetings import agenda, rules, schedule
from mdtdesk.meetings.agenda import AgendaRow
from mdtdesk.meetings.rules import Proposal
from mdtdesk.meetings.schedule import MeetingRow
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import StaffChoice
from mdtdesk.store.vocab import discipline_of
from mdtdesk.ui.meetings.agenda_model import AgendaModel
from mdtdesk.ui.meetings.agenda_undo import AgendaUndo, cases
from mdtdesk.ui.meetings.meeting_bar import MeetingBar
from mdtdesk.ui.meetings.meeting_dialogs import (
    AddCaseDialog,
    ask_reason,
)
from mdtdesk.ui.meetings.proposals_panel import ProposalsPanel
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.look import list_table, problem_label, warning_colour
from mdtdesk.ui.widgets.worker import StoreWorker


@dataclass(frozen=True)
class Loaded:
    meeting: MeetingRow
    rows: list[AgendaRow]
    proposals: list[Proposal]


def load(store: OpenStore, meeting_id: str) -> Loaded:
    meeting = schedule.meeting_row(store, meeting_id)
    rows = agenda.agenda(store, meeting_id)
    proposals = rules.propose(store, meeting_id) if meeting.state != "finished" else []
    return Loaded(meeting, rows, proposals)


class AgendaBuilder(QWidget):
    start_meeting = Signal(str)
    print_plans_asked = Signal(str)  # a meeting id: print its agenda's care plans

    def __init__(
        self,
        store: OpenStore,
        worker: StoreWorker,
        staff: Callable[[], list[StaffChoice]],
        caseload: Callable[[], CaseloadIndex],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.worker = store, worker
        self._staff, self._caseload = staff, caseload
        self.loaded: Loaded | None = None
        self._filling = False
        self.undo = AgendaUndo(store, worker, self._settled, self.fail)
        self.bar = MeetingBar(store, worker, staff, self._change, self.fail)
        self.bar.start_meeting.connect(self.start_meeting)
        self.bar.print_plans_asked.connect(self.print_plans_asked)
        self.bar.changed.connect(self.reload)

        self.model = AgendaModel()
        self.model.reordered.connect(self.reorder)
        self.table = list_table(self.model, "Agenda")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setDragEnabled(True)
        self.table.setAcceptDrops(True)
        self.table.setDropIndicatorShown(True)
        self.table.setDragDropOverwriteMode(False)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.selectionModel().currentRowChanged.connect(self._show_case)
        self.total = QLabel()
        self.total.setAccessibleName("Time planned")
        self.minutes = QSpinBox()
        self.minutes.setRange(1, agenda.MAX_MINUTES)
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName("Time for this case")
        self.presenter = QComboBox()
        self.presenter.setAccessibleName("Presenter")
        self.gp = QComboBox()
        self.gp.setAccessibleName("GP slot")
        for combo in (self.presenter, self.gp):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(14)
        self.up_button = QPushButton("Up")
        self.down_button = QPushButton("Down")
        self.remove_button = QPushButton("Remo&ve")
        self.remove_button.setToolTip("Take the chosen cases off the agenda (Delete)")
        self.undo_button = QPushButton("&Undo")
        self.undo_button.setToolTip("Undo the last removal or addition (Ctrl+Z)")
        self.undo_button.setEnabled(False)
        self.group_button = QPushButton("&Group by GP")
        self.message = QLabel()
        self.message.setAccessibleName("What was done")
        self.minutes.editingFinished.connect(self._minutes_changed)
        self.presenter.activated.connect(lambda _i: self._person_changed("presenter_id"))
        self.gp.activated.connect(lambda _i: self._person_changed("gp_id"))
        self.up_button.clicked.connect(lambda: self.move_case(-1))
        self.down_button.clicked.connect(lambda: self.move_case(+1))
        self.remove_button.clicked.connect(self.remove)
        self.undo_button.clicked.connect(self.undo.undo)
        self.group_button.clicked.connect(self.group)
        case = QHBoxLayout()
        for label, widget in (
            ("Time", self.minutes),
            ("Presenter", self.presenter),
            ("GP slot", self.gp),
        ):
            case.addWidget(QLabel(label))
            case.addWidget(widget)
        case.addStretch()
        moves = QHBoxLayout()
        for button in (
            self.up_button,
            self.down_button,
            self.remove_button,
            self.undo_button,
            self.group_button,
        ):
            moves.addWidget(button)
        moves.addWidget(self.message, 1)
        agenda_box = QGroupBox("Agenda (drag rows, or Ctrl+Up and Ctrl+Down, to reorder)")
        agenda_layout = QVBoxLayout(agenda_box)
        agenda_layout.addWidget(self.table)
        agenda_layout.addWidget(self.total)
        agenda_layout.addLayout(case)
        agenda_layout.addLayout(moves)

        self.proposed = ProposalsPanel()
        self.proposed.add_wanted.connect(self._add)
        self.proposed.by_hand_wanted.connect(self.add_by_hand)

        self.problem = problem_label()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(agenda_box)
        split.addWidget(self.proposed)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.problem)
        layout.addWidget(split, 1)
        for keys, what, slot in (
            ("Ctrl+Up", "Agenda: move the case up", lambda: self.move_case(-1)),
            ("Ctrl+Down", "Agenda: move the case down", lambda: self.move_case(+1)),
            ("Ctrl+Shift+A", "Agenda: add a person by hand", self.add_by_hand),
            ("Ctrl+Z", "Agenda: undo the last removal or addition", self.undo.undo),
            (QKeySequence.StandardKey.Print, "Agenda: print it", self.bar.print_agenda),
        ):
            shortcut = QShortcut(QKeySequence(keys), self, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.setWhatsThis(what)
        remove = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table, self.remove)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove.setWhatsThis("Agenda: take the chosen cases off")
        self._set_case_enabled(False)

    # -- loading -------------------------------------------------------------------------
    @property
    def meeting_id(self) -> str | None:
        return self.loaded.meeting.id if self.loaded else None

    def show_meeting(self, meeting_id: str | None) -> None:
        if meeting_id != self.meeting_id:
            self.undo.forget()
            self.message.setText("")
        if meeting_id is None:
            self.loaded = None
            self.clear()
            return
        self.reload(meeting_id)

    def reload(self, meeting_id: str | None = None, select: str | None = None) -> None:
        wanted = meeting_id or self.meeting_id
        if wanted is None:
            return
        store = self.store
        self.worker.query(
            lambda: load(store, wanted), lambda r: self._fill(r, select), self._load_failed
        )

    def _load_failed(self, exc: BaseException) -> None:
        self.clear()
        self.problem.setText(str(exc))

    def _fill(self, loaded: Loaded, select: str | None) -> None:
        current = select or self._current_id()
        self.loaded = loaded
        m = loaded.meeting
        finished = m.state == "finished"
        self.bar.show_meeting(m, len(loaded.rows))
        self.model.movable = not finished
        going = self.undo.pending_ids()  # removed on screen, not written yet
        self._show_rows([r for r in loaded.rows if r.id not in going])
        self.proposed.show_proposals(loaded.proposals, finished, m.length_minutes)
        self._fill_people()
        ids = [r.id for r in self.model.rows]
        if current in ids:
            self.table.selectRow(ids.index(current))
        elif ids:
            self.table.selectRow(0)
        else:
            self._set_case_enabled(False)
        self.undo_button.setEnabled(self.undo.can_undo())
        self.problem.setText("")

    def _show_rows(self, rows: list[AgendaRow]) -> None:
        assert self.loaded is not None
        m = self.loaded.meeting
        t = agenda.timing(m.starts_at, m.length_minutes, rows)
        self.model.set_rows(rows, t.starts, agenda.slots(m.starts_at, rows))
        text = f"{len(rows)} cases · {t.total} of {t.length} minutes planned"
        if t.over:
            text += f" — {t.over} minutes over the meeting's length"
            self.total.setStyleSheet(f"color: {warning_colour().name()}; font-weight: bold;")
        else:
            self.total.setStyleSheet("")
        self.total.setText(text)

    def _fill_people(self) -> None:
        staff = self._staff()
        self._filling = True
        for combo, empty, only_gps in (
            (self.presenter, "No presenter", False),
            (self.gp, "No GP slot", True),
        ):
            combo.clear()
            combo.addItem(empty, None)
            for member in staff:
                if not only_gps or discipline_of(member.profession) == "GP":
                    combo.addItem(member.name, member.id)
        self._filling = False

    def clear(self) -> None:
        self.model.clear()
        self.proposed.clear()
        self.bar.clear()
        self.total.setText("")
        self._set_case_enabled(False)

    # -- the selected case ---------------------------------------------------------------
    def _current_id(self) -> str | None:
        row = self.table.currentIndex().row()
        return self.model.row_at(row).id if 0 <= row < self.model.rowCount() else None

    def _set_case_enabled(self, on: bool) -> None:
        for widget in (
            self.minutes,
            self.presenter,
            self.gp,
            self.up_button,
            self.down_button,
            self.remove_button,
            self.group_button,
        ):
            widget.setEnabled(on)  # fmt: skip

    def _show_case(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self._set_case_enabled(False)
            return
        row = self.model.row_at(current.row())
        self._filling = True
        self.minutes.setValue(row.minutes)
        self.presenter.setCurrentIndex(max(0, self.presenter.findData(row.presenter_id)))
        self.gp.setCurrentIndex(max(0, self.gp.findData(row.gp_id)))
        self._filling = False
        self._set_case_enabled(True)

    def _reason_if_finished(self, what: str) -> tuple[bool, str | None]:
        """(go ahead, reason): a finished meeting's record changes only with a reason."""
        if self.loaded is None or self.loaded.meeting.state != "finished":
            return True, None
        reason = ask_reason(self, what)
        return reason is not None, reason

    def _change(
        self, what: str, fn: Callable[[str | None], Any], select: str | None = None
    ) -> None:
        go, reason = self._reason_if_finished(what)
        if not go:
            self.reload()
            return
        self.worker.op(
            Change.MEETINGS, lambda: fn(reason), lambda _r: self._changed(select), self.fail
        )

    def _changed(self, select: str | None) -> None:
        # The meetings list reloads on the published change; this reselects the case.
        self.reload(select=select)

    def _minutes_changed(self) -> None:
        item = self._current_id()
        if (
            self._filling
            or item is None
            or self.model.row_at(self.table.currentIndex().row()).minutes == self.minutes.value()
        ):
            return
        minutes = self.minutes.value()
        store = self.store
        self._change(
            "the time for a case",
            lambda reason: agenda.update_item(store, item, minutes=minutes, reason_to_amend=reason),
            item,
        )

    def _person_changed(self, field: str) -> None:
        item = self._current_id()
        if self._filling or item is None:
            return
        combo = self.presenter if field == "presenter_id" else self.gp
        chosen = combo.currentData()
        store = self.store
        self._change(
            "a presenter or GP slot",
            lambda reason: agenda.update_item(
                store, item, reason_to_amend=reason, **{field: chosen}
            ),
            item,
        )

    # -- order ---------------------------------------------------------------------------
    def move_case(self, by: int) -> None:
        item = self._current_id()
        if item is None:
            return
        store = self.store
        self._change(
            "the order of the agenda",
            lambda reason: agenda.move(store, item, by, reason),
            item,
        )

    def reorder(self, order: list[str], select: str | None = None) -> None:
        meeting = self.meeting_id
        if meeting is None:
            return
        store = self.store
        self._change(
            "the order of the agenda",
            lambda reason: agenda.reorder(store, meeting, order, reason),
            select or self._current_id(),
        )

    def group(self) -> None:
        meeting = self.meeting_id
        if meeting is None:
            return
        store = self.store
        if self.loaded and self.loaded.meeting.state == "finished":
            return
        self.worker.op(
            Change.MEETINGS,
            lambda: agenda.group_by_gp(store, meeting),
            lambda _r: self._changed(None),
            self.fail,
        )

    def remove(self) -> None:
        """Take the chosen cases off at once; the store catches up behind (see agenda_undo)."""
        chosen = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not chosen and self.table.currentIndex().isValid():
            chosen = [self.table.currentIndex().row()]
        rows = [self.model.row_at(n) for n in chosen]
        if not rows or self.loaded is None:
            return
        decided = [r for r in rows if r.outcome not in (None, "pending")]
        if decided:
            self.problem.setText(agenda.kept_for_its_outcome(decided[0].name))
            return
        go, reason = self._reason_if_finished("the agenda")
        if not go:
            return
        ids = {r.id for r in rows}
        self._show_rows([r for r in self.model.rows if r.id not in ids])
        if self.model.rowCount():
            self.table.selectRow(min(chosen[0], self.model.rowCount() - 1))
        else:
            self._set_case_enabled(False)
        self.problem.setText("")
        self.message.setText(f"Removing {cases(len(ids))}…")
        self.undo_button.setEnabled(True)
        self.undo.remove([r.id for r in rows], reason)

    def _settled(self, said: str) -> None:
        self.message.setText(said)
        self.reload()

    # -- adding --------------------------------------------------------------------------
    def _add(self, wanted: list[tuple[str, str]]) -> None:
        meeting = self.meeting_id
        if meeting is None or not wanted:
            return
        go, reason = self._reason_if_finished("the agenda")
        if not go:
            return
        store = self.store

        def done(ids: list[str]) -> None:
            self.undo.added(ids, reason)
            self.message.setText(f"Added {cases(len(ids))}. Ctrl+Z takes them off again.")
            self._changed(None)

        self.worker.op(
            Change.MEETINGS,
            lambda: agenda.add(store, meeting, wanted, reason_to_amend=reason),
            done,
            self.fail,
        )

    def add_by_hand(self) -> None:
        if self.loaded is None or self.loaded.meeting.state == "finished":
            return
        dialog = AddCaseDialog(self._caseload(), self.loaded.meeting.state != "planned", self)
        dialog.setObjectName("add-case-dialog")

        def chosen() -> None:
            patient = dialog.chosen()
            if patient is not None:
                self._add([(patient, dialog.reason.text().strip())])

        dialog.accepted.connect(chosen)
        dialog.open()

    def fail(self, exc: BaseException) -> None:
        self.problem.setText(str(exc))
        self.reload()
