"""The Meetings tab and meeting mode, driven through their real widgets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QWidget

from mdtdesk.clock import FixedClock
from mdtdesk.meetings import agenda, schedule
from mdtdesk.store import lifecycle
from mdtdesk.ui.meetings.agenda_builder import AgendaBuilder
from mdtdesk.ui.meetings.meeting_dialogs import AddCaseDialog
from mdtdesk.ui.meetings.meeting_mode import MeetingMode
from mdtdesk.ui.shell.main_window import MainWindow
from mdtdesk.ui.widgets.pdf_preview import PdfPreview
from tests.helpers import PASSPHRASE, USER
from tests.meeting_helpers import audit_details
from tests.ui.conftest import settle, unlock


def open_meetings(qtbot, window: MainWindow) -> AgendaBuilder:
    unlock(qtbot, window)
    workspace = window.workspace
    assert workspace is not None
    window.meetings_action.trigger()
    builder = workspace.meetings.builder
    qtbot.waitUntil(lambda: builder.loaded is not None, timeout=15000)
    settle(qtbot, window)
    return builder


def focus(qtbot, widget: QWidget) -> None:
    """Shortcuts reach only the active window's focused widget, as for a real user."""
    widget.window().activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def fill_agenda(qtbot, window: MainWindow, builder: AgendaBuilder, cases: int) -> None:
    for _ in range(cases):
        builder.proposed.proposal_table.selectRow(0)
        builder.proposed.add_button.click()
        settle(qtbot, window)


def order(window: MainWindow, meeting_id: str) -> list[str]:
    assert window.store is not None
    return [r.id for r in agenda.agenda(window.store, meeting_id)]


def test_the_builder_proposes_adds_reorders_and_times_the_agenda(
    qtbot, demo_dir: Path, make_window
) -> None:
    window = make_window(demo_dir)
    builder = open_meetings(qtbot, window)
    assert builder.loaded is not None
    meeting = builder.loaded.meeting
    assert (meeting.state, meeting.day.isoformat()) == ("planned", "2026-11-24")
    proposals = builder.proposed.proposals.all()
    assert proposals and all(p.reason for p in proposals)
    first = proposals[0]
    fill_agenda(qtbot, window, builder, 3)
    assert builder.model.rows[0].patient_id == first.patient_id
    assert builder.model.rows[0].reason == first.reason
    assert first.patient_id not in [p.patient_id for p in builder.proposed.proposals.all()]
    assert builder.total.text() == "3 cases · 30 of 90 minutes planned"

    ids = order(window, meeting.id)
    builder.table.selectRow(0)
    focus(qtbot, builder.table)
    qtbot.keyClick(builder.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert order(window, meeting.id) == [ids[1], ids[0], ids[2]]
    assert builder._current_id() == ids[0]  # the moved case stays selected

    # A drag of the last row to the top, as the view hands it to the model.
    dragged = builder.model.mimeData([builder.model.index(2, 0)])
    builder.model.dropMimeData(dragged, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    settle(qtbot, window)
    assert order(window, meeting.id) == [ids[2], ids[1], ids[0]]

    builder.table.selectRow(0)
    builder.minutes.setValue(80)
    builder.minutes.editingFinished.emit()
    settle(qtbot, window)
    assert builder.total.text() == (
        "3 cases · 100 of 90 minutes planned — 10 minutes over the meeting's length"
    )
    assert [builder.model.data(builder.model.index(n, 1)) for n in range(3)] == [
        "12:30", "13:50", "14:00",
    ]  # fmt: skip


def test_a_case_added_by_hand_after_circulation_is_late(qtbot, demo_dir: Path, make_window) -> None:
    window = make_window(demo_dir)
    builder = open_meetings(qtbot, window)
    builder.bar.circulate_button.click()
    settle(qtbot, window)
    assert builder.loaded is not None and builder.loaded.meeting.state == "agenda_circulated"
    focus(qtbot, builder.table)
    qtbot.keyClick(
        builder.table,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = builder.findChild(AddCaseDialog, "add-case-dialog")
    assert dialog is not None
    dialog.buttons.accepted.emit()
    assert "Find the person first" in dialog.problem.text()
    person = window.workspace.caseload.model.row_at(0)
    dialog.search.setText(person.nhs_number)
    dialog.reason.setText("Daughter rang: not coping")
    dialog.buttons.accepted.emit()
    settle(qtbot, window)
    [row] = [r for r in builder.model.rows if r.patient_id == person.patient_id]
    assert (row.reason, row.late) == ("Daughter rang: not coping", True)
    late = builder.model.rows.index(row)
    assert builder.model.data(builder.model.index(late, 8)) == "Late addition"


def test_the_agenda_pdf_is_previewed_saved_and_audited(
    qtbot, demo_dir: Path, make_window, tmp_path: Path
) -> None:
    window = make_window(demo_dir)
    builder = open_meetings(qtbot, window)
    fill_agenda(qtbot, window, builder, 2)
    builder.bar.print_button.click()
    settle(qtbot, window)
    preview = builder.findChild(PdfPreview, "preview-agenda")
    assert preview is not None
    assert preview.document.pageCount() == 1
    out = tmp_path / "agenda.pdf"
    preview.save_to(out)
    settle(qtbot, window)
    text = PdfReader(out).pages[0].extract_text()
    assert builder.model.rows[0].name in text and "CONFIDENTIAL" in text
    assert window.store is not None
    assert audit_details(window.store, "print") == [{"paper": "agenda", "to": "file", "cases": 2}]


def start_meeting(qtbot, window: MainWindow, builder: AgendaBuilder) -> MeetingMode:
    builder.bar.start_button.click()
    workspace = window.workspace
    assert workspace is not None
    qtbot.waitUntil(lambda: workspace.meeting_mode is not None, timeout=5000)
    mode = workspace.meeting_mode
    assert mode is not None
    qtbot.waitUntil(lambda: mode.loaded is not None, timeout=15000)
    settle(qtbot, window)
    return mode


def running(qtbot, make_window, demo_dir: Path, cases: int) -> tuple[MainWindow, MeetingMode]:
    """The app unlocked, `cases` people on the next meeting's agenda, meeting mode open."""
    window = make_window(demo_dir)
    builder = open_meetings(qtbot, window)
    fill_agenda(qtbot, window, builder, cases)
    return window, start_meeting(qtbot, window, builder)


def test_meeting_mode_records_attendance_notes_outcomes_and_actions(
    qtbot, demo_dir: Path, make_window
) -> None:
    window, mode = running(qtbot, make_window, demo_dir, 3)
    assert mode.isVisible() and mode.pages.currentIndex() == 0
    assert mode.quoracy.text() == "Not quorate: no one from GP, Nursing, Social care."
    names = [mode.people.item(r, 1).text() for r in range(mode.people.rowCount())]
    for wanted in ("Alex Carter", "Ruth Fairweather", "Leanne Spurgeon"):
        mode.people.item(names.index(wanted), 0).setCheckState(Qt.CheckState.Checked)
        settle(qtbot, window)
    assert mode.quoracy.text() == "Quorate: GP, Nursing, Social care present."

    focus(qtbot, mode.people)
    qtbot.keyClick(mode.people, Qt.Key.Key_PageDown)
    settle(qtbot, window)
    assert mode.pages.currentIndex() == 1 and mode.case == 0
    qtbot.waitUntil(lambda: "Problems" in mode.summary.text(), timeout=5000)
    qtbot.keyClicks(mode.notes, "Two falls at night")
    qtbot.wait(600)  # the pause after typing that saves the notes
    settle(qtbot, window)
    assert window.store is not None
    first = mode.loaded.rows[0] if mode.loaded else None
    assert first is not None
    assert agenda.agenda(window.store, mode.meeting_id)[0].notes == "Two falls at night"
    qtbot.keyClick(mode.notes, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    mode.action_text.setText("Refer to falls service")
    mode.action_owner.setCurrentIndex(
        mode.action_owner.findText("Ruth Fairweather", Qt.MatchFlag.MatchStartsWith)
    )
    qtbot.keyClick(mode.action_text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert any("Refer to falls service — Ruth Fairweather" in mode.action_list.item(i).text()
               for i in range(mode.action_list.count()))  # fmt: skip
    focus(qtbot, mode.notes)
    qtbot.keyClick(mode.notes, Qt.Key.Key_PageDown)
    settle(qtbot, window)
    qtbot.keyClick(mode.notes, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    rows = agenda.agenda(window.store, mode.meeting_id)
    assert [r.outcome for r in rows] == ["change_plan", "continue", None]
    assert mode.cases.item(1).text().endswith("— Change plan")

    mode.confirm_finish()
    settle(qtbot, window)
    assert schedule.meeting_row(window.store, mode.meeting_id).state == "finished"
    assert "1 case(s) carried forward to 1 Dec 2026" in mode.problem.text()
    assert mode.notes.isReadOnly() and mode.amend_button.isVisible()
    # Defect: the case timer ran on after Finish.
    stopped = mode.timer.text()
    qtbot.wait(2100)
    assert mode.timer.text() == stopped and not mode.clock.isValid()
    [next_week] = [
        m for m in schedule.list_meetings(window.store) if m.day.isoformat() == "2026-12-01"
    ]
    carried = agenda.agenda(window.store, next_week.id)
    assert [r.patient_id for r in carried] == [rows[2].patient_id]


def test_amending_a_finished_meeting_asks_for_a_reason_and_is_audited(
    qtbot, demo_dir: Path, make_window
) -> None:
    window, mode = running(qtbot, make_window, demo_dir, 1)
    mode.go(0)
    settle(qtbot, window)
    mode.choose("continue")
    settle(qtbot, window)
    mode.confirm_finish()
    settle(qtbot, window)
    mode.choose("escalate")  # read-only: nothing happens
    settle(qtbot, window)
    assert window.store is not None
    assert agenda.agenda(window.store, mode.meeting_id)[0].outcome == "continue"
    mode.amend_with("Escalation was agreed but typed as continue")
    mode.choose("escalate")
    settle(qtbot, window)
    assert agenda.agenda(window.store, mode.meeting_id)[0].outcome == "escalate"
    assert audit_details(window.store, "amend") == [
        {"change": "case outcome", "reason": "Escalation was agreed but typed as continue"}
    ]


def test_notes_typed_just_before_a_lock_or_a_crash_are_kept(
    qtbot, demo_dir: Path, make_window, tmp_path: Path, clock: FixedClock
) -> None:
    window, mode = running(qtbot, make_window, demo_dir, 2)
    meeting_id = mode.meeting_id
    mode.go(1)
    settle(qtbot, window)
    qtbot.keyClicks(mode.notes, "Carer exhausted")
    qtbot.wait(600)
    settle(qtbot, window)
    # The app dies now: its files are copied as they are and opened elsewhere.
    crashed = tmp_path / "crashed"
    shutil.copytree(demo_dir, crashed)
    with lifecycle.open_store(crashed, user=USER, passphrase=PASSPHRASE, clock=clock) as again:
        assert [r.notes for r in agenda.agenda(again, meeting_id)] == ["", "Carer exhausted"]
    # More typing, then a lock before the pause that would save it.
    qtbot.keyClicks(mode.notes, "; son to visit")
    window.lock()
    settle(qtbot, window)
    qtbot.wait(50)
    assert window.workspace is None
    unlock(qtbot, window)
    workspace = window.workspace
    assert workspace is not None
    qtbot.waitUntil(lambda: workspace.meeting_mode is not None, timeout=5000)
    back = workspace.meeting_mode
    assert back is not None
    qtbot.waitUntil(lambda: back.loaded is not None, timeout=5000)
    settle(qtbot, window)
    assert window.store is not None
    rows = agenda.agenda(window.store, meeting_id)
    assert rows[1].notes == "Carer exhausted; son to visit"
    assert back.meeting_id == meeting_id
    # It comes back on the case it showed, not on attendance (no one was ticked present).
    assert back.case == 1 and back.notes.toPlainText() == "Carer exhausted; son to visit"


def test_a_coordinator_asks_the_mdt_to_discuss_someone(qtbot, demo_dir: Path, make_window) -> None:
    from PySide6.QtWidgets import QInputDialog

    from mdtdesk.meetings import rules
    from mdtdesk.ui.record.patient_view import PatientView

    window = make_window(demo_dir)
    unlock(qtbot, window)
    workspace = window.workspace
    assert workspace is not None and window.store is not None
    [meeting] = [
        m for m in schedule.list_meetings(window.store) if m.day.isoformat() == "2026-11-24"
    ]
    asked = {
        p.patient_id
        for p in rules.propose(window.store, meeting.id)
        if any(r == "requested" for r, _ in p.reasons)
    }
    row = next(
        r
        for r in workspace.caseload.model.all_rows()
        if r.patient_id not in asked and r.status == "active"
    )
    view = workspace.open_patient(row.patient_id)
    assert isinstance(view, PatientView)
    qtbot.waitUntil(lambda: view.record is not None, timeout=10000)
    view.discuss_button.click()
    dialog = view.findChild(QInputDialog, "discuss-dialog")
    assert dialog is not None
    dialog.setTextValue("Carer at breaking point")
    dialog.accept()
    settle(qtbot, window)
    assert "Asked" in view.banner.text()
    [proposal] = [
        p for p in rules.propose(window.store, meeting.id) if p.patient_id == row.patient_id
    ]
    assert (
        "Discussion asked for by Alex Carter on 23 Nov 2026: Carer at breaking point"
        in proposal.reason
    )


def test_meeting_mode_text_zooms_for_a_projector_and_remembers(
    qtbot, demo_dir: Path, make_window
) -> None:
    window, mode = running(qtbot, make_window, demo_dir, 1)
    usual, timer_usual = mode.notes.font().pointSizeF(), mode.timer.font().pointSizeF()
    # Help → Keyboard shortcuts lists meeting mode's keys while it is open.
    keys = dict(window.shortcut_rows())
    assert keys["Meeting: next case"] == "PgDown"
    assert keys["Meeting: outcome change plan"] == "Ctrl+2"
    assert keys["Meeting: larger text"] in ("Ctrl+=", "Ctrl++")
    focus(qtbot, mode.people)
    qtbot.keyClick(mode.people, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(mode.people, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert mode.notes.font().pointSizeF() == pytest.approx(usual * 1.3)
    assert mode.timer.font().pointSizeF() == pytest.approx(timer_usual * 1.3)
    assert mode.timer.font().bold()
    # The attendance list's disciplines are not cut short at the larger size.
    widest = max(
        mode.people.fontMetrics().horizontalAdvance(mode.people.item(r, 2).text())
        for r in range(mode.people.rowCount())
    )
    assert mode.people.columnWidth(2) >= widest
    # Zoomed, a case still fits a 1366-pixel projector, the summary not squeezed away.
    mode.go(0)
    settle(qtbot, window)
    mode.showNormal()
    mode.resize(1366, 768)
    settle(qtbot, window)
    qtbot.wait(50)
    assert mode.summary.width() >= 250
    mode.reject()
    settle(qtbot, window)
    again = start_meeting(qtbot, window, window.workspace.meetings.builder)
    assert again.notes.font().pointSizeF() == pytest.approx(usual * 1.3)
    focus(qtbot, again.people)
    qtbot.keyClick(again.people, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert again.notes.font().pointSizeF() == pytest.approx(usual * 1.15)
    qtbot.keyClick(again.people, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert again.notes.font().pointSizeF() == pytest.approx(usual)
