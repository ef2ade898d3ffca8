"""Qt models over the caseload rows: a table model and a search/filter proxy."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from mdtdesk.caseload.rows import CaseloadRow
from mdtdesk.nhs_number import format_nhs
from mdtdesk.store.vocab import CASELOAD_STATUS, CONSENT

Index = QModelIndex | QPersistentModelIndex
COLUMNS = (
    "Name",
    "NHS number",
    "Age",
    "Named coordinator",
    "Status",
    "Risk",
    "Consent",
    "Next review",
    "Open actions",
    "Last admission",
)
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1


class CaseloadModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[CaseloadRow] = []
        self._search: list[str] = []

    def set_rows(self, rows: list[CaseloadRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        # One lower-case string per row, built once, so each keystroke is a substring scan.
        self._search = [
            f"{r.family_name} {r.given_name} {r.given_name} {r.family_name} {r.nhs_number} "
            f"{(r.postcode or '').replace(' ', '')} {r.postcode or ''}".lower()
            for r in rows
        ]
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def row_at(self, row: int) -> CaseloadRow:
        return self._rows[row]

    def search_text(self, row: int) -> str:
        return self._search[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, column)
        if role == Qt.ItemDataRole.UserRole:
            return self._sort_key(r, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 8):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

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
                return r.next_review.strftime("%d %b %Y") if r.next_review else "—"
            case 8:
                return str(r.open_actions)
            case _:
                return r.last_admission.strftime("%d %b %Y") if r.last_admission else "—"

    @staticmethod
    def _sort_key(r: CaseloadRow, column: int) -> Any:
        keys: tuple[Any, ...] = (
            (r.family_name.lower(), r.given_name.lower()),
            r.nhs_number,
            r.age,
            r.coordinator or "",
            r.status,
            ("fit", "mild", "moderate", "severe").index(r.risk_band) if r.risk_band else -1,
            r.consent,
            r.next_review.toordinal() if r.next_review else 10**7,
            r.open_actions,
            r.last_admission.toordinal() if r.last_admission else 0,
        )
        return keys[column]


class CaseloadFilter(QSortFilterProxyModel):
    """Search by name, NHS number (with or without spaces) or postcode."""

    def __init__(self, source: CaseloadModel) -> None:
        super().__init__()
        self._source = source
        self._needle = ""
        self.setSourceModel(source)
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_search(self, text: str) -> None:
        needle = " ".join(text.lower().split())
        digits = needle.replace(" ", "")
        self.beginFilterChange()
        self._needle = digits if digits.isdigit() else needle
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        return not self._needle or self._needle in self._source.search_text(source_row)

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802
        role = Qt.ItemDataRole.UserRole
        a = self._source.data(left, role)
        b = self._source.data(right, role)
        return bool(a < b)
