"""Help → Keyboard shortcuts (F1): every key the windows register now, in a scrolling
list that fits the screen (as a message box it grew until its button was off a
laptop's screen)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.ui.widgets.windows import fit


def show_shortcuts(parent: QWidget, rows: list[tuple[str, str]], settings: QSettings) -> None:
    box = QDialog(parent)
    box.setObjectName("shortcuts")
    box.setWindowTitle("Keyboard shortcuts")
    table = QTableWidget(len(rows), 2)
    table.setAccessibleName("Keyboard shortcuts")
    table.setHorizontalHeaderLabels(["What", "Keys"])
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    for n, (what, keys) in enumerate(rows):
        table.setItem(n, 0, QTableWidgetItem(what))
        table.setItem(n, 1, QTableWidgetItem(keys))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(box.reject)
    layout = QVBoxLayout(box)
    layout.addWidget(table)
    layout.addWidget(buttons)
    fit(box, "shortcuts", 520, 640, settings)
    box.open()
