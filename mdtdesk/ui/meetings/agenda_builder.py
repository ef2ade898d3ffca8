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
from mdtdesk.meetings import agenda, attendance, rules, schedule
from mdtdesk.meetings.agenda import AgendaRow, Slot, Timing
from mdtdesk.meetings.rules import Proposal
from mdtdesk.meetings.schedule import MeetingRow
from mdtdesk.nhs_number import format_nhs
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import StaffChoice
from mdtdesk.store.vocab import MEETING_STATE, discipline_of
from mdtdesk.ui.meetings.agenda_model import AgendaModel
from mdtdesk.ui.meetings.meeting_dialogs import (
    AddCaseDialog,
    ScheduleDialog,
    SettingsDialog,
    ask_reason,
)
from mdtdesk.ui.meetings.meeting_papers_view import open_paper, open_summaries
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.guarded import confirm
from mdtdesk.ui.widgets.look import list_table, problem_label, warning_colour
from mdtdesk.ui.widgets.rows_model import RowsModel
from mdtdesk.ui.widgets.worker import StoreWorker


@dataclass(frozen=True)
class Loaded:
    meeting: MeetingRow
    rows: list[AgendaRow]
    timing: Timing
    slots: list[Slot]
    proposals: list[Proposal]


def load(store: OpenStore, meeting_id: str) -> Loaded:
    meeting = schedule.meeting_row(store, meeting_id)
    rows = agenda.agenda(store, meeting_id)
    proposals = rules.propose(store, meeting_id) if meeting.state != "finished" else []
    return Loaded(
        meeting,
        rows,
        agenda.timing(meeting.starts_at, meeting.length_minutes, rows),
        agenda.slots(meeting.starts_at, rows),
        proposals,
    )


def describe(m: MeetingRow) -> str:
    local = m.starts_at.astimezone()
    chair = f" · Chair: {m.chair}" if m.chair else ""
    return (
        f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M} · {m.length_minutes} min · "
        f"{m.place or 'no place set'}{chair} · {MEETING_STATE[m.state]}"
    )


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
        self.title = QLabel("Choose a meeting, or plan one (Ctrl+Shift+N).")
        self.title.setAccessibleName("Meeting")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.edit_button = QPushButton("Change &details…")
        self.circulate_button = QPushButton("Mark agenda &circulated")
        self.start_button = QPushButton("&Start meeting")
        self.print_button = QPushButton("&Print agenda…")
        self.minutes_button = QPushButton("&Minutes…")
        self.summaries_button = QPushButton("&Outcome summaries…")
        self.plans_button = QPushButton("Care pla&ns…")
        self.plans_button.setToolTip("Print the care plans of everyone on the agenda, in one go")
        self.settings_button = QPushButton("Rules and &quorum…")
        # The buttons that act on the chosen meeting (off until one is chosen).
        self.meeting_buttons = (
            self.edit_button,
            self.circulate_button,
            self.start_button,
            self.print_button,
            self.minutes_button,
            self.summaries_button,
            self.plans_button,
        )
        for button in self.meeting_buttons:
            button.setEnabled(False)
        self.edit_button.clicked.connect(self.edit_details)
        self.circulate_button.clicked.connect(self.circulate)
        self.start_button.clicked.connect(self._start)
        self.print_button.clicked.connect(lambda: self.preview("agenda"))
        self.minutes_button.clicked.connect(lambda: self.preview("minutes"))
        self.summaries_button.clicked.connect(self.preview_summaries)
        self.plans_button.clicked.connect(self.print_care_plans)
        self.settings_button.clicked.connect(self.settings)
        # Two rows, so the tab fits a 1024-pixel-wide screen.
        actions = QVBoxLayout()
        running_row, papers_row = QHBoxLayout(), QHBoxLayout()
        for button in self.meeting_buttons[:3]:
            running_row.addWidget(button)
        running_row.addStretch()
        running_row.addWidget(self.settings_button)
        for button in self.meeting_buttons[3:]:
            papers_row.addWidget(button)
        papers_row.addStretch()
        actions.addLayout(running_row)
        actions.addLayout(papers_row)

        self.model = AgendaModel()
        self.model.reordered.connect(self.reorder)
        self.table = list_table(self.model, "Agenda")
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
        self.remove_button = QPushButton("&Remove")
        self.group_button = QPushButton("&Group by GP")
        self.minutes.editingFinished.connect(self._minutes_changed)
        self.presenter.activated.connect(lambda _i: self._person_changed("presenter_id"))
        self.gp.activated.connect(lambda _i: self._person_changed("gp_id"))
        self.up_button.clicked.connect(lambda: self.move_case(-1))
        self.down_button.clicked.connect(lambda: self.move_case(+1))
        self.remove_button.clicked.connect(self.remove)
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
        for button in (self.up_button, self.down_button, self.remove_button, self.group_button):
            moves.addWidget(button)
        moves.addStretch()
        agenda_box = QGroupBox("Agenda (drag rows, or Ctrl+Up and Ctrl+Down, to reorder)")
        agenda_layout = QVBoxLayout(agenda_box)
        agenda_layout.addWidget(self.table)
        agenda_layout.addWidget(self.total)
        agenda_layout.addLayout(case)
        agenda_layout.addLayout(moves)

        self.proposals = RowsModel[Proposal](
            [
                ("Name", lambda p: p.name),
                ("NHS number", lambda p: format_nhs(p.nhs_number)),
                ("Why proposed", lambda p: p.reason),
            ]
        )
        self.proposal_table = list_table(self.proposals, "Proposed people")
        self.proposal_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.proposal_table.activated.connect(lambda _i: self.add_proposed())
        self.add_button = QPushButton("&Add to agenda")
        self.add_all_button = QPushButton("Add a&ll")
        self.add_by_hand_button = QPushButton("Add a person by &hand…")
        self.add_button.clicked.connect(self.add_proposed)
        self.add_all_button.clicked.connect(self.add_all)
        self.add_by_hand_button.clicked.connect(self.add_by_hand)
        self.proposal_count = QLabel()
        proposal_box = QGroupBox("Proposed by the rules")
        proposal_layout = QVBoxLayout(proposal_box)
        proposal_layout.addWidget(self.proposal_count)
        proposal_layout.addWidget(self.proposal_table)
        adds = QHBoxLayout()
        for button in (self.add_button, self.add_all_button, self.add_by_hand_button):
            adds.addWidget(button)
        adds.addStretch()
        proposal_layout.addLayout(adds)

        self.problem = problem_label()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(agenda_box)
        split.addWidget(proposal_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(actions)
        layout.addWidget(self.problem)
        layout.addWidget(split, 1)
        for keys, slot in (
            ("Ctrl+Up", lambda: self.move_case(-1)),
            ("Ctrl+Down", lambda: self.move_case(+1)),
            ("Ctrl+Shift+A", self.add_by_hand),
            (QKeySequence.StandardKey.Print, lambda: self.preview("agenda")),
        ):
            shortcut = QShortcut(QKeySequence(keys), self, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        remove = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table, self.remove)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        self._set_case_enabled(False)

    # -- loading -------------------------------------------------------------------------
    @property
    def meeting_id(self) -> str | None:
        return self.loaded.meeting.id if self.loaded else None

    def show_meeting(self, meeting_id: str | None) -> None:
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
        self.title.setText(describe(m))
        finished = m.state == "finished"
        self.edit_button.setEnabled(True)
        self.circulate_button.setEnabled(m.state == "planned")
        self.start_button.setEnabled(True)
        self.start_button.setText(
            {
                "in_progress": "Resume &meeting",
                "finished": "Open &record",
            }.get(m.state, "&Start meeting")
        )
        self.print_button.setEnabled(bool(loaded.rows))
        self.plans_button.setEnabled(bool(loaded.rows))
        self.minutes_button.setEnabled(m.state in ("in_progress", "finished"))
        self.summaries_button.setEnabled(finished)
        self.model.movable = not finished
        self.model.set_rows(loaded.rows, loaded.timing.starts, loaded.slots)
        t = loaded.timing
        text = f"{len(loaded.rows)} cases · {t.total} of {t.length} minutes planned"
        if t.over:
            text += f" — {t.over} minutes over the meeting's length"
            self.total.setStyleSheet(f"color: {warning_colour().name()}; font-weight: bold;")
        else:
            self.total.setStyleSheet("")
        self.total.setText(text)
        self.proposals.set_rows(loaded.proposals)
        self.proposal_count.setText(
            "The meeting is finished."
            if finished
            else f"{len(loaded.proposals)} people match a rule and are not on the agenda yet."
        )
        for button in (self.add_button, self.add_all_button):
            button.setEnabled(bool(loaded.proposals))
        self.add_by_hand_button.setEnabled(not finished)
        self._fill_people()
        ids = [r.id for r in loaded.rows]
        if current in ids:
            self.table.selectRow(ids.index(current))
        elif ids:
            self.table.selectRow(0)
        else:
            self._set_case_enabled(False)
        self.problem.setText("")

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
        self.proposals.clear()
        self.title.setText("Choose a meeting, or plan one (Ctrl+Shift+N).")
        self.total.setText("")
        self.proposal_count.setText("")
        for button in self.meeting_buttons:
            button.setEnabled(False)
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
        item = self._current_id()
        if item is None:
            return
        store = self.store
        self._change("the agenda", lambda reason: agenda.remove(store, item, reason))

    # -- adding --------------------------------------------------------------------------
    def _add(self, cases: list[tuple[str, str]]) -> None:
        meeting = self.meeting_id
        if meeting is None or not cases:
            return
        store = self.store
        self._change(
            "the agenda",
            lambda reason: agenda.add(store, meeting, cases, reason_to_amend=reason),
        )

    def add_proposed(self) -> None:
        rows = sorted({i.row() for i in self.proposal_table.selectionModel().selectedRows()})
        self._add(
            [(self.proposals.row_at(r).patient_id, self.proposals.row_at(r).reason) for r in rows]
        )

    def add_all(self) -> None:
        """Add everyone proposed, after saying how many and how long that would run
        ("Add all" once put 545 people on one agenda without a word)."""
        wanted = [(p.patient_id, p.reason) for p in self.proposals.all()]
        if not wanted or self.loaded is None:
            return
        length = self.loaded.meeting.length_minutes
        asked = f"Add all {len(wanted)} people proposed to this {length}-minute meeting's agenda?"
        if confirm(self, "Add everyone proposed", asked):
            self._add(wanted)

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

    # -- state and papers ----------------------------------------------------------------
    def edit_details(self) -> None:
        if self.loaded is None:
            return
        m = self.loaded.meeting
        dialog = ScheduleDialog(self._staff(), self.store.actor.staff_id, m.starts_at, m, self)
        dialog.setObjectName("schedule-dialog")
        store = self.store

        def save() -> None:
            starts, length = dialog.starts_at(), dialog.length.value()
            place, chair = dialog.place.text(), dialog.chair.currentData()
            self._change(
                "the meeting's details",
                lambda reason: schedule.edit(
                    store,
                    m.id,
                    starts_at=starts,
                    length_minutes=length,
                    place=place,
                    chair_id=chair,
                    reason=reason,
                ),
            )

        dialog.accepted.connect(save)
        dialog.open()

    def circulate(self) -> None:
        meeting = self.meeting_id
        if meeting is None:
            return
        store = self.store
        self.worker.op(
            Change.MEETINGS,
            lambda: schedule.circulate(store, meeting),
            lambda _r: self._changed(None),
            self.fail,
        )

    def _start(self) -> None:
        if self.meeting_id is not None:
            self.start_meeting.emit(self.meeting_id)

    def preview(self, kind: str) -> None:
        meeting = self.meeting_id
        if meeting is None or (kind == "agenda" and not self.model.rowCount()):
            return
        open_paper(self, self.store, self.worker, meeting, kind, self.fail)

    def preview_summaries(self) -> None:
        if self.meeting_id is not None:
            open_summaries(self, self.store, self.worker, self.meeting_id, self.fail)

    def print_care_plans(self) -> None:
        """Ask the care plan screens (wired by the workspace) to print the agenda's plans."""
        if self.meeting_id is not None and self.model.rowCount():
            self.print_plans_asked.emit(self.meeting_id)

    def settings(self) -> None:
        store = self.store

        self.worker.query(
            lambda: (rules.settings(store), attendance.required(store)),
            self._show_settings,
            self.fail,
        )

    def _show_settings(self, current: tuple[rules.RuleSettings, tuple[str, ...]]) -> None:
        dialog = SettingsDialog(current[0], current[1], self)
        dialog.setObjectName("meeting-settings")
        store = self.store

        def save() -> None:
            chosen, quorum = dialog.chosen_rules(), dialog.chosen_quorum()

            def write() -> None:
                rules.save_settings(store, chosen)
                attendance.set_quorum(store, quorum)

            self.worker.op(Change.MEETINGS, write, lambda _r: self.reload(), self.fail)

        dialog.accepted.connect(save)
        dialog.open()

    def fail(self, exc: BaseException) -> None:
        self.problem.setText(str(exc))
        self.reload()
