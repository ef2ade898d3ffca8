"""Small pieces of look shared by the screens: the warning colour, problem labels, lists."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView

from mdtdesk.clock import short_day


def day_text(value: date | None) -> str:
    """A date in a list: 04 Nov 2026, or a dash when there is none."""
    return short_day(value) if value else "—"


def warning_colour() -> QColor:
    """Amber dark enough to read on a light palette, light enough on a dark one."""
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return QColor("#ffb74d") if window.lightness() < 128 else QColor("#a14d00")


def changed_colour() -> QColor:
    """A pale highlight for what changed, readable on a light or a dark palette."""
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return QColor("#5c4a00") if window.lightness() < 128 else QColor("#fff1b8")


def problem_label(accessible_name: str = "Problem") -> QLabel:
    """A label for what is wrong, in the warning colour (its text says it too)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setAccessibleName(accessible_name)
    label.setStyleSheet(f"color: {warning_colour().name()};")
    return label


def list_table(model: QAbstractItemModel, name: str) -> QTableView:
    """A read-only table of rows: whole-row selection, Tab leaves it, columns fit."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view
