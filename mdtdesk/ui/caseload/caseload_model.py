"""The caseload table model: rows from a CaseloadIndex, filtered and sorted there.

Filtering and sorting happen in plain Python over prepared data (see
caseload/filtering.py) and the model is reset with the visible rows; a
QSortFilterProxyModel would call back into Python for every row and every comparison,
which at 10,000 patients is far over one frame per keystroke.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from mdtdesk.caseload.filtering import COLUMNS, CaseloadIndex, CaseloadQuery
from mdtdesk.caseload.rows import CaseloadRow
from mdtdesk.clock import short_day
from mdtdesk.nhs_number import format_nhs
from mdtdesk.store.vocab import CASELOAD_STATUS, CONSENT
from mdtdesk.ui.widgets.look import warning_colour

Index = QModelIndex | QPersistentModelIndex
REVIEW_COLUMN = 7
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 2


def _day(d: date | None) -> str:
    return short_day(d) if d else "—"


class CaseloadModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._index = CaseloadIndex([], date.today(), None)
        self._visible: list[int] = []
        self._query = CaseloadQuery()
        self._column = 0
        self._descending = False
        self._warning = warning_colour()
        self._icon: QIcon | None = None

    # -- data in ---------------------------------------------------------------
    def set_rows(self, rows: list[CaseloadRow], on: date, me: str | None) -> None:
        self.set_index(CaseloadIndex(rows, on, me))

    def set_index(self, index: CaseloadIndex) -> None:
        """Show rows whose search data was prepared off the GUI thread."""
        self.beginResetModel()
        self._index = index
        self._visible = self._index.visible(self._query, self._column, self._descending)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([], date.today(), None)

    def set_query(self, query: CaseloadQuery) -> None:
        self._query = query
        self._refresh()

    @property
    def total(self) -> int:
        return len(self._index)

    def row_at(self, row: int) -> CaseloadRow:
        return self._index.rows[self._visible[row]]

    def row_of(self, patient_id: str) -> int | None:
        for row, i in enumerate(self._visible):
            if self._index.rows[i].patient_id == patient_id:
                return row
        return None

    def all_rows(self) -> list[CaseloadRow]:
        return self._index.rows

    def caseload_index(self) -> CaseloadIndex:
        """The prepared search data, for other screens that search the same rows."""
        return self._index

    def _refresh(self) -> None:
        self.beginResetModel()
        self._visible = self._index.visible(self._query, self._column, self._descending)
        self.endResetModel()

    # -- Qt model interface ----------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._refresh()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.row_at(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, column)
        if role == PATIENT_ID_ROLE:
            return r.patient_id
        overdue = column == REVIEW_COLUMN and self._is_overdue(r)
        if role == Qt.ItemDataRole.ForegroundRole and overdue:
            return self._warning
        if role == Qt.ItemDataRole.DecorationRole and overdue:
            return self._overdue_icon()
        if role == Qt.ItemDataRole.ToolTipRole and overdue:
            return "Review overdue"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self._display(r, column)
            return f"{text}, overdue" if overdue else text
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 8):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _is_overdue(self, r: CaseloadRow) -> bool:
        return r.next_review is not None and r.next_review < self._index.on

    def _overdue_icon(self) -> QIcon:
        if self._icon is None:
            style = QApplication.style()
            self._icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return self._icon

    @staticmethod
    def _display(r: CaseloadRow, column: int) -> str:
        match column:
            case 0:
                return r.display_name
            case 1:
                return format_nhs(r.nhs_number)
            case 2:
                return str(r.age)
            case 3:
                return r.coordinator or "—"
            case 4:
                return CASELOAD_STATUS.get(r.status, r.status)
            case 5:
                return (r.risk_band or "—").capitalize()
            case 6:
                return CONSENT.get(r.consent, r.consent)
            case 7:
                return _day(r.next_review)
            case 8:
                return str(r.open_actions)
            case _:
                return _day(r.last_admission)
