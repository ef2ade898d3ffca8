"""The Coordinators tab: each named coordinator's load (people, actions open and
overdue, people not contacted lately, reviews passed) and, for the one chosen, their
people with last contact and next review. Enter on a person opens their record."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from mdtdesk.actions.coordinators import QUIET_WEEKS, CoordinatorLoad, Loads, PersonLoad, loads
from mdtdesk.clock import short_day, today
from mdtdesk.nhs_number import format_nhs
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import CASELOAD_STATUS
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.look import list_table, problem_label
from mdtdesk.ui.widgets.rows_model import RowsModel
from mdtdesk.ui.widgets.worker import StoreWorker


def _when(at: datetime | None) -> str:
    return short_day(at.astimezone()) if at else "never"


def _day(day: date | None, on: date) -> str:
    if day is None:
        return "not set"
    return short_day(day) + (" (passed)" if day < on else "")


class CoordinatorsView(QWidget):
    open_patient = Signal(str)

    def __init__(self, store: OpenStore, worker: StoreWorker, parent: QWidget | None = None):
        super().__init__(parent)
        worker.reload_on(
            self, Change.ACTIONS | Change.PATIENTS | Change.STAFF, self.reload, stale=True
        )
        self.store, self.worker = store, worker
        self.on = today(store.clock)
        self.rows = RowsModel[CoordinatorLoad](
            [
                ("Coordinator", lambda r: r.name),
                ("Practice", lambda r: r.practice),
                ("People", lambda r: str(len(r.people))),
                ("Open actions", lambda r: str(r.open_actions)),
                ("Overdue", lambda r: str(r.overdue_actions)),
                (f"No contact {QUIET_WEEKS}+ weeks", lambda r: str(r.quiet)),
                ("Review passed or not set", lambda r: str(r.reviews_due)),
                ("Last contact", lambda r: _when(r.last_contact) if r.people else "—"),
            ]
        )
        self.table = list_table(self.rows, "Coordinators")
        self.table.selectionModel().selectionChanged.connect(self._chosen)
        self.people = RowsModel[PersonLoad](
            [
                ("Person", lambda p: p.name),
                ("NHS number", lambda p: format_nhs(p.nhs_number)),
                ("Status", lambda p: CASELOAD_STATUS.get(p.status, p.status)),
                ("Last contact", lambda p: _when(p.last_contact)),
                ("Next review", lambda p: _day(p.next_review, self.on)),
                ("Open actions", lambda p: str(p.open_actions)),
                ("Overdue", lambda p: str(p.overdue_actions)),
            ]
        )
        self.people_view = list_table(self.people, "Their people")
        self.people_view.activated.connect(
            lambda index: self.open_patient.emit(self.people.row_at(index.row()).patient_id)
        )
        self.caption = QLabel("Choose a coordinator to see their people.")
        self.refresh = QPushButton("&Refresh")
        self.refresh.clicked.connect(self.reload)
        self.problem = problem_label()
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(
            QLabel(
                "Open and overdue actions are those each coordinator owns; a person's own "
                "counts include everyone's actions for them."
            )
        )
        top_layout.addWidget(self.table)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.caption)
        bottom_layout.addWidget(self.people_view)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.refresh, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.problem)

    def reload(self) -> None:
        store = self.store
        self.worker.query(lambda: loads(store), self._loaded, self._failed)

    def _loaded(self, found: Loads) -> None:
        chosen = self._current()
        keep = chosen.staff_id if chosen else None
        self.on = found.on
        self.rows.set_rows(found.rows)
        self.table.setColumnHidden(1, not any(r.practice for r in found.rows))
        ids = [r.staff_id for r in found.rows]
        if found.rows:
            self.table.selectRow(ids.index(keep) if keep in ids else 0)

    def _current(self) -> CoordinatorLoad | None:
        picked = self.table.selectionModel().selectedRows()
        return self.rows.row_at(picked[0].row()) if picked else None

    def _chosen(self, _new: QItemSelection, _old: QItemSelection) -> None:
        row = self._current()
        if row is None:
            self.people.clear()
            return
        self.caption.setText(f"{row.name}: {len(row.people)} people on the caseload")
        self.people.set_rows(row.people)

    def _failed(self, exc: BaseException) -> None:
        self.problem.setText(str(exc))

    def clear(self) -> None:
        self.rows.clear()
        self.people.clear()
