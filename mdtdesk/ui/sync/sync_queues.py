"""A hub's queues: conflicts side by side (keep one, or type the right value) and
duplicate patients (choose the record to keep; the others redirect to it)."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.clock import short_date, short_time
from mdtdesk.labels import field_label
from mdtdesk.nhs_number import format_nhs
from mdtdesk.store.models import Patient
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.sync_tables import SyncConflict
from mdtdesk.sync import conflicts, duplicates
from mdtdesk.sync.duplicates import DuplicateView
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.guarded import confirm
from mdtdesk.ui.widgets.look import list_table, problem_label
from mdtdesk.ui.widgets.rows_model import RowsModel
from mdtdesk.ui.widgets.worker import StoreWorker


def _name(p: Patient) -> str:
    return f"{p.family_name.upper()}, {p.given_name}"


def _when(clock: str) -> str:
    if not clock:
        return "unknown time"
    ms = int(clock.split(".", 1)[0])
    return short_time(datetime.fromtimestamp(ms / 1000, UTC))


class ConflictQueue(QWidget):
    def __init__(self, store: OpenStore, worker: StoreWorker) -> None:
        super().__init__()
        self.store, self.worker = store, worker
        self.labels: dict[str, conflicts.Labels] = {}
        self.model: RowsModel[SyncConflict] = RowsModel(
            [
                ("Record", lambda c: self._label(c).record),
                ("Field", lambda c: field_label(c.field)),
                ("Applied", lambda c: self._label(c).kept),
                ("Set aside", lambda c: self._label(c).other),
                ("Opened", lambda c: short_time(c.opened_at)),
            ]
        )
        self.table = list_table(self.model, "Open conflicts")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show())
        self.sides: list[tuple[QLabel, QLabel, QPushButton]] = []
        panel = QHBoxLayout()
        for title, choice in (("Applied now", "kept"), ("Set aside", "other")):
            box = QGroupBox(title)
            grid = QGridLayout(box)
            value, who = QLabel(), QLabel()
            value.setAccessibleName(f"{title} value")
            value.setStyleSheet("font-size: 15px; font-weight: 600;")
            who.setWordWrap(True)
            button = QPushButton("Keep this" if choice == "kept" else "Use this instead")
            button.clicked.connect(lambda _=False, c=choice: self._resolve(c))
            grid.addWidget(value, 0, 0)
            grid.addWidget(who, 1, 0)
            grid.addWidget(button, 2, 0)
            panel.addWidget(box)
            self.sides.append((value, who, button))
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("or type the right value")
        self.edit.setAccessibleName("Value to keep")
        self.edit_button = QPushButton("Keep &typed value")
        self.edit_button.clicked.connect(lambda: self._resolve("edit"))
        typed = QHBoxLayout()
        typed.addWidget(self.edit, 1)
        typed.addWidget(self.edit_button)
        self.problem = problem_label("Conflict problem")
        self.empty = QLabel("No open conflicts.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(panel)
        layout.addLayout(typed)
        layout.addWidget(self.problem)
        self._show()

    def clear(self) -> None:
        """Forget the patients and values shown (the app is locking)."""
        self.labels = {}
        self.model.clear()
        self.edit.clear()
        self._show()

    def _label(self, item: SyncConflict) -> conflicts.Labels:
        return self.labels.get(item.id) or conflicts.Labels(item.record_id, "", "")

    def reload(self) -> None:
        store = self.store

        def read() -> tuple[list[SyncConflict], dict[str, conflicts.Labels]]:
            items = conflicts.open_conflicts(store)
            return items, conflicts.labels(store, items)

        self.worker.query(read, self._loaded, self._failed)

    def _loaded(self, value: tuple[list[SyncConflict], dict[str, conflicts.Labels]]) -> None:
        items, self.labels = value
        self.model.set_rows(items)
        if items:
            self.table.selectRow(0)
        self._show()

    def current(self) -> SyncConflict | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _show(self) -> None:
        item = self.current()
        self.empty.setVisible(item is None)
        for value, who, button in self.sides:
            button.setEnabled(item is not None)
            if item is None:
                value.setText("")
                who.setText("")
        self.edit_button.setEnabled(item is not None)
        if item is None:
            return
        label = self._label(item)
        sides = (
            (label.kept, item.kept_by, item.kept_from, item.kept_clock),
            (label.other, item.other_by, item.other_from, item.other_clock),
        )
        for (value, who, _), (text, by, origin, clock) in zip(self.sides, sides, strict=True):
            value.setText(text)
            who.setText(f"By {by}, {_when(clock)}, at {origin}")

    def _resolve(self, choice: str) -> None:
        item = self.current()
        if item is None:
            return
        store, typed = self.store, self.edit.text()

        def done(_value: object) -> None:
            self.edit.clear()
            self.problem.setText("")

        self.worker.op(
            Change.RECORDS | Change.SYNC,
            lambda: conflicts.resolve(store, item.id, choice, typed if choice == "edit" else None),
            done,
            self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.problem.setText(str(exc))


class DuplicateQueue(QWidget):
    def __init__(self, store: OpenStore, worker: StoreWorker) -> None:
        super().__init__()
        self.store, self.worker = store, worker
        self.items: list[DuplicateView] = []
        self.model: RowsModel[tuple[DuplicateView, int]] = RowsModel(
            [
                ("NHS number", lambda r: format_nhs(r[0].nhs_number)),
                ("Name", lambda r: _name(r[0].patients[r[1]])),
                ("Born", lambda r: short_date(r[0].patients[r[1]].date_of_birth)),
                ("Held by practice", lambda r: r[0].patients[r[1]].home or "this hub"),
                ("Last changed", lambda r: short_date(r[0].patients[r[1]].updated_at.date())),
            ]
        )
        self.table = list_table(self.model, "Duplicate patients")
        self.keep = QPushButton("&Keep the selected record; merge the others into it")
        self.keep.clicked.connect(self._merge)
        self.problem = problem_label("Duplicate problem")
        self.note = QLabel(
            "Each row is one record; records with the same NHS number are one duplicate. "
            "Merging leaves a redirect, so references from any practice still resolve."
        )
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.keep)
        layout.addWidget(self.problem)

    def reload(self) -> None:
        store = self.store
        self.worker.query(lambda: duplicates.open_duplicates(store), self._loaded, self._failed)

    def _loaded(self, items: list[DuplicateView]) -> None:
        self.model.set_rows([(d, i) for d in items for i in range(len(d.patients))])
        self.keep.setEnabled(bool(items))

    def _merge(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            self.problem.setText("Select the record to keep first.")
            return
        item, n = self.model.row_at(index.row())
        kept = item.patients[n]
        others = [p for i, p in enumerate(item.patients) if i != n]
        where = kept.home or "this hub"
        asked = (
            f"Keep {_name(kept)} (NHS {format_nhs(item.nhs_number)}) as held by {where}, and "
            f"merge {len(others)} other record(s) into it?\n\n"
            + "\n".join(f"• {_name(p)}, held by {p.home or 'this hub'}" for p in others)
            + "\n\nThe merged records are removed and redirect to the one kept. "
            "This cannot be undone."
        )
        if not confirm(self, "Merge duplicate records", asked):
            return
        store, keep = self.store, kept.id

        def done(_value: object) -> None:
            self.problem.setText(
                f"Merged: kept {_name(kept)} held by {where}; "
                f"{len(others)} record(s) now redirect to it."
            )

        self.worker.op(
            Change.RECORDS | Change.SYNC,
            lambda: duplicates.merge(store, item.id, keep),
            done,
            self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.problem.setText(str(exc))
