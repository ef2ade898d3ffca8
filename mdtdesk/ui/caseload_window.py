"""The main window for now: the caseload list with search-as-you-type."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.caseload.rows import CaseloadRow, caseload_rows
from mdtdesk.store.opened import OpenStore
from mdtdesk.ui.caseload_model import CaseloadFilter, CaseloadModel
from mdtdesk.ui.worker import StoreWorker


class CaseloadWindow(QMainWindow):
    def __init__(self, store: OpenStore, worker: StoreWorker) -> None:
        super().__init__()
        self.store = store
        self.worker = worker
        practice = store.practice()
        self.setWindowTitle(f"mdtdesk — {practice.name}")
        self.resize(1200, 720)

        self.model = CaseloadModel()
        self.proxy = CaseloadFilter(self.model)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, NHS number or postcode  (Ctrl+F)")
        self.search.setAccessibleName("Search the caseload")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Caseload")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((200, 110, 50, 170, 100, 80, 150, 100, 90)):
            self.table.setColumnWidth(column, width)
        self.count = QLabel()
        self.count.setAccessibleName("Caseload count")

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        self.setCentralWidget(body)
        status = self.statusBar()
        status.addWidget(QLabel(f"{practice.name} ({practice.ods_code})"))
        status.addWidget(QLabel(f"User: {store.actor.name}"))
        status.addPermanentWidget(self.count)

        find = QAction("Search", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.search.setFocus)
        self.addAction(find)
        self.reload()

    def reload(self) -> None:
        self.count.setText("Loading the caseload…")
        store = self.store
        self.worker.submit(lambda: caseload_rows(store), self._loaded, self._failed)

    def _loaded(self, rows: list[CaseloadRow]) -> None:
        self.model.set_rows(rows)
        self._update_count()

    def _failed(self, exc: BaseException) -> None:
        self.count.setText("The caseload could not be loaded")
        QMessageBox.warning(self, "mdtdesk", f"The caseload could not be loaded: {exc}")

    def _search_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"{shown} of {total} patients")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.model.clear()
        self.worker.wait()
        self.store.close()
        event.accept()
