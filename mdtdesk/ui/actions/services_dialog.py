"""The practice's list of services people are referred to: add, rename, retire or
bring back, and put in the order the referral list offers them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.actions import referrals
from mdtdesk.actions.referrals import ServiceRow
from mdtdesk.store.opened import OpenStore
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.look import list_table, problem_label
from mdtdesk.ui.widgets.rows_model import RowsModel
from mdtdesk.ui.widgets.windows import fit
from mdtdesk.ui.widgets.worker import StoreWorker


class ServicesDialog(QDialog):
    def __init__(self, store: OpenStore, worker: StoreWorker, parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.worker = store, worker
        self.setWindowTitle("Referral services")
        self.model = RowsModel[ServiceRow](
            [
                ("Service", lambda s: s.name),
                ("", lambda s: "" if s.active else "Retired: not offered for new referrals"),
            ]
        )
        self.table = list_table(self.model, "Services")
        buttons = QVBoxLayout()
        for text, slot in (
            ("&Add…", self.add),
            ("Re&name…", self.rename),
            ("&Retire or bring back", self.toggle),
            ("Move &up", lambda: self.move_service(-1)),
            ("Move &down", lambda: self.move_service(1)),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.table, 1)
        row.addLayout(buttons)
        self.problem = problem_label()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addWidget(close)
        fit(self, "services", 560, 420)

    def reload(self, select: str | None = None) -> None:
        store = self.store

        def shown(rows: list[ServiceRow]) -> None:
            self.model.set_rows(rows)
            ids = [r.id for r in rows]
            if rows:
                self.table.selectRow(ids.index(select) if select in ids else 0)

        self.worker.query(lambda: referrals.services(store, retired=True), shown, self._failed)

    def _current(self) -> ServiceRow | None:
        picked = self.table.selectionModel().selectedRows()
        return self.model.row_at(picked[0].row()) if picked else None

    def _do(self, work: Callable[[], object], select: str | None) -> None:
        self.problem.setText("")
        self.worker.op(
            Change.SERVICES,
            work,
            lambda result: self.reload(result if isinstance(result, str) else select),
            self._failed,
        )

    def add(self) -> None:
        name, ok = QInputDialog.getText(self, "Add a service", "Name of the service")
        if ok:
            store = self.store
            self._do(lambda: referrals.add_service(store, name), None)

    def rename(self) -> None:
        row = self._current()
        if row is None:
            return
        name, ok = QInputDialog.getText(self, "Rename", "New name", text=row.name)
        if ok:
            store = self.store
            self._do(lambda: referrals.rename_service(store, row.id, name), row.id)

    def toggle(self) -> None:
        row = self._current()
        if row is not None:
            store = self.store
            self._do(lambda: referrals.set_service_active(store, row.id, not row.active), row.id)

    def move_service(self, offset: int) -> None:
        row = self._current()
        if row is not None:
            store = self.store
            self._do(lambda: referrals.move_service(store, row.id, offset), row.id)

    def _failed(self, exc: BaseException) -> None:
        self.problem.setText(str(exc))
