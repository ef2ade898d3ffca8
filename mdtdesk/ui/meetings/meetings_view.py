"""The Meetings tab: past and coming meetings on the left, the chosen one's agenda on
the right. The next coming meeting is chosen when the tab first fills."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from mdtdesk.caseload.filtering import CaseloadIndex
from mdtdesk.clock import short_day
from mdtdesk.meetings import schedule
from mdtdesk.meetings.schedule import MeetingRow
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import StaffChoice
from mdtdesk.store.vocab import MEETING_STATE
from mdtdesk.ui.meetings.agenda_builder import AgendaBuilder
from mdtdesk.ui.meetings.meeting_dialogs import ScheduleDialog
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.look import list_table, problem_label
from mdtdesk.ui.widgets.rows_model import RowsModel
from mdtdesk.ui.widgets.worker import StoreWorker


def _day(at: datetime) -> str:
    local = at.astimezone()
    return f"{local:%a} {short_day(local)}"


class MeetingsView(QWidget):
    start_meeting = Signal(str)

    def __init__(
        self,
        store: OpenStore,
        worker: StoreWorker,
        staff: Callable[[], list[StaffChoice]],
        caseload: Callable[[], CaseloadIndex],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.worker, self._staff = store, worker, staff
        self.meetings = RowsModel[MeetingRow](
            [
                ("Date", lambda m: _day(m.starts_at)),
                ("Time", lambda m: f"{m.starts_at.astimezone():%H:%M}"),
                ("State", lambda m: MEETING_STATE[m.state]),
                ("Cases", lambda m: str(m.cases)),
            ]
        )
        self.table = list_table(self.meetings, "Meetings")
        self.table.selectionModel().selectionChanged.connect(self._chosen)
        self.plan_button = QPushButton("Plan a meeting…")  # Ctrl+Shift+N; P is a menu's
        self.plan_button.clicked.connect(self.plan)
        self.problem = problem_label()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Meetings, oldest first"))
        left_layout.addWidget(self.table)
        left_layout.addWidget(self.plan_button)
        left_layout.addWidget(self.problem)
        self.builder = AgendaBuilder(store, worker, staff, caseload, self)
        self.builder.start_meeting.connect(self.start_meeting)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.builder)
        split.setStretchFactor(1, 4)
        split.setSizes([300, 1100])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._chose_once = False
        # Read when first shown, like every tab behind the caseload: unlock to the first
        # page waited for the meetings list, its agenda and its proposals (800 ms at
        # 10,000 people).
        worker.reload_on(
            self, Change.MEETINGS | Change.PATIENTS | Change.STAFF, self.reload, stale=True
        )

    def reload(self, select: str | None = None) -> None:
        store = self.store
        self.worker.query(
            lambda: schedule.list_meetings(store),
            lambda rows: self._fill(rows, select),
            lambda exc: self.problem.setText(str(exc)),
        )

    def _fill(self, rows: list[MeetingRow], select: str | None) -> None:
        wanted = select or self.builder.meeting_id
        if wanted is None and not self._chose_once:
            now = self.store.clock.now()
            coming = [m for m in rows if m.state != "finished" and m.starts_at >= now]
            running = [m for m in rows if m.state == "in_progress"]
            picks = running or coming or rows[-1:]
            wanted = picks[0].id if picks else None
        self._chose_once = True
        self.table.selectionModel().blockSignals(True)
        self.meetings.set_rows(rows)
        self.table.selectionModel().blockSignals(False)
        ids = [m.id for m in rows]
        if wanted in ids:
            self.table.selectRow(ids.index(wanted))
            self.table.scrollTo(self.meetings.index(ids.index(wanted), 0))
            if wanted != self.builder.meeting_id:
                self.builder.show_meeting(wanted)

    def _chosen(self, _new: QItemSelection, _old: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.builder.show_meeting(self.meetings.row_at(rows[0].row()).id)

    def plan(self) -> None:
        dialog = ScheduleDialog(
            self._staff(), self.store.actor.staff_id, self.store.clock.now(), None, self
        )
        dialog.setObjectName("schedule-dialog")
        store = self.store

        def save() -> None:
            starts, length = dialog.starts_at(), dialog.length.value()
            place, chair, weeks = (
                dialog.place.text(),
                dialog.chair.currentData(),
                dialog.weeks.value(),
            )
            self.worker.op(
                Change.MEETINGS,
                lambda: schedule.schedule(
                    store,
                    starts_at=starts,
                    length_minutes=length,
                    place=place,
                    chair_id=chair,
                    weeks=weeks,
                ),
                lambda ids: self.reload(select=ids[0]),
                lambda exc: self.problem.setText(str(exc)),
            )

        dialog.accepted.connect(save)
        dialog.open()

    def clear(self) -> None:
        self.meetings.clear()
        self.builder.clear()
