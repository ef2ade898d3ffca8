"""The record's Care plan tab and the agenda's batch print, driven through the real
widgets: write a first plan, agree it, edit it into version 2, compare, print, and
lock with the editor open."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from mdtdesk.careplan import versions
from mdtdesk.store.models import CarePlan, Patient
from mdtdesk.ui.careplan.care_plan_dialogs import AgreeDialog, CompareDialog, PrintChoiceDialog
from mdtdesk.ui.careplan.care_plan_editor import CarePlanEditor
from mdtdesk.ui.meetings.agenda_builder import AgendaBuilder
from mdtdesk.ui.record.patient_view import PatientView
from mdtdesk.ui.shell.main_window import MainWindow
from mdtdesk.ui.widgets.pdf_preview import PdfPreview
from tests.meeting_helpers import audit_details
from tests.ui.conftest import settle, unlock
from tests.ui.test_meetings_ui import fill_agenda, focus, open_meetings


def person(window: MainWindow, with_plan: bool) -> str:
    assert window.store is not None
    with window.store.session() as s:
        planned = select(CarePlan.patient_id).where(CarePlan.status == "agreed")
        query = select(Patient.id).where(
            Patient.id.in_(planned) if with_plan else Patient.id.not_in(select(CarePlan.patient_id))
        )
        return str(s.execute(query.order_by(Patient.family_name)).scalars().first())


def open_plan(qtbot, window: MainWindow, with_plan: bool) -> PatientView:
    unlock(qtbot, window)
    assert window.workspace is not None
    view = window.workspace.open_patient(person(window, with_plan))
    assert view is not None
    qtbot.waitUntil(lambda: view.record is not None, timeout=15000)
    view.tabs.setCurrentWidget(view.plan_tab)
    settle(qtbot, window)
    return view


def editor_of(qtbot, window: MainWindow, view: PatientView) -> CarePlanEditor:
    focus(qtbot, view.plan_tab.list)
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(view.plan_tab.list, Qt.Key.Key_P, shift_ctrl)
    settle(qtbot, window)
    editor = view.plan_tab.findChild(CarePlanEditor, "care-plan-editor")
    assert editor is not None and editor.isVisible()
    return editor


def test_writing_agreeing_and_revising_a_plan(qtbot, demo_dir: Path, make_window) -> None:
    window = make_window(demo_dir)
    view = open_plan(qtbot, window, with_plan=False)
    tab = view.plan_tab
    assert tab.plans.rowCount() == 0 and tab.edit_button.text() == "S&tart a plan…"
    editor = editor_of(qtbot, window, view)
    # The first draft already names the coordinator, from the record.
    assert editor.support.rowCount() >= 1
    editor.texts["what_matters"].setPlainText("Getting back to the allotment.")
    editor.tabs.setCurrentIndex(0)
    add_goal = next(b for b in editor.findChildren(QPushButton) if b.text() == "A&dd goal")
    add_goal.click()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    # A goal with no words is refused, on the tab where it is.
    assert editor.problem.text() == "Goal 1: say what the person wants to achieve."
    assert editor.tabs.currentIndex() == 1 and editor.isVisible()
    item = editor.goals.item(0, 0)
    assert item is not None
    item.setText("Dig the potato bed")
    editor.texts["in_hours"].setPlainText("The practice on 01603 555 010")
    editor.close_button.click()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: tab.findChild(CarePlanEditor, "care-plan-editor") is None)
    qtbot.waitUntil(lambda: tab.plans.rowCount() == 1)
    assert "Getting back to the allotment." in tab.reader.toPlainText()
    assert tab.agree_button.isEnabled()

    tab.agree_button.click()
    dialog = tab.findChild(AgreeDialog, "agree-plan-dialog")
    assert dialog is not None
    dialog.submit()
    settle(qtbot, window)
    assert dialog.problem.text() == ""
    qtbot.waitUntil(lambda: tab.plans.rowCount() == 1 and tab.plans.row_at(0).status == "agreed")

    editor = editor_of(qtbot, window, view)
    assert "version 2" in editor.windowTitle()
    editor.texts["what_matters"].setPlainText("Getting back to the allotment with my grandson.")
    editor.close_button.click()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: tab.plans.rowCount() == 2)
    assert [p.status for p in tab.plans.all()] == ["draft", "agreed"]
    tab.list.selectRow(0)
    tab.compare_button.click()
    compare = tab.findChild(CompareDialog, "compare-plans-dialog")
    assert compare is not None
    assert compare.summary.text() == "Changed: About me and what matters to me, Agreed with me."
    assert "with my grandson" in compare.table.item(0, 2).text()
    assert "with my grandson" not in compare.table.item(0, 1).text()


def test_printing_the_persons_copy_from_the_record(
    qtbot, demo_dir: Path, make_window, tmp_path: Path
) -> None:
    window = make_window(demo_dir)
    view = open_plan(qtbot, window, with_plan=True)
    tab = view.plan_tab
    focus(qtbot, tab.list)
    qtbot.keyClick(tab.list, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    chooser = tab.findChild(PrintChoiceDialog, "print-plan-dialog")
    assert chooser is not None
    chooser.choices[1].setChecked(True)  # large print
    chooser.accept()
    settle(qtbot, window)
    preview = tab.findChild(PdfPreview, "preview-care-plan")
    assert preview is not None and preview.document.pageCount() >= 2
    out = tmp_path / "plan.pdf"
    preview.save_to(out)
    settle(qtbot, window)
    first = PdfReader(out).pages[0].extract_text()
    assert "My care and support plan" in first and "Who to call" in first
    assert view.record is not None
    assert view.record.display_name in first
    assert window.store is not None
    assert [(d["copy"], d["to"]) for d in audit_details(window.store, "print")] == [
        ("patient", "file")
    ]


def test_locking_with_the_editor_open_keeps_what_was_typed(
    qtbot, demo_dir: Path, make_window
) -> None:
    window = make_window(demo_dir)
    view = open_plan(qtbot, window, with_plan=True)
    pid = view.patient_id
    editor = editor_of(qtbot, window, view)
    editor.texts["crisis_plan"].setPlainText("Ring my son first, then the practice.")
    window.lock()
    unlock(qtbot, window)
    assert window.store is not None
    [draft, *_] = versions.versions(window.store, pid)
    assert draft.status == "draft"
    assert draft.content.crisis_plan == "Ring my son first, then the practice."


def test_a_meetings_care_plans_print_in_one_batch(qtbot, demo_dir: Path, make_window) -> None:
    window = make_window(demo_dir)
    builder: AgendaBuilder = open_meetings(qtbot, window)
    fill_agenda(qtbot, window, builder, 3)
    builder.bar.plans_button.click()
    chooser = builder.findChild(PrintChoiceDialog, "print-plan-dialog")
    assert chooser is not None
    chooser.choices[2].setChecked(True)  # professional copy
    chooser.accept()
    settle(qtbot, window)
    preview = builder.findChild(PdfPreview, "preview-care-plan")
    assert preview is not None and preview.document.pageCount() >= 1
    assert preview.file_name.startswith("MDT care plans - ")
