"""The record's Experience tab: the person's questionnaire answers at joining and at six
months, a reminder when one is due, and the dialog that takes the answers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mdtdesk import fields
from mdtdesk.clock import today
from mdtdesk.impact.questionnaire import Questionnaire
from mdtdesk.patients.voice import AnswersInvalid, record_answers
from mdtdesk.patients.voice_figures import Answered, PatientVoice, patient_voice
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import TIMEPOINT
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.look import day_text, list_table, problem_label
from mdtdesk.ui.widgets.rows_model import RowsModel
from mdtdesk.ui.widgets.worker import StoreWorker

NO_ANSWER = "No answer"


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


class VoiceTab(QWidget):
    due_changed = Signal(bool)  # a questionnaire is due: the record's tab says so

    def __init__(self, store: OpenStore, worker: StoreWorker, patient_id: str,
                 failed: Callable[[str], None], parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.store, self.worker, self.patient_id, self.failed = store, worker, patient_id, failed
        self.voice: PatientVoice | None = None
        self.reminder = QLabel()
        self.reminder.setAccessibleName("Questionnaire due")
        self.reminder.setWordWrap(True)
        self.reminder.setStyleSheet("font-weight: 600;")
        self.model: RowsModel[Answered] = RowsModel(
            [
                ("When", lambda a: TIMEPOINT.get(a.timepoint, a.timepoint)),
                ("Answered", lambda a: day_text(a.answered_on)),
                ("Person-centred (0-3)", lambda a: _score(a.person_centred)),
                ("Coordinated (0-3)", lambda a: _score(a.coordinated)),
            ]
        )
        self.table = list_table(self.model, "Questionnaire answers")
        self.table.activated.connect(lambda index: self.ask(self.model.row_at(index.row())))
        self.ask_button = QPushButton("Ask the &questionnaire…")
        self.ask_button.setToolTip("Take the person's answers (at joining or at 6 months)")
        self.ask_button.clicked.connect(lambda: self.ask(None))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ask_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reminder)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        worker.reload_on(self, Change.PATIENTS, self.reload)

    def reload(self) -> None:
        store, pid = self.store, self.patient_id
        self.worker.query(lambda: patient_voice(store, pid), self._show,
                          lambda exc: self.failed(str(exc)))  # fmt: skip

    def _show(self, voice: PatientVoice) -> None:
        self.voice = voice
        self.model.set_rows(voice.answered)
        words = [TIMEPOINT[t].lower() for t in voice.due]
        self.reminder.setText(
            f"Due: the questionnaire {' and '.join(words)}." if words else "Nothing is due."
        )
        self.due_changed.emit(bool(words))

    def clear(self) -> None:
        self.voice = None
        self.model.clear()
        self.reminder.clear()

    def ask(self, answered: Answered | None) -> None:
        voice = self.voice
        if voice is None:
            return
        timepoint = answered.timepoint if answered else (voice.due or ["joining"])[0]
        dialog = VoiceDialog(voice.questionnaire, timepoint, today(self.store.clock), answered,
                             self)  # fmt: skip
        dialog.setObjectName("voice-dialog")
        dialog.accepted.connect(lambda: self._save(dialog))
        dialog.open()

    def _save(self, dialog: VoiceDialog) -> None:
        store, pid = self.store, self.patient_id
        timepoint, on, answers = dialog.timepoint(), dialog.day, dialog.answers()
        self.worker.op(
            Change.PATIENTS,
            lambda: record_answers(store, pid, timepoint, on, answers),
            lambda _r: None,
            lambda exc: self.failed(str(exc)),
        )


class VoiceDialog(QDialog):
    def __init__(self, questionnaire: Questionnaire, timepoint: str, on: date,
                 answered: Answered | None, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.on = on
        self.day = on
        self.setWindowTitle(questionnaire.title)
        self.when = QComboBox()
        for key, words in TIMEPOINT.items():
            self.when.addItem(words, key)
        self.when.setCurrentIndex(max(self.when.findData(timepoint), 0))
        self.when.setAccessibleName("Time point")
        self.date = QLineEdit((answered.answered_on if answered else on).strftime("%d/%m/%Y"))
        self.date.setAccessibleName("Date answered")
        self.date.setPlaceholderText("DD/MM/YYYY")
        form = QFormLayout()
        form.addRow("&When", self.when)
        form.addRow("&Date answered", self.date)
        self.items: dict[str, QComboBox] = {}
        questions = QWidget()
        asked = QFormLayout(questions)
        for item in questionnaire.items:
            choice = QComboBox()
            choice.addItem(NO_ANSWER, None)
            for score, said in enumerate(questionnaire.answers):
                choice.addItem(f"{score}: {said}", score)
            given = answered.answers.get(item.id) if answered else None
            choice.setCurrentIndex(max(choice.findData(given), 0) if given is not None else 0)
            choice.setAccessibleName(item.text)
            label = QLabel(f"{item.text} ({questionnaire.scales[item.scale]})")
            label.setWordWrap(True)
            label.setBuddy(choice)
            asked.addRow(label, choice)
            self.items[item.id] = choice
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        # Not a Tab stop: with one, the Tab from the date landed on the frame and the
        # first answer typed went nowhere, so every answer after it hit the item above.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(questions)
        self.problem = problem_label("Questionnaire problem")
        self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(640, 560)
        # The time point and the date come filled in: start at the first question.
        first = next(iter(self.items.values()), None)
        if first is not None:
            first.setFocus()

    def timepoint(self) -> str:
        return str(self.when.currentData())

    def answers(self) -> dict[str, int | None]:
        return {key: choice.currentData() for key, choice in self.items.items()}

    def _check(self) -> None:
        problems = []
        try:
            self.day = fields.parse_date(self.date.text(), "the date answered")
            if self.day > self.on:
                problems.append(f"Date answered: {self.day:%d/%m/%Y} is in the future")
        except fields.FieldError as exc:
            problems.append(f"Date answered: {exc}")
        if all(v is None for v in self.answers().values()):
            problems.append(str(AnswersInvalid("No item has an answer: record at least one.")))
        if problems:
            self.problem.setText("\n".join(problems))
            self.problem.show()
            return
        self.accept()
