"""The Actions and Coordinators tabs and the record's actions and contacts, driven
through their real widgets."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from mdtdesk.actions.worklist import detail
from mdtdesk.store.models import Action, ContactLogEntry
from mdtdesk.ui.actions.action_dialog import ActionDialog
from mdtdesk.ui.actions.action_forms import ContactDialog, NewActionDialog
from mdtdesk.ui.actions.services_dialog import ServicesDialog
from mdtdesk.ui.actions.worklist_dialogs import ReassignDialog, VisitsDialog
from mdtdesk.ui.actions.worklist_view import WorklistView
from mdtdesk.ui.record.patient_view import PatientView
from mdtdesk.ui.shell.main_window import MainWindow
from mdtdesk.ui.widgets.pdf_preview import PdfPreview
from tests.meeting_helpers import audit_details
from tests.ui.conftest import settle, unlock
from tests.ui.test_meetings_ui import focus


def open_worklist(qtbot, window: MainWindow) -> WorklistView:
    unlock(qtbot, window)
    assert window.workspace is not None
    window.worklist_action.trigger()
    view = window.workspace.worklist
    qtbot.waitUntil(lambda: view.listed is not None, timeout=15000)
    settle(qtbot, window)
    return view


def status(window: MainWindow, action_id: str) -> str:
    assert window.store is not None
    with window.store.session() as s:
        return s.get_one(Action, action_id).status


def choose_owner(qtbot, window: MainWindow, view: WorklistView, name: str) -> None:
    view.owner.setCurrentIndex(view.owner.findText(name))
    settle(qtbot, window)


def test_status_in_a_keystroke_undo_and_the_counts(qtbot, demo_dir: Path, make_window) -> None:
    window = make_window(demo_dir)
    view = open_worklist(qtbot, window)
    # The test user owns nothing, so everyone's actions are shown, and it says so.
    assert view.owner.currentText() == "Everyone's"
    assert "You own no open actions" in view.message.text()
    assert view.listed is not None
    counts = view.listed.counts
    labels = {b.property("bucket"): b.text() for b in view.buckets.buttons()}
    assert labels["overdue"] == f"Overdue ({counts['overdue']})"
    assert labels["all"] == f"All ({len(view.listed.items)})"
    assert counts["overdue"] > 0
    overdue = next(b for b in view.buckets.buttons() if b.property("bucket") == "overdue")
    overdue.click()
    assert {r.bucket for r in view.model.all()} == {"overdue"}

    view.table.selectRow(0)
    first = view.model.row_at(0)
    focus(qtbot, view.table)
    qtbot.keyClick(view.table, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert status(window, first.id) == "done"
    assert first.id not in [r.id for r in view.model.all()]
    assert view.message.text().endswith(": done. Ctrl+Z undoes it.")
    focus(qtbot, view.table)
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert status(window, first.id) == first.status
    assert window.store is not None
    assert detail(window.store, first.id).history[-1].text.endswith("(Undone)")
    assert first.id in [r.id for r in view.model.all()]


def test_reassigning_everything_a_coordinator_holds(qtbot, demo_dir: Path, make_window) -> None:
    window = make_window(demo_dir)
    view = open_worklist(qtbot, window)
    choose_owner(qtbot, window, view, "Jo Seago")
    jos = [r.id for r in view.model.all()]
    assert jos and {r.owner for r in view.model.all()} == {"Jo Seago"}
    focus(qtbot, view.table)
    view.table.selectAll()
    qtbot.keyClick(view.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = view.findChild(ReassignDialog, "reassign-dialog")
    assert dialog is not None and dialog.windowTitle() == f"Reassign {len(jos)} actions"
    dialog.accept()  # nobody chosen yet: it says so and stays open
    assert dialog.isVisible() and "Choose who" in dialog.problem.text()
    dialog.owner.setCurrentIndex(
        dialog.owner.findText("Gail Platten", Qt.MatchFlag.MatchStartsWith)
    )
    dialog.note.setText("Jo on leave")
    dialog.accept()
    settle(qtbot, window)
    assert view.model.all() == []
    assert f"{len(jos)} reassigned to Gail Platten." in view.message.text()
    choose_owner(qtbot, window, view, "Gail Platten")
    assert set(jos) <= {r.id for r in view.model.all()}


def test_a_referral_is_marked_sent_on_the_action_screen(qtbot, demo_dir: Path, make_window) -> None:
    window = make_window(demo_dir)
    view = open_worklist(qtbot, window)
    row = next(i for i, r in enumerate(view.model.all()) if r.service and r.referral_status is None)
    item = view.model.row_at(row)
    view.table.selectRow(row)
    focus(qtbot, view.table)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    dialog = view.findChild(ActionDialog, "action-dialog")
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.item is not None, timeout=15000)
    assert dialog.referral_box.isVisibleTo(dialog)
    assert dialog.referral_state.text() == "Not sent yet"
    assert dialog.history.row_at(0).text.startswith("Set: ")
    dialog.referral.setCurrentIndex(dialog.referral.findData("sent"))
    dialog.submit()
    settle(qtbot, window)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert window.store is not None
    with window.store.session() as s:
        saved = s.get_one(Action, item.id)
        assert (saved.referral_status, saved.status) == ("sent", "waiting")
    updated = next(r for r in view.model.all() if r.id == item.id)
    assert updated.referral_status == "sent"


def open_record(qtbot, window: MainWindow) -> PatientView:
    unlock(qtbot, window)
    assert window.workspace is not None
    row = window.workspace.caseload.model.all_rows()[0]
    view = window.workspace.open_patient(row.patient_id)
    assert view is not None
    qtbot.waitUntil(lambda: view.record is not None, timeout=15000)
    return view


def test_a_contact_and_its_follow_up_in_one_step(qtbot, demo_dir: Path, make_window) -> None:
    window = make_window(demo_dir)
    view = open_record(qtbot, window)
    assert view.record is not None
    before = len(view.record.contacts), len(view.record.actions)
    window.contact_action.trigger()
    settle(qtbot, window)
    dialog = view.findChild(ContactDialog, "contact-dialog")
    assert dialog is not None
    assert view.tabs.currentWidget() is view.work.contacts_tab
    dialog.kind.setCurrentIndex(dialog.kind.findData("with_carer"))
    dialog.notes.setPlainText("Daughter worried about nights.")
    dialog.follow_up.setChecked(True)
    dialog.action.description.setText("Ask the OT about a bed rail")
    dialog.submit()
    settle(qtbot, window)
    # Who the contact was with is missing: nothing is written and the dialog stays.
    assert dialog.isVisible() and "say which carer" in dialog.problem.text()
    assert window.store is not None
    with window.store.session() as s:
        stored = len(s.execute(select(ContactLogEntry.id)).all())
    dialog.with_whom.setText("Daughter, Sue")
    dialog.submit()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: view.record is not None and len(view.record.contacts) > before[0])
    record = view.record
    assert record is not None
    assert (len(record.contacts), len(record.actions)) == (before[0] + 1, before[1] + 1)
    newest = view.work.contact_rows.row_at(0)
    assert (newest.kind, newest.with_whom) == ("with_carer", "Daughter, Sue")
    assert any(r.description == "Ask the OT about a bed rail" for r in view.work.action_rows.all())
    assert any("With carer with Daughter, Sue" in e.text for e in record.timeline)
    with window.store.session() as s:
        assert len(s.execute(select(ContactLogEntry.id)).all()) == stored + 1


def test_a_new_action_from_the_record_goes_to_the_named_coordinator(
    qtbot, demo_dir: Path, make_window
) -> None:
    window = make_window(demo_dir)
    view = open_record(qtbot, window)
    view.tabs.setCurrentWidget(view.work.actions_tab)
    view.work.new_action()
    settle(qtbot, window)
    dialog = view.findChild(NewActionDialog, "new-action-dialog")
    assert dialog is not None
    dialog.fields.description.setText("Check the key safe code with the carer")
    dialog.submit()
    settle(qtbot, window)
    qtbot.waitUntil(
        lambda: any(
            r.description == "Check the key safe code with the carer"
            for r in view.work.action_rows.all()
        )
    )
    made = next(
        r for r in view.work.action_rows.all() if r.description.startswith("Check the key safe")
    )
    assert view.record is not None
    assert made.owner == view.record.coordinator
    assert view.work.action_rows.row_at(0).status in ("open", "in_progress", "waiting")


def test_the_coordinators_tab_shows_loads_and_opens_a_person(
    qtbot, demo_dir: Path, make_window
) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    assert window.workspace is not None
    window.coordinators_action.trigger()
    tab = window.workspace.coordinators
    qtbot.waitUntil(lambda: tab.rows.rowCount() > 0, timeout=15000)
    names = [r.name for r in tab.rows.all()]
    jo = names.index("Jo Seago")
    tab.table.selectRow(jo)
    row = tab.rows.row_at(jo)
    assert tab.people.rowCount() == len(row.people) > 0
    assert tab.caption.text() == f"Jo Seago: {len(row.people)} people on the caseload"
    assert tab.table.isColumnHidden(1)  # one practice: no practice column
    tab.people_view.activated.emit(tab.people.index(0, 0))
    current = window.workspace.tabs.currentWidget()
    assert isinstance(current, PatientView) and current.patient_id == row.people[0].patient_id


def test_the_home_visits_list_previews_prints_and_is_audited(
    qtbot, demo_dir: Path, make_window, tmp_path: Path
) -> None:
    window = make_window(demo_dir)
    view = open_worklist(qtbot, window)
    choose_owner(qtbot, window, view, "Jo Seago")
    focus(qtbot, view.table)
    qtbot.keyClick(view.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = view.findChild(VisitsDialog, "visits-dialog")
    assert dialog is not None and dialog.owner.currentText().startswith("Jo Seago")
    dialog.accept()
    settle(qtbot, window)
    preview = view.findChild(PdfPreview, "preview-visits")
    assert preview is not None
    out = tmp_path / "visits.pdf"
    preview.save_to(out)
    settle(qtbot, window)
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Home visits: Jo Seago" in text and "CONFIDENTIAL" in text
    assert window.store is not None
    [printed] = audit_details(window.store, "print")
    assert (printed["paper"], printed["to"]) == ("home visits", "file")


def test_retiring_a_service_in_the_services_list(qtbot, demo_dir: Path, make_window) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    window.services_action.trigger()
    settle(qtbot, window)
    assert window.workspace is not None
    dialog = window.workspace.findChild(ServicesDialog, "services-dialog")
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 8)
    row = [s.name for s in dialog.model.all()].index("Falls service")
    dialog.table.selectRow(row)
    dialog.toggle()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not dialog.model.row_at(row).active)
    assert dialog.model.data(dialog.model.index(row, 1)).startswith("Retired")
