"""The caseload list: search as you type, filters, sortable columns, counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.caseload.filtering import (
    BANDS,
    MINE,
    NO_BAND,
    NOBODY,
    REVIEW,
    CaseloadIndex,
    CaseloadQuery,
)
from mdtdesk.caseload.rows import caseload_rows
from mdtdesk.clock import today
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import StaffChoice
from mdtdesk.store.vocab import CASELOAD_STATUS, CONSENT
from mdtdesk.ui.caseload.caseload_model import CaseloadModel
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.worker import StoreWorker


@dataclass(frozen=True)
class CaseloadState:
    """Where the user was, kept across a lock (no patient data, only choices)."""

    query: CaseloadQuery = field(default_factory=CaseloadQuery)
    sort_column: int = 0
    descending: bool = False
    selected: str | None = None


@dataclass(frozen=True)
class Loaded:
    index: CaseloadIndex
    staff: list[StaffChoice]


# Rows shown at unlock before the whole caseload is in: more than a screen holds.
FIRST_PAGE = 60


def _load(store: OpenStore, first: int | None = None) -> Loaded:
    # The search strings and the name order are made here, on the store thread.
    rows = caseload_rows(store, first)
    index = CaseloadIndex(rows, today(store.clock), store.actor.staff_id)
    index.order(0)
    return Loaded(index, store.staff_list())


class CaseloadView(QWidget):
    open_patient = Signal(str)
    first_page = Signal()  # the first screenful is shown; the rest are being read
    loaded = Signal()  # the whole caseload is in

    def __init__(self, store: OpenStore, worker: StoreWorker, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.worker = worker
        self.model = CaseloadModel()
        self._pending: CaseloadState | None = None
        self.staff: list[StaffChoice] = []
        self.whole = False  # the whole caseload has been read at least once
        worker.reload_on(self, Change.PATIENTS | Change.ACTIONS | Change.STAFF, self.reload)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, NHS number or postcode  (Ctrl+F)")
        self.search.setAccessibleName("Search the caseload")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._query_changed)
        self.search.returnPressed.connect(self._search_entered)

        self.coordinator = self._combo("Named coordinator filter", [("Any coordinator", None)])
        self.status = self._combo(
            "Status filter", [("Any status", None), *((v, k) for k, v in CASELOAD_STATUS.items())]
        )
        self.risk = self._combo(
            "Risk filter",
            [("Any risk", None), *((b.capitalize(), b) for b in BANDS), ("No eFI", NO_BAND)],
        )
        self.review = self._combo(
            "Review filter", [("Any review date", None), *((v, k) for k, v in REVIEW.items())]
        )
        self.consent = self._combo(
            "Consent filter", [("Any consent", None), *((v, k) for k, v in CONSENT.items())]
        )
        clear = QPushButton("Clear filters")
        clear.setAccessibleName("Clear search and filters")
        clear.clicked.connect(self.clear_filters)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Caseload")
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.activated.connect(self._activated)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((200, 110, 50, 170, 100, 80, 160, 120, 90)):
            self.table.setColumnWidth(column, width)
        self.count = QLabel("Loading the caseload…")
        self.count.setAccessibleName("Caseload count")

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for combo in (self.coordinator, self.status, self.risk, self.review, self.consent):
            filters.addWidget(combo, 1)
        filters.addWidget(clear)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        layout.addWidget(self.count)

    def _combo(self, name: str, items: list[tuple[str, str | None]]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setToolTip(name)
        for label, value in items:
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(self._query_changed)
        return combo

    # -- loading ---------------------------------------------------------------
    def reload(self) -> None:
        store = self.store
        if not self.whole:
            # At unlock the first screenful reads in a few milliseconds; 10,000 rows take
            # a few hundred. Show the one while the other is read.
            self.worker.query(lambda: _load(store, FIRST_PAGE), self._first, self._failed)
        self.worker.query(lambda: _load(store), self._loaded, self._failed)

    def _first(self, loaded: Loaded) -> None:
        if self.whole:
            return
        self.staff = loaded.staff
        self._fill_coordinators(loaded.staff)
        self.model.set_index(loaded.index)
        self._update_count()
        self.first_page.emit()

    def _loaded(self, loaded: Loaded) -> None:
        self.whole = True
        pending, self._pending = self._pending, None
        selected = pending.selected if pending else self.selected_patient()
        self.staff = loaded.staff
        self._fill_coordinators(loaded.staff)
        if pending is not None:
            self._show_state(pending)
        self.model.set_index(loaded.index)
        self._select(selected)
        self._update_count()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self.count.setText("The caseload could not be loaded")
        QMessageBox.warning(self, "mdtdesk", f"The caseload could not be loaded: {exc}")

    def _fill_coordinators(self, staff: list[StaffChoice]) -> None:
        current = self.coordinator.currentData()
        self.coordinator.blockSignals(True)
        self.coordinator.clear()
        self.coordinator.addItem("Any coordinator", None)
        if self.store.actor.staff_id is not None:
            self.coordinator.addItem("Mine", MINE)
        self.coordinator.addItem("No coordinator", NOBODY)
        for member in staff:
            self.coordinator.addItem(member.name, member.id)
        found = self.coordinator.findData(current)
        self.coordinator.setCurrentIndex(max(found, 0))
        self.coordinator.blockSignals(False)

    # -- query -----------------------------------------------------------------
    def current_query(self) -> CaseloadQuery:
        return CaseloadQuery(
            search=self.search.text(),
            coordinator=self.coordinator.currentData(),
            status=self.status.currentData(),
            risk=self.risk.currentData(),
            review=self.review.currentData(),
            consent=self.consent.currentData(),
        )

    def _query_changed(self) -> None:
        selected = self.selected_patient()
        self.model.set_query(self.current_query())
        self._select(selected)
        self._update_count()

    def clear_filters(self) -> None:
        for combo in (self.coordinator, self.status, self.risk, self.review, self.consent):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.clear()
        self._query_changed()

    def _update_count(self) -> None:
        if not self.whole:
            # A search now looks only at the first page: say so, never "no one found".
            self.count.setText(
                f"Loading the caseload… {self.model.rowCount()} of the first "
                f"{self.model.total} shown"
            )
            return
        if self.model.total == 0:
            # A new store: say how people get onto it, not just "0 of 0".
            self.count.setText(
                "No one is on the caseload yet. Import the practice's list with File ▸ "
                "Import caseload CSV… (Ctrl+I), or refer a person with Patient ▸ New referral."
            )
            return
        self.count.setText(f"{self.model.rowCount()} of {self.model.total} patients")

    # -- selection and state -----------------------------------------------------
    def selected_patient(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).patient_id if rows else None

    def _select(self, patient_id: str | None) -> None:
        row = self.model.row_of(patient_id) if patient_id else None
        if row is None:
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def _search_entered(self) -> None:
        """Enter in the search box opens the one person found, or moves to the list."""
        if self.model.rowCount() == 1 and self.whole:
            # Only among everyone: one match in the first page may not be the only one.
            self.open_patient.emit(self.model.row_at(0).patient_id)
        elif self.model.rowCount():
            self.table.setFocus()
            if not self.table.selectionModel().hasSelection():
                self.table.selectRow(0)

    def _activated(self, index: QModelIndex) -> None:
        self.open_patient.emit(self.model.row_at(index.row()).patient_id)

    def state(self) -> CaseloadState:
        if self._pending is not None:  # locked again before the rows arrived
            return self._pending
        header = self.table.horizontalHeader()
        q = self.current_query()
        return CaseloadState(
            query=q,
            sort_column=header.sortIndicatorSection(),
            descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
            selected=self.selected_patient(),
        )

    def restore(self, state: CaseloadState) -> None:
        """Come back to a remembered state once the rows (and the staff list) arrive."""
        self._pending = state

    def _show_state(self, state: CaseloadState) -> None:
        q = state.query
        for combo, value in (
            (self.coordinator, q.coordinator),
            (self.status, q.status),
            (self.risk, q.risk),
            (self.review, q.review),
            (self.consent, q.consent),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(q.search)
        self.search.blockSignals(False)
        order = Qt.SortOrder.DescendingOrder if state.descending else Qt.SortOrder.AscendingOrder
        self.model.set_query(self.current_query())
        # With sorting enabled the header asks the model to sort, which applies the query.
        self.table.horizontalHeader().setSortIndicator(state.sort_column, order)

    def clear(self) -> None:
        self.model.clear()
        self.search.clear()
