"""The record's Actions and Contacts tabs: the person's actions (open first) with New
action… and Update…, and their contact log with Log a contact… (which can set a
follow-up action in the same step)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTableView, QVBoxLayout, QWidget

from mdtdesk.actions import referrals
from mdtdesk.actions.referrals import ServiceRow, referral_line
from mdtdesk.clock import short_time
from mdtdesk.patients.record import ActionRow, ContactRow
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import StaffChoice
from mdtdesk.store.vocab import ACTION_STATUS, CONTACT_KIND, OPEN_ACTION_STATUSES
from mdtdesk.ui.actions.action_dialog import ActionDialog
from mdtdesk.ui.actions.action_forms import ContactDialog, NewActionDialog
from mdtdesk.ui.widgets.look import day_text, list_table
from mdtdesk.ui.widgets.rows_model import RowsModel
from mdtdesk.ui.widgets.worker import StoreWorker


def _referral(a: ActionRow) -> str:
    return referral_line(a.service, a.referral_status) if a.service else ""


def open_first(rows: Sequence[ActionRow]) -> list[ActionRow]:
    """Open actions by due date, then closed ones (newest first, as given)."""
    still = sorted(
        (a for a in rows if a.status in OPEN_ACTION_STATUSES),
        key=lambda a: a.due_date or date.max,
    )
    return still + [a for a in rows if a.status not in OPEN_ACTION_STATUSES]


def _tab(table: QTableView, *buttons: QPushButton) -> QWidget:
    tab = QWidget()
    layout = QVBoxLayout(tab)
    layout.addWidget(table)
    row = QHBoxLayout()
    row.addStretch(1)
    for b in buttons:
        row.addWidget(b)
    layout.addLayout(row)
    return tab


class RecordActions(QWidget):
    """Builds both tabs; `changed` asks the record to read itself again."""

    changed = Signal()
    failed = Signal(str)

    def __init__(
        self,
        store: OpenStore,
        worker: StoreWorker,
        patient_id: str,
        name: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.worker = store, worker
        self.staff: Sequence[StaffChoice] = []  # set when the record is read
        self.patient_id, self._name = patient_id, name
        self.action_rows = RowsModel[ActionRow](
            [
                ("Action", lambda a: a.description),
                ("Owner", lambda a: a.owner or "—"),
                ("Due", lambda a: day_text(a.due_date)),
                ("Status", lambda a: ACTION_STATUS.get(a.status, a.status)),
                ("Referral", _referral),
            ]
        )
        self.actions_view = list_table(self.action_rows, "Actions")
        self.actions_view.activated.connect(lambda _i: self.update_action())
        self.contact_rows = RowsModel[ContactRow](
            [
                ("When", lambda c: short_time(c.at)),
                ("Type", lambda c: CONTACT_KIND.get(c.kind, c.kind)),
                ("With", lambda c: c.with_whom or ""),
                ("By", lambda c: c.staff or "—"),
                ("Minutes", lambda c: str(c.duration_minutes or "")),
                ("Notes", lambda c: c.notes or ""),
            ]
        )
        self.contacts_view = list_table(self.contact_rows, "Contact log")
        new_action = QPushButton("&New action…")
        new_action.clicked.connect(self.new_action)
        update = QPushButton("&Update action…")
        update.clicked.connect(self.update_action)
        log = QPushButton("&Log a contact…")
        log.clicked.connect(self.log_contact)
        log_too = QPushButton("&Log a contact…")
        log_too.clicked.connect(self.log_contact)
        self.actions_tab = _tab(self.actions_view, log_too, new_action, update)
        self.contacts_tab = _tab(self.contacts_view, log)
        self.actions_tab.setParent(self)
        self.contacts_tab.setParent(self)

    def show_rows(self, actions: Sequence[ActionRow], contacts: Sequence[ContactRow]) -> None:
        self.action_rows.set_rows(open_first(actions))
        self.contact_rows.set_rows(contacts)

    def clear(self) -> None:
        self.action_rows.clear()
        self.contact_rows.clear()

    def _with_services(self, then: Callable[[list[ServiceRow]], None]) -> None:
        store = self.store
        self.worker.query(
            lambda: referrals.services(store), then, lambda e: self.failed.emit(str(e))
        )

    def new_action(self) -> None:
        def show(services: list[ServiceRow]) -> None:
            dialog = NewActionDialog(
                self.store, self.worker, self.staff, services, self.patient_id, self._name(), self
            )
            dialog.setObjectName("new-action-dialog")
            dialog.made.connect(lambda _id: self.changed.emit())
            dialog.open()

        self._with_services(show)

    def update_action(self) -> None:
        picked = self.actions_view.selectionModel().selectedRows()
        if not picked:
            self.failed.emit("Choose an action in the list to update it.")
            return
        dialog = ActionDialog(
            self.store, self.worker, self.action_rows.row_at(picked[0].row()).id, self
        )
        dialog.setObjectName("action-dialog")
        dialog.changed.connect(lambda _c: self.changed.emit())
        dialog.open()
        dialog.load()

    def log_contact(self) -> None:
        def show(services: list[ServiceRow]) -> None:
            dialog = ContactDialog(
                self.store, self.worker, self.staff, services, self.patient_id, self._name(), self
            )
            dialog.setObjectName("contact-dialog")
            dialog.logged.connect(lambda _l: self.changed.emit())
            dialog.open()

        self._with_services(show)
