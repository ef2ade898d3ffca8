"""Small form parts shared by every capability's dialogs: dates, choices, staff."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QWidget

from mdtdesk.store.staff import StaffChoice


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class DateEdit(QDateEdit):
    """A date field that Tab leaves in one step.

    QDateTimeEdit takes Tab to walk its own day, month and year sections, so a form
    with three dates took a dozen Tabs to cross; the arrow keys still move between
    sections.
    """

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802
        return QWidget.focusNextPrevChild(self, next)


def date_edit(day: date, name: str) -> QDateEdit:
    edit = DateEdit(qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    edit.setAccessibleName(name)
    return edit


def select_data(combo: QComboBox, value: object, missing: str | None = None) -> None:
    """Choose the item holding `value`.

    A value the combo does not list is never replaced by its first item (which once
    cleared a named coordinator on save when the staff list had not loaded): with
    `missing` it is added under that label and chosen, so saving keeps it.
    """
    found = combo.findData(value)
    if found < 0 and value not in (None, "") and missing is not None:
        combo.addItem(missing, value)
        found = combo.count() - 1
    combo.setCurrentIndex(max(found, 0))


def choice_combo(values: Mapping[str, str], chosen: str, name: str) -> QComboBox:
    combo = QComboBox()
    for key, label in values.items():
        combo.addItem(label, key)
    select_data(combo, chosen)
    combo.setAccessibleName(name)
    return combo


NOT_LISTED = "Someone not in the staff list"


def fill_staff(combo: QComboBox, staff: list[StaffChoice], empty: str) -> None:
    """(Re)fill a staff pick list, keeping the person chosen."""
    chosen = combo.currentData()
    combo.clear()
    combo.addItem(empty, None)
    for member in staff:
        combo.addItem(f"{member.name} ({member.profession})", member.id)
    select_data(combo, chosen, NOT_LISTED)


def staff_combo(staff: list[StaffChoice], empty: str, chosen: str | None = None) -> QComboBox:
    combo = QComboBox()
    fill_staff(combo, staff, empty)
    select_data(combo, chosen, NOT_LISTED)
    return combo
