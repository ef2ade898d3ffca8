"""The Actions tab: the worklist by when things are due, with counts; filters by owner,
person and service; status in a keystroke (Ctrl+1 open … Ctrl+4 done, Ctrl+5
cancel), bulk reassignment, undo of the last change, and the home-visits list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.actions import referrals, tracking
from mdtdesk.actions.referrals import ServiceRow, referral_line
from mdtdesk.actions.tracking import Changed
from mdtdesk.actions.worklist import BUCKETS, Filter, WorkItem, Worklist, worklist
from mdtdesk.clock import today
from mdtdesk.nhs_number import format_nhs
from mdtdesk.patients.voice_figures import Due, due_list
from mdtdesk.printing.visits_paper import VisitsPaper, log_visits_printed, visits_pdf
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import StaffChoice
from mdtdesk.store.vocab import ACTION_STATUS, PRIORITY, TIMEPOINT
from mdtdesk.ui.actions.action_dialog import ActionDialog
from mdtdesk.ui.actions.worklist_dialogs import ReassignDialog, VisitsDialog
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.look import list_table, problem_label, warning_colour
from mdtdesk.ui.widgets.pdf_preview import PdfPreview
from mdtdesk.ui.widgets.rows_model import Index, RowsModel
from mdtdesk.ui.widgets.worker import StoreWorker

STATUS_KEYS = ("open", "in_progress", "waiting", "done", "cancelled")  # Ctrl+1 … Ctrl+5
EVERYONE = "everyone"


def _day(item: WorkItem) -> str:
    d = item.due_date
    return f"{d:%a} {d.day} {d:%b %Y}" if d else "no date"


def _referral(item: WorkItem) -> str:
    return referral_line(item.service, item.referral_status) if item.service else ""


class WorkModel(RowsModel[WorkItem]):
    """The worklist rows; an overdue row's date is in the warning colour."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.isValid()
            and index.column() in (0, 1)
            and self.row_at(index.row()).bucket == "overdue"
        ):
            return QBrush(warning_colour())
        return super().data(index, role)


class WorklistView(QWidget):
    open_patient = Signal(str)

    def __init__(
        self,
        store: OpenStore,
        worker: StoreWorker,
        staff: Callable[[], list[StaffChoice]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.worker, self._staff = store, worker, staff
        self.listed: Worklist | None = None
        self.last: Changed | None = None
        self.first_load = True
        self._select_next: set[str] | None = None  # ids to select when the rows next arrive
        self._names: dict[str, str] = {}  # action id -> person, of the last change made here
        # Read when the tab is first shown, and again after any change it lists.
        worker.reload_on(
            self,
            Change.ACTIONS | Change.PATIENTS | Change.STAFF | Change.SERVICES,
            self.reload,
            stale=True,
        )
        self.owner = QComboBox()
        self.owner.setAccessibleName("Whose actions")
        self.owner.addItem("My actions", store.actor.staff_id)
        self.owner.addItem("Everyone's", EVERYONE)
        self.owner.currentIndexChanged.connect(self.reload)
        self.patient = QLineEdit()
        self.patient.setPlaceholderText("Person: name or NHS number")
        self.patient.setAccessibleName("Person")
        self.patient.setClearButtonEnabled(True)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(250)
        self._typing.timeout.connect(self.reload)
        self.patient.textChanged.connect(lambda _t: self._typing.start())
        self.service = QComboBox()
        self.service.setAccessibleName("Referral service")
        self.service.addItem("Any service", None)
        self.service.currentIndexChanged.connect(self.reload)
        self.closed = QCheckBox("Show done and &cancelled")
        self.closed.toggled.connect(self.reload)
        filters = QHBoxLayout()
        for label, widget in (("&Whose", self.owner), ("P&erson", self.patient)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget, 1 if widget is self.patient else 0)
        filters.addWidget(self.service)
        filters.addWidget(self.closed)

        self.buckets = QButtonGroup(self)
        self.buckets.setExclusive(True)
        bucket_row = QHBoxLayout()
        for key in ("all", *BUCKETS):
            button = QPushButton()
            button.setCheckable(True)
            button.setProperty("bucket", key)
            button.setAccessibleName(BUCKETS.get(key, "All"))
            self.buckets.addButton(button)
            bucket_row.addWidget(button)
            button.setChecked(key == "all")
        bucket_row.addStretch(1)
        self.buckets.buttonClicked.connect(lambda _b: self._show())

        self.model = WorkModel(
            [
                ("When", lambda i: BUCKETS[i.bucket]),
                ("Due", _day),
                ("Priority", lambda i: PRIORITY.get(i.priority, i.priority)),
                ("Person", lambda i: i.patient),
                ("NHS number", lambda i: format_nhs(i.nhs_number)),
                ("Action", lambda i: i.description),
                ("Owner", lambda i: i.owner),
                ("Status", lambda i: ACTION_STATUS.get(i.status, i.status)),
                ("Referral", _referral),
                ("From", lambda i: i.source),
            ]
        )
        self.table = list_table(self.model, "Actions")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.activated.connect(lambda _i: self.open_action())

        def make(text: str, tip: str, slot: Callable[[], None]) -> QPushButton:
            made = QPushButton(text)
            made.setToolTip(tip)
            made.clicked.connect(slot)
            return made

        self.open_button = make(
            "Open &record", "Open the person's record (Ctrl+O)", self.open_record
        )
        self.update_button = make(
            "&Update…", "Change or read this action (Enter)", self.open_action
        )
        self.done_button = make(
            "Mark &done", "Mark the chosen actions done (Ctrl+4)", lambda: self.set_status("done")
        )
        self.reassign_button = make(
            "Reass&ign…", "Give the chosen actions to someone else (Ctrl+R)", self.reassign
        )
        self.undo_button = make("U&ndo", "Undo the last change (Ctrl+Z)", self.undo)
        self.undo_button.setEnabled(False)
        self.print_button = make(
            "Print &visits list…", "A day of home visits (Ctrl+P)", self.print_visits
        )
        actions_row = QHBoxLayout()
        for b in (
            self.open_button,
            self.update_button,
            self.done_button,
            self.reassign_button,
            self.undo_button,
        ):
            actions_row.addWidget(b)
        actions_row.addStretch(1)
        actions_row.addWidget(self.print_button)
        self.message = QLabel()
        self.message.setAccessibleName("Result")
        self.message.setWordWrap(True)
        self.problem = problem_label()
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(bucket_row)
        self.due = QLabel()
        self.due.setAccessibleName("Questionnaires due")
        self.due.setWordWrap(True)
        self.due.hide()
        layout.addWidget(self.due)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions_row)
        layout.addWidget(self.message)
        layout.addWidget(self.problem)
        keys: list[tuple[str, str, Callable[[], None]]] = [
            (f"Ctrl+{n}", f"Actions: mark {ACTION_STATUS[s].lower()}", partial(self.set_status, s))
            for n, s in enumerate(STATUS_KEYS, 1)
        ]
        keys += [
            ("Ctrl+R", "Actions: reassign", self.reassign),
            ("Ctrl+Z", "Actions: undo the last change", self.undo),
            ("Ctrl+P", "Actions: print the home-visits list", self.print_visits),
            ("Ctrl+O", "Actions: open the person's record", self.open_record),
        ]
        for sequence, what, slot in keys:
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.setWhatsThis(what)
            shortcut.activated.connect(slot)

    # -- loading -------------------------------------------------------------------
    def wanted(self) -> Filter:
        owner = self.owner.currentData()
        return Filter(
            owner_id=None if owner == EVERYONE else owner,
            patient=self.patient.text(),
            service_id=self.service.currentData(),
            closed=self.closed.isChecked(),
        )

    def reload(self) -> None:
        store, wanted = self.store, self.wanted()
        first = self.first_load
        self.first_load = False

        def load() -> tuple[Worklist, list[ServiceRow]]:
            listed = worklist(store, wanted)
            if first and wanted.owner_id is not None and not listed.items:
                listed = worklist(store, replace(wanted, owner_id=None))
            return listed, referrals.services(store, retired=True)

        self.worker.query(load, lambda r: self._loaded(r, first), self._failed)

    def _read_due(self) -> None:
        store, owner = self.store, self.wanted().owner_id
        self.worker.query(lambda: due_list(store, owner), self._show_due, self._failed)

    def _show_due(self, due: list[Due]) -> None:
        """The experience questionnaires due for the people of the owner shown."""
        named = [f"{d.name} ({TIMEPOINT[d.timepoint].lower()})" for d in due[:6]]
        more = f" and {len(due) - 6:,} more" if len(due) > 6 else ""
        self.due.setText(
            f"Questionnaires due: {', '.join(named)}{more}. Ask them from the record's "
            "Experience tab."
            if due
            else ""
        )
        self.due.setVisible(bool(due))

    def _loaded(self, result: tuple[Worklist, list[ServiceRow]], first: bool) -> None:
        listed, services = result
        if (
            first
            and self.owner.currentData() != EVERYONE
            and listed.items
            and all(i.owner_id != self.store.actor.staff_id for i in listed.items)
        ):
            # Nothing is mine: show everyone's rather than an empty list.
            self.owner.blockSignals(True)
            self.owner.setCurrentIndex(self.owner.findData(EVERYONE))
            self.owner.blockSignals(False)
            self.message.setText("You own no open actions, so everyone's are shown.")
        self._fill_choices(services)
        self.listed = listed
        self._show()
        self._read_due()  # for the owner now chosen, which the first read may have changed

    def _fill_choices(self, services: list[ServiceRow]) -> None:
        have = {self.owner.itemData(i) for i in range(self.owner.count())}
        for member in self._staff():
            if member.id not in have and member.id != self.store.actor.staff_id:
                self.owner.addItem(member.name, member.id)
        have = {self.service.itemData(i) for i in range(self.service.count())}
        for s in services:
            if s.id not in have:
                self.service.addItem(s.name if s.active else f"{s.name} (retired)", s.id)

    def _show(self) -> None:
        if self.listed is None:
            return
        chosen = self.buckets.checkedButton()
        bucket = chosen.property("bucket") if chosen else "all"
        counts = self.listed.counts
        for b in self.buckets.buttons():
            key = b.property("bucket")
            count = len(self.listed.items) if key == "all" else counts.get(key, 0)
            b.setText(f"{BUCKETS.get(key, 'All')} ({count})")
            b.setVisible(key != "closed" or self.closed.isChecked())
        rows = [i for i in self.listed.items if bucket in ("all", i.bucket)]
        keep = self._select_next if self._select_next is not None else {i.id for i in self.chosen()}
        first = self._select_next is None and not self.model.rowCount()
        self._select_next = None
        self.model.set_rows(rows)
        self._reselect(keep, first)

    def _reselect(self, ids: set[str], first: bool) -> None:
        """Select the same actions again. When they have gone from the list, nothing is
        chosen: a selection that slid onto the next row once let Ctrl+4 close another
        person's action."""
        selection = self.table.selectionModel()
        wanted = QItemSelection()
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).id in ids:
                wanted.select(self.model.index(row, 0), self.model.index(row, 0))
        flags = QItemSelectionModel.SelectionFlag
        selection.select(wanted, flags.ClearAndSelect | flags.Rows)
        if first and not selection.hasSelection() and self.model.rowCount():
            self.table.selectRow(0)
        chosen = selection.selectedRows()
        if chosen:
            selection.setCurrentIndex(chosen[0], flags.NoUpdate)
            self.table.scrollTo(chosen[0])

    def chosen(self) -> list[WorkItem]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(r) for r in rows if r < self.model.rowCount()]

    def _failed(self, exc: BaseException) -> None:
        self.problem.setText(str(exc))

    # -- changing ------------------------------------------------------------------
    def _run(self, work: Callable[[], Changed], said: str) -> None:
        self.problem.setText("")

        def done(changed: Changed) -> None:
            self.last = changed if changed.changes else self.last
            self.undo_button.setEnabled(self.last is not None)
            skipped = f" Left alone: {'; '.join(changed.skipped)}." if changed.skipped else ""
            self.message.setText(f"{said}{skipped} Ctrl+Z undoes it.")

        self.worker.op(Change.ACTIONS, work, done, self._failed)

    def set_status(self, status: str) -> None:
        items = self.chosen()
        if not items:
            self.problem.setText("Choose an action in the list first.")
            return
        label = ACTION_STATUS[status].lower()
        if status == "cancelled" or all(i.status in ("done", "cancelled") for i in items):
            note, ok = QInputDialog.getText(self, "Why?", f"Why is this action {label}?")
            if not ok:
                return
        else:
            note = ""
        ids, store = [i.id for i in items], self.store
        self._names = {i.id: i.patient for i in items}
        what = (
            f"{items[0].patient}: {items[0].description}"
            if len(items) == 1
            else f"{len(items)} actions"
        )
        self._run(lambda: tracking.set_statuses(store, ids, status, note), f"{what}: {label}.")

    def undo(self) -> None:
        if self.last is None:
            return
        last, store = self.last, self.store
        self.last = None
        self.undo_button.setEnabled(False)
        self.problem.setText("")

        def done(_changed: Changed) -> None:
            # The rows put back are the ones chosen next, not whatever row the list
            # now shows where they were.
            self._select_next = {c.action_id for c in last.changes}
            people = sorted({self._names[i] for i in self._select_next if i in self._names})
            self.message.setText("Undone" + (f": {', '.join(people)}." if people else "."))

        self.worker.op(Change.ACTIONS, lambda: tracking.undo(store, last), done, self._failed)

    def reassign(self) -> None:
        items = self.chosen()
        if not items:
            self.problem.setText("Choose the actions to reassign (Ctrl+A chooses them all).")
            return
        dialog = ReassignDialog(self._staff(), len(items), self)
        dialog.setObjectName("reassign-dialog")

        def chosen() -> None:
            owner, note, store = dialog.owner.currentData(), dialog.note.text(), self.store
            ids = [i.id for i in items]
            self._names = {i.id: i.patient for i in items}
            said = f"{len(ids)} reassigned to {dialog.owner.currentText().split(' (')[0]}."
            self._run(lambda: tracking.reassign(store, ids, owner, note), said)

        dialog.accepted.connect(chosen)
        dialog.open()

    def open_action(self) -> None:
        items = self.chosen()
        if not items:
            return
        dialog = ActionDialog(self.store, self.worker, items[0].id, self)
        dialog.setObjectName("action-dialog")
        dialog.changed.connect(lambda changed: self._changed_in_dialog(changed))
        dialog.open()
        dialog.load()

    def _changed_in_dialog(self, changed: Changed) -> None:
        if changed.changes:
            self.last = changed
            self.undo_button.setEnabled(True)
            self.message.setText("Saved. Ctrl+Z undoes it.")
        self.reload()

    def open_record(self) -> None:
        items = self.chosen()
        if items:
            self.open_patient.emit(items[0].patient_id)

    # -- printing ------------------------------------------------------------------
    def print_visits(self) -> None:
        items = self.chosen()
        owner = self.wanted().owner_id or self.store.actor.staff_id
        people = list(dict.fromkeys(i.patient_id for i in items))
        dialog = VisitsDialog(self._staff(), owner, today(self.store.clock), len(people), self)
        dialog.setObjectName("visits-dialog")

        def chosen() -> None:
            owner_id, day, store = dialog.owner.currentData(), dialog.chosen_day(), self.store
            only = people if dialog.only_chosen.isChecked() else None
            self.worker.query(
                lambda: visits_pdf(store, owner_id, day, only),
                lambda made: self._preview(owner_id, made),
                self._failed,
            )

        dialog.accepted.connect(chosen)
        dialog.open()

    def _preview(self, owner_id: str, made: VisitsPaper) -> None:
        store = self.store

        def printed(how: str) -> None:
            self.worker.op(
                Change.NOTHING,
                lambda: log_visits_printed(store, owner_id, how, made.count),
                lambda _r: None,
                self._failed,
            )

        preview = PdfPreview("Home visits", made.name, made.pdf, printed, self)
        preview.setObjectName("preview-visits")
        preview.open()

    def clear(self) -> None:
        self.listed = None
        self.last = None
        self.model.clear()
        self.patient.clear()
        self.message.clear()
        self.due.clear()
