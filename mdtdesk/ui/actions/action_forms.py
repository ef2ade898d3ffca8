"""Setting a new action (on its own or as a contact's follow-up) and logging a contact.

Each dialog checks its fields, hands the work to the store thread, and stays open with
the problem shown if the store refuses it, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.actions.contacts import WITH_SOMEONE, NewContact, log_contact
from mdtdesk.actions.referrals import ServiceRow
from mdtdesk.actions.tracking import NewAction, create
from mdtdesk.clock import today
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import StaffChoice
from mdtdesk.store.vocab import CONTACT_KIND, PRIORITY
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.forms import choice_combo, date_edit, pydate, qdate, staff_combo
from mdtdesk.ui.widgets.look import problem_label
from mdtdesk.ui.widgets.worker import StoreWorker


class ActionFields(QWidget):
    """What, who, when, how urgent and (for a referral) to which service."""

    def __init__(
        self,
        staff: Sequence[StaffChoice],
        services: Sequence[ServiceRow],
        on: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.description = QLineEdit()
        self.description.setPlaceholderText("What is to be done")
        self.description.setAccessibleName("Action")
        self.owner = staff_combo(list(staff), "The named coordinator")
        self.owner.setAccessibleName("Owner")
        self.due = date_edit(on + timedelta(days=7), "Due date")
        self.due.setMinimumDate(qdate(on))
        self.priority = choice_combo(PRIORITY, "routine", "Priority")
        self.service = QComboBox()
        self.service.setAccessibleName("Referral to")
        self.service.addItem("Not a referral", None)
        for s in services:
            self.service.addItem(s.name, s.id)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Action", self.description)
        form.addRow("&Owner", self.owner)
        form.addRow("&Due", self.due)
        form.addRow("P&riority", self.priority)
        form.addRow("Referral &to", self.service)

    def value(self, patient_id: str) -> NewAction:
        return NewAction(
            patient_id=patient_id,
            description=self.description.text(),
            due_date=pydate(self.due.date()),
            owner_id=self.owner.currentData(),
            priority=str(self.priority.currentData()),
            service_id=self.service.currentData(),
        )


class NewActionDialog(QDialog):
    made = Signal(str)

    def __init__(
        self,
        store: OpenStore,
        worker: StoreWorker,
        staff: Sequence[StaffChoice],
        services: Sequence[ServiceRow],
        patient_id: str,
        patient_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.worker, self.patient_id = store, worker, patient_id
        self.setWindowTitle(f"New action for {patient_name}")
        self.fields = ActionFields(staff, services, today(store.clock), self)
        self.problem = problem_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def submit(self) -> None:
        new, store = self.fields.value(self.patient_id), self.store

        def done(action_id: str) -> None:
            self.made.emit(action_id)
            self.accept()

        self.worker.op(Change.ACTIONS, lambda: create(store, new), done, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.problem.setText(str(exc))


class ContactDialog(QDialog):
    """Log a contact; tick "Follow-up action" to set one in the same step."""

    logged = Signal(object)  # Logged

    def __init__(
        self,
        store: OpenStore,
        worker: StoreWorker,
        staff: Sequence[StaffChoice],
        services: Sequence[ServiceRow],
        patient_id: str,
        patient_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.worker, self.patient_id = store, worker, patient_id
        self.setWindowTitle(f"Log a contact with or about {patient_name}")
        now = store.clock.now().astimezone().replace(second=0, microsecond=0)
        self.when = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int(now.timestamp())))
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        self.when.setAccessibleName("When")
        self.kind = choice_combo(CONTACT_KIND, "home_visit", "Type")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.with_whom = QLineEdit()
        self.with_whom.setAccessibleName("With whom")
        self.who = staff_combo(list(staff), "Me", store.actor.staff_id)
        self.who.setAccessibleName("Who made the contact")
        self.duration = QSpinBox()
        self.duration.setRange(0, 720)
        self.duration.setSingleStep(5)
        self.duration.setValue(20)
        self.duration.setSuffix(" minutes")
        self.duration.setSpecialValueText("Not recorded")
        self.duration.setAccessibleName("Duration")
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Notes")
        self.notes.setTabChangesFocus(True)
        self.follow_up = QGroupBox("&Follow-up action")
        self.follow_up.setCheckable(True)
        self.follow_up.setChecked(False)
        self.action = ActionFields(staff, services, today(store.clock), self.follow_up)
        QVBoxLayout(self.follow_up).addWidget(self.action)
        form = QFormLayout()
        form.addRow("&When", self.when)
        form.addRow("T&ype", self.kind)
        form.addRow("With &whom", self.with_whom)
        form.addRow("&By", self.who)
        form.addRow("D&uration", self.duration)
        form.addRow("&Notes", self.notes)
        self.problem = problem_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.follow_up)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self._kind_changed()

    def _kind_changed(self) -> None:
        needed = self.kind.currentData() in WITH_SOMEONE
        self.with_whom.setPlaceholderText(
            "Required: who it was with" if needed else "Optional: anyone else there"
        )

    def value(self) -> NewContact:
        at = datetime.fromtimestamp(self.when.dateTime().toSecsSinceEpoch()).astimezone()
        minutes = self.duration.value()
        return NewContact(
            patient_id=self.patient_id,
            at=at,
            kind=str(self.kind.currentData()),
            notes=self.notes.toPlainText(),
            duration_minutes=minutes or None,
            with_whom=self.with_whom.text(),
            staff_id=self.who.currentData(),
            follow_up=self.action.value(self.patient_id) if self.follow_up.isChecked() else None,
        )

    def submit(self) -> None:
        new, store = self.value(), self.store

        def done(logged: object) -> None:
            self.logged.emit(logged)
            self.accept()

        self.worker.op(Change.ACTIONS, lambda: log_contact(store, new), done, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.problem.setText(str(exc))
