"""Views that once kept old values or let a key hit another person's row (issue 15,
defects 3 and 7)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from sqlalchemy import select

from mdtdesk.patients.details import save_details
from mdtdesk.patients.hospital import HospitalVisit
from mdtdesk.store.models import Patient
from mdtdesk.ui.widgets.changes import Change
from tests.ui.conftest import settle, unlock
from tests.ui.test_actions_ui import open_worklist, status


def _ctrl(qtbot, widget, key) -> None:
    qtbot.keyClick(widget, key, Qt.KeyboardModifier.ControlModifier)


def test_after_undo_the_next_key_acts_on_the_same_persons_action(
    qtbot, demo_dir, make_window
) -> None:
    window = make_window(demo_dir)
    view = open_worklist(qtbot, window)
    view.table.selectRow(0)
    first = view.chosen()[0]
    _ctrl(qtbot, view.table, Qt.Key.Key_4)
    settle(qtbot, window)
    assert status(window, first.id) == "done"
    assert view.message.text().startswith(f"{first.patient}: {first.description}: done.")
    # The done action left the list; no other row is chosen in its place.
    assert view.chosen() == []
    _ctrl(qtbot, view.table, Qt.Key.Key_Z)
    settle(qtbot, window)
    assert status(window, first.id) == first.status
    assert [i.id for i in view.chosen()] == [first.id]
    assert first.patient in view.message.text()
    _ctrl(qtbot, view.table, Qt.Key.Key_4)
    settle(qtbot, window)
    assert status(window, first.id) == "done"
    others = [i for i in view.listed.items if i.id != first.id]
    assert all(status(window, i.id) == i.status for i in others[:20])


def test_caseload_shows_an_action_done_on_the_worklist_and_a_saved_admission(
    qtbot, demo_dir, make_window
) -> None:
    window = make_window(demo_dir)
    view = open_worklist(qtbot, window)
    caseload = window.workspace.caseload
    view.table.selectRow(0)
    item = view.chosen()[0]
    before = caseload.model.row_at(caseload.model.row_of(item.patient_id)).open_actions
    _ctrl(qtbot, view.table, Qt.Key.Key_4)
    settle(qtbot, window)
    window.workspace.show_caseload()
    settle(qtbot, window)
    row = caseload.model.row_at(caseload.model.row_of(item.patient_id))
    assert row.open_actions == before - 1

    record = window.workspace.open_patient(item.patient_id)
    qtbot.waitUntil(lambda: record.record is not None, timeout=10000)
    visit = HospitalVisit(
        kind="admission",
        started_on=date(2026, 11, 20),
        ended_on=date(2026, 11, 23),
        planned=False,
        hospital="Norfolk and Norwich",
        reason="Fall",
    )
    record._save_visit(visit, None)
    settle(qtbot, window)
    window.workspace.show_caseload()
    settle(qtbot, window)
    row = caseload.model.row_at(caseload.model.row_of(item.patient_id))
    assert row.last_admission == date(2026, 11, 20)


def test_an_open_record_shows_a_change_made_elsewhere(qtbot, demo_dir, make_window) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    workspace = window.workspace
    store = window.store
    with store.session() as s:
        pid = s.execute(select(Patient.id).limit(1)).scalar_one()
    record = workspace.open_patient(pid)
    qtbot.waitUntil(lambda: record.record is not None, timeout=10000)
    # Another screen's operation (here a status change made on the store thread and
    # announced as the operations helper does) must reach the open record.
    details = record.record.details
    changed = replace(details, phone="07700 900 123")
    window.worker.op(
        Change.PATIENTS,
        lambda: save_details(store, pid, changed, record.record.updated_at),
        lambda _r: None,
        lambda e: None,
    )
    settle(qtbot, window)
    qtbot.waitUntil(lambda: record.form.values()["phone"] == "07700 900 123", timeout=5000)
    assert not record.dirty
