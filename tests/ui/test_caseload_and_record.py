"""Caseload search and filters, editing a record, hospital visits, referral, import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import select

from mdtdesk.caseload.rows import caseload_rows
from mdtdesk.store.models import AuditEvent, Patient
from mdtdesk.ui.caseload.caseload_view import FIRST_PAGE, CaseloadView
from mdtdesk.ui.caseload.import_dialog import ImportDialog
from mdtdesk.ui.record.hospital_dialog import HospitalDialog
from mdtdesk.ui.record.patient_view import PatientView
from mdtdesk.ui.record.referral_dialog import ReferralDialog
from mdtdesk.ui.shell.main_window import MainWindow
from tests.ui.conftest import answer_next_message_box, settle, unlock


def _ready(qtbot, make_window, demo_dir) -> MainWindow:
    window: MainWindow = make_window(demo_dir)
    unlock(qtbot, window)
    assert window.workspace is not None
    window.workspace.show_caseload()  # Ctrl+F: the app opens on the overview
    return window


def _shown_ids(window: MainWindow) -> list[str]:
    assert window.workspace is not None
    model = window.workspace.caseload.model
    return [model.row_at(r).patient_id for r in range(model.rowCount())]


def test_search_as_you_type_and_filters_return_the_right_rows(qtbot, demo_dir, make_window) -> None:
    window = _ready(qtbot, make_window, demo_dir)
    assert window.workspace is not None and window.store is not None
    view = window.workspace.caseload
    rows = caseload_rows(window.store)
    assert view.count.text() == f"{len(rows)} of {len(rows)} patients"
    target = rows[5]
    spaced = f"{target.nhs_number[:3]} {target.nhs_number[3:6]} {target.nhs_number[6:]}"
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(view.search, spaced)
    assert _shown_ids(window) == [target.patient_id]
    assert view.count.text() == f"1 of {len(rows)} patients"
    view.search.clear()
    qtbot.keyClicks(view.search, target.family_name.lower())
    expected = {r.patient_id for r in rows if r.family_name == target.family_name}
    assert set(_shown_ids(window)) == expected

    view.clear_filters()
    me = window.store.actor.staff_id
    view.coordinator.setCurrentIndex(view.coordinator.findData("mine"))
    view.status.setCurrentIndex(view.status.findData("active"))
    mine_active = {r.patient_id for r in rows if r.coordinator_id == me and r.status == "active"}
    assert set(_shown_ids(window)) == mine_active
    view.clear_filters()
    view.review.setCurrentIndex(view.review.findData("overdue"))
    overdue = {r.patient_id for r in rows if r.next_review and r.next_review < date(2026, 11, 23)}
    assert overdue and set(_shown_ids(window)) == overdue
    # Overdue reviews carry an icon and words, not colour alone.
    model = view.model
    index = model.index(0, 7)
    assert model.data(index, Qt.ItemDataRole.DecorationRole) is not None
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == "Review overdue"
    view.clear_filters()
    view.risk.setCurrentIndex(view.risk.findData("severe"))
    view.consent.setCurrentIndex(view.consent.findData("given"))
    both = {r.patient_id for r in rows if r.risk_band == "severe" and r.consent == "given"}
    assert set(_shown_ids(window)) == both
    view.clear_filters()
    view.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    ages = [model.row_at(r).age for r in range(model.rowCount())]
    assert ages == sorted(ages, reverse=True)


def _open_first(qtbot, window: MainWindow) -> PatientView:
    assert window.workspace is not None
    view = window.workspace.caseload
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    patient = window.workspace.tabs.currentWidget()
    assert isinstance(patient, PatientView)
    qtbot.waitUntil(lambda: patient.record is not None, timeout=10000)
    return patient


def test_edit_and_save_with_a_validation_error_first(qtbot, demo_dir, make_window) -> None:
    window = _ready(qtbot, make_window, demo_dir)
    patient = _open_first(qtbot, window)
    assert patient.record is not None
    kinds = {patient.risks.row_at(r).kind for r in range(patient.risks.rowCount())}
    shown = {patient.risks.data(patient.risks.index(r, 0)) for r in range(patient.risks.rowCount())}
    assert "admission_risk" in kinds and "Admission risk" in shown and "admission_risk" not in shown
    assert patient.record.display_name in patient.header.text()
    postcode = patient.form.inputs["postcode"]
    postcode.setFocus()
    postcode.selectAll()
    qtbot.keyClicks(postcode, "NOWHERE")
    assert patient.dirty and patient.save_button.isEnabled()
    assert window.workspace is not None
    tabs = window.workspace.tabs
    assert tabs.tabText(tabs.indexOf(patient)).endswith("•")
    qtbot.keyClick(patient, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    problem = patient.form.problems["postcode"]
    assert problem.isVisible() and "not a UK postcode" in problem.text()
    assert patient.dirty
    store = window.store
    assert store is not None
    with store.session() as s:
        assert s.get(Patient, patient.patient_id).postcode != "NR4 7TJ"
    postcode.selectAll()
    qtbot.keyClicks(postcode, "nr47tj")
    patient.save_button.click()
    qtbot.waitUntil(lambda: not patient.dirty, timeout=10000)
    settle(qtbot, window)
    assert not problem.isVisible()
    assert "Saved: Postcode." in patient.banner.text()
    with store.session() as s:
        assert s.get(Patient, patient.patient_id).postcode == "NR4 7TJ"
        actions = s.execute(
            select(AuditEvent.action).where(AuditEvent.record_id == patient.patient_id)
        ).scalars()
        assert {"view", "update"} <= set(actions)


def test_add_and_edit_a_hospital_visit(qtbot, demo_dir, make_window) -> None:
    window = _ready(qtbot, make_window, demo_dir)
    patient = _open_first(qtbot, window)
    before = patient.hospital.rowCount()
    patient.tabs.setCurrentIndex(3)
    patient.add_visit()
    dialog = patient.findChild(HospitalDialog, "hospital-dialog")
    assert dialog is not None
    dialog.started.setText("20/11/2026")
    dialog.ended.setText("18/11/2026")
    dialog.hospital.setText("James Paget")
    dialog._check()
    assert "before the admission date" in dialog.problem.text() and dialog.isVisible()
    dialog.ended.setText("22/11/2026")
    dialog._check()
    qtbot.waitUntil(lambda: patient.hospital.rowCount() == before + 1, timeout=10000)
    added = [h for h in patient.hospital.all() if h.hospital == "James Paget"]
    assert [(h.started_on, h.ended_on) for h in added] == [(date(2026, 11, 20), date(2026, 11, 22))]
    timeline = [e.text for e in patient.timeline.all()]
    assert any("James Paget" in t for t in timeline)
    row = patient.hospital.all().index(added[0])
    patient.hospital_view.selectRow(row)
    patient.edit_visit()
    edit = next(d for d in patient.findChildren(HospitalDialog) if d.isVisible())
    assert edit.started.text() == "20/11/2026"
    edit.reason.setText("Chest infection")
    edit._check()
    qtbot.waitUntil(
        lambda: any(h.reason == "Chest infection" for h in patient.hospital.all()), timeout=10000
    )
    assert patient.hospital.rowCount() == before + 1


def test_refer_warns_on_a_likely_duplicate(qtbot, demo_dir, make_window) -> None:
    window = _ready(qtbot, make_window, demo_dir)
    assert window.workspace is not None and window.store is not None
    existing = window.workspace.caseload.model.row_at(0)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.workspace.findChild(ReferralDialog, "referral-dialog")
    assert dialog is not None
    qtbot.keyClicks(dialog.search, existing.family_name)
    assert dialog.matches.rowCount() >= 1
    form = dialog.form
    values = {
        "nhs_number": "999 999 9990",
        "family_name": existing.family_name,
        "given_name": existing.given_name + "e",
        "date_of_birth": existing.date_of_birth.strftime("%d/%m/%Y"),
        "postcode": "NR1 3AB",
        "referral_source": "Hospital discharge team",
        "referral_reason": "Frequent falls",
    }
    form.set_values({**form.values(), **values})
    dialog.try_refer()
    assert "check-digit" in form.problems["nhs_number"].text()
    form.set_values({**form.values(), "nhs_number": "999 999 9999"})
    seen: list[str] = []
    timer = answer_next_message_box("Refer anyway", seen)
    with qtbot.waitSignal(dialog.referred, timeout=10000) as referred:
        dialog.try_refer()
    timer.stop()
    assert "same date of birth and a similar name" in seen[0]
    assert existing.family_name.upper() in seen[0]
    new_id = referred.args[0]
    current = window.workspace.tabs.currentWidget()
    assert isinstance(current, PatientView) and current.patient_id == new_id
    settle(qtbot, window)
    with window.store.session() as s:
        new = s.get(Patient, new_id)
        assert (new.caseload_status, new.referral_reason) == ("referred", "Frequent falls")

    # The same NHS number again: only "open the existing record" is offered.
    window.referral_action.trigger()
    again = next(d for d in window.workspace.findChildren(ReferralDialog) if d.isVisible())
    again.form.set_values(
        {**again.form.values(), **values, "nhs_number": existing.nhs_number, "given_name": "Zed"}
    )
    seen.clear()
    timer = answer_next_message_box("Open existing record", seen)
    with qtbot.waitSignal(again.open_existing, timeout=10000):
        again.try_refer()
    timer.stop()
    assert "already in the caseload" in seen[0]
    current = window.workspace.tabs.currentWidget()
    assert isinstance(current, PatientView) and current.patient_id == existing.patient_id


def test_import_a_csv_with_column_mapping_preview_and_progress(
    qtbot, demo_dir, make_window, tmp_path: Path
) -> None:
    window = _ready(qtbot, make_window, demo_dir)
    assert window.workspace is not None and window.store is not None
    csv = tmp_path / "search.csv"
    csv.write_text(
        "Patient identifier,family_name,given_name,date_of_birth,sex,postcode\n"
        "9990000018,Hewitt,Iris,1938-05-06,F,NR1 3AB\n"
        "9990000026,Sandford,Peter,1938-13-06,M,NR2 4CD\n",
        encoding="utf-8",
    )
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog = window.workspace.findChild(ImportDialog, "import-dialog")
    assert dialog is not None
    dialog.path.setText(str(csv))
    dialog.read_file()
    qtbot.waitUntil(lambda: dialog.validation is not None, timeout=10000)
    assert "missing required column(s): nhs_number" in dialog.problems.stringList()[0]
    nhs = dialog.mapping["nhs_number"]
    nhs.setCurrentIndex(nhs.findData("patient_identifier"))
    qtbot.waitUntil(lambda: dialog.validation is not None, timeout=10000)
    assert dialog.preview.rowCount() == 2
    assert dialog.preview.data(dialog.preview.index(0, 1)) == "9990000018"
    # Labels are written words, not column names ("Nhs number", "Efi score" before).
    heads = [
        dialog.preview.headerData(c, Qt.Orientation.Horizontal)
        for c in range(dialog.preview.columnCount())
    ]
    assert heads[:3] == ["Line", "NHS number", "Family name"]
    assert dialog.mapping["efi_score"].accessibleName() == "File column for eFI score"
    assert dialog.problems.stringList() == [
        "line 3, column date_of_birth: '1938-13-06' is not a date as YYYY-MM-DD, DD/MM/YYYY "
        "or DD-Mon-YYYY"
    ]
    assert not dialog.import_button.isEnabled()
    dialog.skip_invalid.setChecked(True)
    assert dialog.import_button.isEnabled()
    total = window.workspace.caseload.model.total
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "Imported" in dialog.summary.text(), timeout=10000)
    assert dialog.summary.text() == "Imported: 1 new, 0 updated, 0 unchanged, 1 skipped."
    assert dialog.progress.value() == dialog.progress.maximum() > 0
    qtbot.waitUntil(lambda: window.workspace.caseload.model.total == total + 1, timeout=10000)


def test_closing_a_record_with_unsaved_edits_asks(qtbot, demo_dir, make_window) -> None:
    window = _ready(qtbot, make_window, demo_dir)
    patient = _open_first(qtbot, window)
    assert window.workspace is not None
    phone = patient.form.inputs["phone"]
    phone.setFocus()
    qtbot.keyClicks(phone, "7")
    assert patient.has_unsaved()
    seen: list[str] = []
    timer = answer_next_message_box("Cancel", seen)
    window.close_record_action.trigger()
    timer.stop()
    assert "Save the changes" in seen[0]
    assert window.workspace.tabs.currentWidget() is patient  # still open, edits kept
    assert patient.form.values()["phone"].endswith("7")
    timer = answer_next_message_box("Discard", seen)
    window.close_record_action.trigger()
    timer.stop()
    assert window.workspace.patient_views() == []


def test_unlock_shows_the_first_page_then_the_whole_caseload(
    qtbot, demo_dir, make_window, monkeypatch
) -> None:
    # Unlock to the first page took 310-800 ms at 10,000 people while every row was
    # read; the first screenful is now shown first, and nothing acts on it as if whole.
    seen: list[tuple[str, int, str]] = []
    first, whole = CaseloadView._first, CaseloadView._loaded

    def on_first(view: CaseloadView, loaded) -> None:
        first(view, loaded)
        seen.append(("first", view.model.total, view.count.text()))

    def on_whole(view: CaseloadView, loaded) -> None:
        whole(view, loaded)
        seen.append(("whole", view.model.total, view.count.text()))

    monkeypatch.setattr(CaseloadView, "_first", on_first)
    monkeypatch.setattr(CaseloadView, "_loaded", on_whole)
    window = _ready(qtbot, make_window, demo_dir)
    assert window.store is not None
    everyone = caseload_rows(window.store)
    assert len(everyone) > FIRST_PAGE
    assert [s[:2] for s in seen] == [("first", FIRST_PAGE), ("whole", len(everyone))]
    assert seen[0][2] == f"Loading the caseload… {FIRST_PAGE} of the first {FIRST_PAGE} shown"
    assert seen[1][2] == f"{len(everyone)} of {len(everyone)} patients"
    shown = window.workspace.caseload.model.all_rows()
    assert [r.patient_id for r in shown] == [r.patient_id for r in everyone]


def test_enter_opens_no_one_while_only_the_first_page_is_in(qtbot, demo_dir, make_window) -> None:
    window = _ready(qtbot, make_window, demo_dir)
    caseload = window.workspace.caseload
    target = caseload.model.row_at(0)
    caseload.whole = False  # as while the rest are still being read
    caseload.search.setText(target.nhs_number)
    assert caseload.count.text().startswith("Loading the caseload…")
    qtbot.keyClick(caseload.search, Qt.Key.Key_Return)
    assert window.workspace.tabs.currentWidget() is caseload


def test_the_import_preview_says_what_it_found_and_maps_emis_names(
    qtbot, make_window, demo_dir, tmp_path: Path
) -> None:
    window = _ready(qtbot, make_window, demo_dir)
    assert window.workspace is not None
    csv = tmp_path / "emis.csv"
    csv.write_bytes(
        "Search: Frailty caseload\r\n\r\n"
        "NHS Number;Family Name;Calling Name;Date of Birth;Gender;Postcode\r\n"
        "9990000018;Bacon;Zoë;01-Jan-1940;Female;NR1 3AB\r\n".encode("cp1252")
    )
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog = window.workspace.findChild(ImportDialog, "import-dialog")
    assert dialog is not None
    dialog.path.setText(str(csv))
    dialog.read_file()
    qtbot.waitUntil(lambda: dialog.validation is not None, timeout=10000)
    assert dialog.detected.text() == (
        "Read as Windows-1252 (Excel's CSV) (from line 4), columns separated by semicolons, "
        "header on line 3 (2 title lines above it skipped)."
    )
    assert dialog.mapping["given_name"].currentData() == "calling_name"
    assert dialog.mapping["sex"].currentData() == "gender"
    assert dialog.problems.stringList() == []
    assert dialog.preview.data(dialog.preview.index(0, 3)) == "Zoë"
    dialog.close()
