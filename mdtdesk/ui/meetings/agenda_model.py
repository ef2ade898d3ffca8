"""The agenda as a table the user can reorder by dragging rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from mdtdesk.meetings.agenda import AgendaRow, Slot, slot_of
from mdtdesk.nhs_number import format_nhs
from mdtdesk.store.vocab import OUTCOME
from mdtdesk.ui.widgets.look import warning_colour

Index = QModelIndex | QPersistentModelIndex
MIME = "application/x-mdtdesk-agenda-rows"
COLUMNS = ("#", "Time", "Name", "NHS number", "Reason", "Min", "Presenter", "GP slot", "Note")


class AgendaModel(QAbstractTableModel):
    reordered = Signal(list)  # the item ids in their new order

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[AgendaRow] = []
        self.starts: list[datetime] = []
        self.slots: list[Slot] = []
        self.movable = True

    def set_rows(
        self, rows: Sequence[AgendaRow], starts: Sequence[datetime], slots: Sequence[Slot]
    ) -> None:
        self.beginResetModel()
        self.rows, self.starts, self.slots = list(rows), list(starts), list(slots)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([], [], [])

    def row_at(self, row: int) -> AgendaRow:
        return self.rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def _text(self, row: int, column: int) -> str:
        r, start = self.rows[row], self.starts[row]
        if column == 0:
            return str(row + 1)
        if column == 1:
            return f"{start.astimezone():%H:%M}"
        if column == 2:
            return r.name
        if column == 3:
            return format_nhs(r.nhs_number)
        if column == 4:
            return r.reason
        if column == 5:
            return str(r.minutes)
        if column == 6:
            return r.presenter
        if column == 7:
            slot = slot_of(r, self.slots, start)
            if slot is None:
                return ""
            return f"{slot.gp} {slot.start.astimezone():%H:%M}-{slot.end.astimezone():%H:%M}"
        notes = []
        if r.late:
            notes.append("Late addition")
        if r.outcome and r.outcome != "pending":
            notes.append(OUTCOME.get(r.outcome, r.outcome))
        return "; ".join(notes)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(index.row(), index.column())
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 8:
            return warning_colour() if self.rows[index.row()].late else None
        return None

    # -- drag and drop -----------------------------------------------------------------
    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if not self.movable:
            return base
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base | Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        rows = sorted({i.row() for i in indexes})
        data = QMimeData()
        data.setData(MIME, QByteArray(",".join(map(str, rows)).encode()))
        return data

    def dropMimeData(  # noqa: N802
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if action != Qt.DropAction.MoveAction or not data.hasFormat(MIME) or not self.movable:
            return False
        moving = [int(n) for n in bytes(data.data(MIME).data()).decode().split(",") if n]
        if row < 0:
            row = parent.row() if parent.isValid() else len(self.rows)
        ids = [r.id for r in self.rows]
        picked = [ids[n] for n in moving]
        before = sum(1 for n in moving if n < row)
        rest = [i for n, i in enumerate(ids) if n not in moving]
        at = row - before
        order = rest[:at] + picked + rest[at:]
        if order != ids:
            self.reordered.emit(order)
        # The store decides the order: the view is refilled from it, so Qt must not
        # remove the dragged rows itself.
        return False
