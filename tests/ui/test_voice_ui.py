"""The person's voice in the app: the record's Experience tab reminds, takes the
answers in a dialog and shows the scores; the worklist names who is due."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import func, select

from mdtdesk.store.models import Patient, QuestionnaireResponse
from mdtdesk.ui.actions.worklist_view import EVERYONE
from mdtdesk.ui.record.patient_view import PatientView
from mdtdesk.ui.record.voice_tab import VoiceDialog
from tests.ui.conftest import settle, unlock


def _due_person(window) -> str:
    store = window.store
    with store.session() as s:
        return str(
            s.execute(
                select(Patient.id)
                .where(
                    Patient.caseload_status == "active",
                    Patient.referral_date.is_not(None),
                    Patient.id.not_in(select(QuestionnaireResponse.patient_id)),
                )
                .order_by(Patient.nhs_number)
            )
            .scalars()
            .first()
        )


def _dialog() -> VoiceDialog:
    return next(w for w in QApplication.topLevelWidgets()
                if isinstance(w, VoiceDialog) and w.isVisible())  # fmt: skip


def test_the_experience_tab_reminds_takes_answers_and_shows_scores(
    qtbot, make_window, demo_dir: Path
) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    workspace = window.workspace
    pid = _due_person(window)
    view = workspace.open_patient(pid)
    assert isinstance(view, PatientView)
    settle(qtbot, window)
    tab = view.voice_tab
    index = view.tabs.indexOf(tab)
    assert view.tabs.tabText(index) == "Experience (due)"
    assert tab.reminder.text().startswith("Due: the questionnaire at joining")
    view.tabs.setCurrentIndex(index)
    tab.ask_button.click()  # Alt+Q, tried under Xvfb: offscreen windows take no mnemonics
    dialog = _dialog()
    assert dialog.timepoint() == "joining"
    # Saving with nothing answered says so and keeps the dialog open.
    dialog._check()
    assert dialog.isVisible() and "No item has an answer" in dialog.problem.text()
    # Ctrl+L in the middle closes the dialog and changes nothing; then do it again.
    qtbot.keyClick(dialog.date, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.locked, timeout=5000)
    settle(qtbot, window)
    unlock(qtbot, window)
    settle(qtbot, window)
    with window.store.session() as s:
        asked = select(func.count(QuestionnaireResponse.id)).where(
            QuestionnaireResponse.patient_id == pid
        )
        assert s.execute(asked).scalar_one() == 0
    workspace = window.workspace
    view = workspace.tabs.currentWidget()
    assert isinstance(view, PatientView) and view.patient_id == pid
    settle(qtbot, window)
    view.voice_tab.ask(None)
    dialog = _dialog()
    # Found driving the app: the scroll area was a Tab stop between the date and the
    # first question, so the first answer typed went nowhere and the rest one item up.
    questions = list(dialog.items.values())
    assert dialog.focusWidget() is questions[0]
    dialog.date.setFocus()
    qtbot.keyClick(dialog.date, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is questions[0]
    for n, choice in enumerate(dialog.items.values()):
        choice.setFocus()
        for _ in range(1 + n % 4):  # No answer, then 0, 1, 2, 3 by the arrow key
            qtbot.keyClick(choice, Qt.Key.Key_Down)
    assert dialog.answers()["involved"] == 0 and dialog.answers()["manage"] == 3
    qtbot.keyClick(dialog.date, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert not dialog.isVisible()
    rows = view.voice_tab.model.all()
    assert [r.timepoint for r in rows] == ["joining"]
    assert rows[0].person_centred == 1.5 and rows[0].coordinated == 1.5
    said = view.voice_tab.reminder.text()
    assert said in ("Nothing is due.", "Due: the questionnaire at 6 months.")
    title = view.tabs.tabText(view.tabs.indexOf(view.voice_tab))
    assert title == ("Experience (due)" if said.startswith("Due") else "Experience")


def test_the_worklist_names_the_people_whose_questionnaire_is_due(
    qtbot, make_window, demo_dir: Path
) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    window.worklist_action.trigger()
    worklist = window.workspace.worklist
    settle(qtbot, window)
    worklist.owner.setCurrentIndex(worklist.owner.findData(EVERYONE))
    settle(qtbot, window)
    assert worklist.due.isVisible()
    assert worklist.due.text().startswith("Questionnaires due: ")
    assert "(at joining)" in worklist.due.text() and "Experience tab" in worklist.due.text()
    name = worklist.due.text().removeprefix("Questionnaires due: ").split(" (")[0]
    window.lock()
    settle(qtbot, window)
    shown = [w.text() for w in QApplication.allWidgets() if isinstance(w, QLabel)]
    assert not any(name in text for text in shown)
