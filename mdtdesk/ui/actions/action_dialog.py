"""One action in full: change what, when, how urgent, its status or its referral's
progress, with a note, and read every change made to it so far."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.actions.tracking import Changed
from mdtdesk.actions.update import Update, update
from mdtdesk.actions.worklist import ActionDetail, HistoryLine, WorkItem, detail
from mdtdesk.clock import short_time, today
from mdtdesk.nhs_number import format_nhs
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import ACTION_STATUS, PRIORITY, REFERRAL_STATUS
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.forms import choice_combo, date_edit, pydate, qdate
from mdtdesk.ui.widgets.look import list_table, problem_label
from mdtdesk.ui.widgets.rows_model import RowsModel
from mdtdesk.ui.widgets.windows import fit
from mdtdesk.ui.widgets.worker import StoreWorker


def referral_words(item: WorkItem) -> str:
    """ "Sent 3 Nov, accepted 10 Nov" (or "not sent yet")."""
    steps = [
        ("sent", item.referral_sent_on),
        (
            "declined" if item.referral_status == "declined" else "accepted",
            item.referral_replied_on,
        ),
        ("seen", item.referral_seen_on),
    ]
    said = [f"{what} {day.day} {day:%b}" for what, day in steps if day is not None]
    text = ", ".join(said)
    return text[:1].upper() + text[1:] if said else "Not sent yet"


class ActionDialog(QDialog):
    changed = Signal(object)  # Changed

    def __init__(
        self, store: OpenStore, worker: StoreWorker, action_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store, self.worker, self.action_id = store, worker, action_id
        self.item: WorkItem | None = None
        self.setWindowTitle("Action")
        self.header = QLabel("Reading the action…")
        self.header.setWordWrap(True)
        self.header.setAccessibleName("About this action")
        self.description = QLineEdit()
        self.description.setAccessibleName("Action")
        on = today(store.clock)
        self.due = date_edit(on, "Due date")
        self.priority = choice_combo(PRIORITY, "routine", "Priority")
        self.status = choice_combo(ACTION_STATUS, "open", "Status")
        self.referral = QComboBox()
        self.referral.setAccessibleName("Referral progress")
        self.referral.addItem("No change", None)
        for key, label in REFERRAL_STATUS.items():
            self.referral.addItem(f"Mark {label.lower()}", key)
        self.referral_on = date_edit(on, "Referral date")
        self.referral_on.setMaximumDate(qdate(on))
        self.referral_state = QLabel()
        referral_row = QHBoxLayout()
        referral_row.addWidget(self.referral_state, 1)
        referral_row.addWidget(self.referral)
        referral_row.addWidget(QLabel("on"))
        referral_row.addWidget(self.referral_on)
        self.referral_box = QWidget()
        self.referral_box.setLayout(referral_row)
        referral_row.setContentsMargins(0, 0, 0, 0)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Why (needed to cancel or to reopen)")
        self.note.setAccessibleName("Note")
        form = QFormLayout()
        form.addRow("&Action", self.description)
        form.addRow("&Due", self.due)
        form.addRow("P&riority", self.priority)
        form.addRow("&Status", self.status)
        form.addRow("Re&ferral", self.referral_box)
        form.addRow("&Note", self.note)
        self.history = RowsModel[HistoryLine](
            [
                ("When", lambda h: short_time(h.at)),
                ("Who", lambda h: h.who),
                ("What", lambda h: h.text),
            ]
        )
        self.history_view = list_table(self.history, "History")
        self.problem = problem_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(form)
        layout.addWidget(QLabel("History"))
        layout.addWidget(self.history_view, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        fit(self, "action", 720, 560)

    def load(self) -> None:
        store, aid = self.store, self.action_id
        self.worker.query(lambda: detail(store, aid), self._shown, self._failed)

    def _shown(self, found: ActionDetail) -> None:
        i = self.item = found.item
        self.header.setText(
            f"<b>{i.patient}</b> ({format_nhs(i.nhs_number)}) · {i.source} · owner <b>{i.owner}</b>"
            + (f"<br>Referral to <b>{i.service}</b>" if i.service else "")
        )
        self.description.setText(i.description)
        if i.due_date is not None:
            self.due.setMinimumDate(qdate(min(i.due_date, pydate(self.due.date()))))
            self.due.setDate(qdate(i.due_date))
        self.priority.setCurrentIndex(max(0, self.priority.findData(i.priority)))
        self.status.setCurrentIndex(max(0, self.status.findData(i.status)))
        self.referral_box.setVisible(i.service is not None)
        self.referral_state.setText(referral_words(i))
        self.history.set_rows(found.history)
        self.history_view.scrollToBottom()
        self.save_button.setEnabled(True)

    def wanted(self) -> Update:
        i = self.item
        assert i is not None
        due = pydate(self.due.date())
        return Update(
            description=self.description.text()
            if self.description.text() != i.description
            else None,
            due_date=due if due != i.due_date else None,
            priority=p if (p := self.priority.currentData()) != i.priority else None,
            referral_status=self.referral.currentData(),
            referral_on=pydate(self.referral_on.date()),
            status=s if (s := self.status.currentData()) != i.status else None,
            note=self.note.text(),
        )

    def submit(self) -> None:
        if self.item is None:
            return
        wanted, store, aid = self.wanted(), self.store, self.action_id

        def done(changed: Changed) -> None:
            self.changed.emit(changed)
            self.accept()

        self.worker.op(Change.ACTIONS, lambda: update(store, aid, wanted), done, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.problem.setText(str(exc))
