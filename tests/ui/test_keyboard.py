"""Keyboard paths (issue 15, defects 12 and 14)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.meetings import schedule
from mdtdesk.ui.record.patient_view import PatientView
from mdtdesk.ui.widgets.forms import date_edit
from tests.action_helpers import TODAY
from tests.ui.conftest import answer_next_message_box, settle, unlock
from tests.ui.test_meetings_ui import open_meetings


def test_enter_in_the_search_opens_the_one_match(qtbot, demo_dir, make_window) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    caseload = window.workspace.caseload
    row = caseload.model.row_at(0)
    caseload.search.setText(row.nhs_number)
    assert caseload.model.rowCount() == 1
    qtbot.keyClick(caseload.search, Qt.Key.Key_Return)
    view = window.workspace.tabs.currentWidget()
    assert isinstance(view, PatientView) and view.patient_id == row.patient_id


def test_tab_leaves_a_date_field_in_one_step(qtbot) -> None:
    box = QWidget()
    layout = QVBoxLayout(box)
    edit = date_edit(TODAY, "Due date")
    after = QLineEdit()
    layout.addWidget(edit)
    layout.addWidget(after)
    qtbot.addWidget(box)
    box.show()
    box.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=2000)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    # QDateEdit alone takes Tab to walk its day, month and year sections.
    assert after.hasFocus()


def test_help_lists_the_keys_the_windows_register(qtbot, demo_dir, make_window) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    window.worklist_action.trigger()
    rows = dict(window.shortcut_rows())
    assert rows["Lock"] == "Ctrl+L"
    assert rows["Actions: mark done"] == "Ctrl+4"
    assert "Keyboard shortcuts" in rows
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus[-1] == "Help"


def test_no_record_field_shares_its_alt_key_with_a_menu(qtbot, demo_dir, make_window) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    view = window.workspace.open_patient(window.workspace.caseload.model.row_at(0).patient_id)
    menus = {_key(a.text()) for a in window.menuBar().actions()}
    fields = [_key(w.text()) for w in view.form.findChildren(QLabel) if "&" in w.text()]
    assert menus.isdisjoint(fields), (menus & set(fields), sorted(fields))


def _key(text: str) -> str:
    return text[text.index("&") + 1].lower()


def test_ctrl_shift_o_asks_before_it_starts_a_planned_meeting(qtbot, demo_dir, make_window) -> None:
    window = make_window(demo_dir)
    builder = open_meetings(qtbot, window)
    meeting = builder.loaded.meeting
    assert meeting.state == "planned"
    seen: list[str] = []
    timer = answer_next_message_box("Cancel", seen)
    window.meeting_mode_action.trigger()
    timer.stop()
    settle(qtbot, window)
    assert "Start this meeting now?" in seen[0]
    assert window.workspace.meeting_mode is None
    assert schedule.meeting_row(window.store, meeting.id).state == "planned"
    timer = answer_next_message_box("Yes", seen)
    window.meeting_mode_action.trigger()
    timer.stop()
    qtbot.waitUntil(lambda: window.workspace.meeting_mode is not None, timeout=5000)
    settle(qtbot, window)
    assert schedule.meeting_row(window.store, meeting.id).state == "in_progress"


def test_no_button_or_tab_shares_its_alt_key_with_a_menu(qtbot, demo_dir, make_window) -> None:
    # Found driving the app: Alt+S for "Start meeting" opened the Sync menu instead, and
    # the notes typed next chose its items.
    window = make_window(demo_dir)
    unlock(qtbot, window)
    workspace = window.workspace
    workspace.open_patient(workspace.caseload.model.row_at(0).patient_id)
    menus = {_key(a.text()) for a in window.menuBar().actions()}
    clashes = []
    for i in range(workspace.tabs.count()):
        page = workspace.tabs.widget(i)
        for kind in (QAbstractButton, QLabel):
            for widget in page.findChildren(kind):
                text = widget.text()
                if "&" in text.replace("&&", "") and _key(text.replace("&&", "")) in menus:
                    clashes.append((workspace.tabs.tabText(i), text))
        bars = page.findChildren(QTabWidget)
        for bar in bars:
            for n in range(bar.count()):
                text = bar.tabText(n)
                if "&" in text and _key(text) in menus:
                    clashes.append((workspace.tabs.tabText(i), text))
    assert clashes == [], "\n".join(map(str, clashes))
