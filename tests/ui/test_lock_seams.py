"""Defects found where locking meets the other screens (issue 15, defects 1 and 2)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from shiboken6 import isValid
from sqlalchemy import select

from mdtdesk.patients import drafts
from mdtdesk.store.models import Patient
from mdtdesk.store.staff import StaffChoice
from mdtdesk.ui.record.details_form import DetailsForm
from mdtdesk.ui.record.patient_view import PatientView
from mdtdesk.ui.record.referral_dialog import FORM as REFERRAL
from mdtdesk.ui.record.referral_dialog import NO_PATIENT, ReferralDialog
from tests.ui.conftest import answer_next_message_box, lock_and_unlock, settle, unlock
from tests.ui.test_meetings_ui import fill_agenda, open_meetings, start_meeting


def _with_coordinator(window) -> tuple[str, str]:
    store = window.store
    with store.session() as s:
        p = s.execute(
            select(Patient).where(Patient.named_coordinator_id.is_not(None)).limit(1)
        ).scalar_one()
        return p.id, p.named_coordinator_id


def test_form_never_replaces_a_coordinator_it_does_not_list(qtbot) -> None:
    form = DetailsForm([StaffChoice("a", "Dr A", "GP")])
    qtbot.addWidget(form)
    form.set_values({"named_coordinator_id": "someone-else", "sex": "female"})
    assert form.values()["named_coordinator_id"] == "someone-else"
    form.set_staff([StaffChoice("someone-else", "Nurse B", "Nurse")])
    assert form.values()["named_coordinator_id"] == "someone-else"


def test_lock_unlock_then_saving_the_phone_keeps_the_coordinator(
    qtbot, demo_dir, make_window
) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    patient_id, coordinator = _with_coordinator(window)
    view = window.workspace.open_patient(patient_id)
    qtbot.waitUntil(lambda: view.record is not None, timeout=10000)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked
    settle(qtbot, window)
    unlock(qtbot, window)
    again = window.workspace.patient_views()[0]
    assert isinstance(again, PatientView)
    qtbot.waitUntil(lambda: again.record is not None, timeout=10000)
    assert again.form.values()["named_coordinator_id"] == coordinator
    phone = again.form.inputs["phone"]
    phone.setText("01603 555 0123")
    phone.textEdited.emit("01603 555 0123")
    again.save()
    qtbot.waitUntil(lambda: "Saved" in again.banner.text(), timeout=10000)
    assert again.banner.text() == "Saved: Phone number."
    settle(qtbot, window)
    with window.store.session() as s:
        p = s.get(Patient, patient_id)
        assert p.named_coordinator_id == coordinator
        assert p.phone == "01603 555 0123"


def test_ctrl_l_locks_full_screen_meeting_mode(qtbot, demo_dir, make_window) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    workspace = window.workspace
    window.meetings_action.trigger()  # the meetings list is read when first shown
    qtbot.waitUntil(lambda: workspace.meetings.table.model().rowCount() > 0, timeout=10000)
    settle(qtbot, window)
    meeting = workspace.meetings.builder.meeting_id
    assert meeting is not None
    workspace.open_meeting_mode(meeting)
    mode = workspace.meeting_mode
    qtbot.waitUntil(lambda: mode.loaded is not None, timeout=10000)
    mode.activateWindow()
    qtbot.keyClick(mode.notes, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked
    settle(qtbot, window)
    qtbot.wait(50)
    assert not isValid(mode) or not mode.isVisible()
    # What is typed next goes to the unlock panel, not into the discussion notes.
    assert window.stack.currentWidget() is window.unlock


def typed_referral(window) -> ReferralDialog:
    """A new referral with a family name typed in it."""
    window.referral_action.trigger()
    dialog: ReferralDialog = window.workspace.findChild(ReferralDialog, "referral-dialog")
    family = dialog.form.inputs["family_name"]
    family.setText("Quennell")
    family.textEdited.emit("Quennell")
    return dialog


def test_esc_on_a_filled_referral_asks_before_discarding(qtbot, demo_dir, make_window) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    dialog = typed_referral(window)
    family = dialog.form.inputs["family_name"]
    seen: list[str] = []
    timer = answer_next_message_box("Cancel", seen)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    timer.stop()
    assert "Discard this referral?" in seen[0]
    assert dialog.isVisible() and family.text() == "Quennell"
    timer = answer_next_message_box("Discard", seen)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    timer.stop()
    assert not dialog.isVisible()


def test_meeting_mode_starts_each_case_with_no_owner_and_no_action_text(
    qtbot, demo_dir, make_window
) -> None:
    window = make_window(demo_dir)
    builder = open_meetings(qtbot, window)
    fill_agenda(qtbot, window, builder, 2)
    mode = start_meeting(qtbot, window, builder)
    mode.go(0)
    settle(qtbot, window)
    assert mode.action_owner.count() > 1  # the owner list is filled from the meeting's read
    mode.action_owner.setCurrentIndex(2)
    mode.action_text.setText("Refer to falls service")
    mode.go(1)
    settle(qtbot, window)
    assert mode.action_owner.currentData() is None
    assert mode.action_text.text() == ""


def test_after_unlock_ctrl_s_saves_the_field_being_typed_in(qtbot, demo_dir, make_window) -> None:
    # Found driving the app: typing a phone number, Ctrl+L, unlock, Ctrl+S saved nothing;
    # the keys after unlock went to no window's field.
    window = make_window(demo_dir)
    unlock(qtbot, window)
    patient_id, _coordinator = _with_coordinator(window)
    view = window.workspace.open_patient(patient_id)
    qtbot.waitUntil(lambda: view.record is not None, timeout=10000)
    phone = view.form.inputs["phone"]
    window.activateWindow()
    phone.setFocus()
    qtbot.waitUntil(phone.hasFocus)
    phone.selectAll()
    qtbot.keyClicks(phone, "01603 555 0177")
    qtbot.keyClick(phone, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked
    settle(qtbot, window)
    unlock(qtbot, window)
    again = window.workspace.patient_views()[0]
    qtbot.waitUntil(lambda: again.record is not None, timeout=10000)
    typed_in = QApplication.focusWidget()
    assert typed_in is again.form.inputs["phone"]
    qtbot.keyClick(typed_in, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Saved" in again.banner.text(), timeout=10000)
    settle(qtbot, window)
    with window.store.session() as s:
        assert s.get(Patient, patient_id).phone == "01603 555 0177"


def test_a_half_typed_referral_comes_back_after_a_lock(qtbot, demo_dir, make_window) -> None:
    # The lock closed a new referral's form and what was typed in it was lost.
    window = make_window(demo_dir)
    unlock(qtbot, window)
    typed_referral(window)
    lock_and_unlock(qtbot, window)
    again = window.workspace.findChild(ReferralDialog, "referral-dialog")
    assert again is not None and again.isVisible()
    assert again.form.inputs["family_name"].text() == "Quennell"
    assert again.message.text() == "Your referral from before the app locked is back."
    # Discarded when asked, it is gone for good: the next lock and unlock bring nothing.
    timer = answer_next_message_box("Discard", [])
    again.reject()
    timer.stop()
    settle(qtbot, window)
    lock_and_unlock(qtbot, window)
    later = window.workspace.findChild(ReferralDialog, "referral-dialog")
    assert later is None or not later.isVisible()
    assert drafts.draft_for(window.store, NO_PATIENT, REFERRAL) is None


def test_ctrl_l_locks_from_inside_a_window_modal_dialog(qtbot, demo_dir, make_window) -> None:
    # Found driving the app: Ctrl+L in the hospital import dialog did nothing, and the
    # passphrase typed next went into the dialog's path field. A dialog opened with
    # open() blocks the main window, and Qt gives a blocked window no shortcuts.
    window = make_window(demo_dir)
    unlock(qtbot, window)
    for open_dialog in (window.hospital_action.trigger, lambda: typed_referral(window)):
        open_dialog()
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert window.locked, dialog.windowTitle()
        settle(qtbot, window)
        qtbot.wait(50)
        assert not isValid(dialog) or not dialog.isVisible()
        assert window.stack.currentWidget() is window.unlock
        unlock(qtbot, window)
        settle(qtbot, window)
