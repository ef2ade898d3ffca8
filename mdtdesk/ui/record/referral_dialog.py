"""Refer a person into the caseload: look for them first, then warn on a likely duplicate."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.caseload.filtering import CaseloadIndex, CaseloadQuery
from mdtdesk.caseload.rows import CaseloadRow
from mdtdesk.clock import short_day, today
from mdtdesk.nhs_number import format_nhs
from mdtdesk.patients import drafts
from mdtdesk.patients.details import DuplicateNhsNumber, FormInvalid, PatientDetails, parse_form
from mdtdesk.patients.referral import Candidate, Referred, likely_duplicates, refer
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import StaffChoice
from mdtdesk.store.vocab import CASELOAD_STATUS
from mdtdesk.ui.record.details_form import DetailsForm
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.guarded import GuardedDialog
from mdtdesk.ui.widgets.look import list_table
from mdtdesk.ui.widgets.rows_model import RowsModel
from mdtdesk.ui.widgets.windows import fit
from mdtdesk.ui.widgets.worker import StoreWorker

MAX_MATCHES = 50


# A referral's draft belongs to no patient yet.
FORM, NO_PATIENT = "referral", ""


class ReferralDialog(GuardedDialog):
    discard_question = "Discard this referral? Nothing typed into it has been saved."
    referred = Signal(str)
    open_existing = Signal(str)

    def __init__(
        self,
        store: OpenStore,
        worker: StoreWorker,
        staff: Sequence[StaffChoice],
        caseload: CaseloadIndex,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.worker = worker
        self.on = today(store.clock)
        self._index = caseload
        self.setWindowTitle("New referral")
        fit(self, "referral", 980, 720)

        self.search = QLineEdit()
        self.search.setAccessibleName("Look for the person in the caseload")
        self.search.setPlaceholderText("Name, NHS number or postcode")
        self.search.textChanged.connect(self._search)
        self.matches = RowsModel[CaseloadRow](
            [
                ("Name", lambda r: r.display_name),
                ("NHS number", lambda r: format_nhs(r.nhs_number)),
                ("Born", lambda r: short_day(r.date_of_birth)),
                ("Status", lambda r: CASELOAD_STATUS.get(r.status, r.status)),
            ]
        )
        self.match_view = list_table(self.matches, "People already in the caseload")
        self.match_view.setMaximumHeight(150)
        self.match_view.activated.connect(self._open_match)
        self.match_count = QLabel("Type to look for the person before referring them.")

        self.form = DetailsForm(staff)
        self.form.hide_field("date_of_death")
        self.form.changed.connect(self._typed)
        self._typed_in = False
        self.form.set_values(
            {
                "sex": "unknown",
                "caseload_status": "referred",
                "consent_status": "not_asked",
                "referral_date": self.on.strftime("%d/%m/%Y"),
                "named_coordinator_id": store.actor.staff_id or "",
            }
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.refer_button = QPushButton("Re&fer")
        self.refer_button.setDefault(True)
        self.buttons.addButton(self.refer_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.try_refer)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>1. Is the person already in the caseload?</b>"))
        layout.addWidget(self.search)
        layout.addWidget(self.match_view)
        layout.addWidget(self.match_count)
        layout.addWidget(QLabel("<b>2. Who are you referring?</b>"))
        layout.addWidget(self.form, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.search.setFocus()

    def _typed(self) -> None:
        self._typed_in = True

    def has_input(self) -> bool:
        return self._typed_in

    def bring_back_draft(self) -> None:
        """After unlock: the referral typed before the lock, kept as a draft (a lock used
        to close the form and lose it)."""
        store = self.store
        self.worker.query(
            lambda: drafts.draft_for(store, NO_PATIENT, FORM), self._got_draft, self._failed
        )

    def _got_draft(self, values: dict[str, str | bool] | None) -> None:
        if not values:
            return
        self.form.set_values(values)
        self._typed_in = True
        self.message.setText("Your referral from before the app locked is back.")

    def reject(self) -> None:
        super().reject()
        if self._typed_in and not self.isVisible():  # discarded when asked: its draft too
            self._drop_draft()

    def _drop_draft(self) -> None:
        store = self.store
        self.worker.op(
            Change.NOTHING,
            lambda: drafts.drop_draft(store, NO_PATIENT, FORM),
            lambda _r: None,
            self._failed,
        )

    def _search(self, text: str) -> None:
        if not text.strip():
            self.matches.clear()
            self.match_count.setText("Type to look for the person before referring them.")
            return
        found = self._index.visible(CaseloadQuery(search=text))
        self.matches.set_rows([self._index.rows[i] for i in found[:MAX_MATCHES]])
        if not found:
            self.match_count.setText("Nobody in the caseload matches.")
        else:
            more = f" (first {MAX_MATCHES} shown)" if len(found) > MAX_MATCHES else ""
            self.match_count.setText(
                f"{len(found)} already in the caseload{more}: press Enter on one to open it."
            )

    def _open_match(self, index: QModelIndex) -> None:
        self.open_existing.emit(self.matches.row_at(index.row()).patient_id)
        self.close_unasked()

    def try_refer(self) -> None:
        try:
            details = parse_form(self.form.values(), self.on)
        except FormInvalid as exc:
            self.form.show_problems(exc.problems)
            self.message.setText("Correct the fields marked before referring.")
            return
        self.form.show_problems({})
        self.refer_button.setEnabled(False)
        self.message.setText("Looking for likely duplicates…")
        store = self.store
        self.worker.query(
            lambda: likely_duplicates(
                store,
                details.nhs_number,
                details.date_of_birth,
                details.family_name,
                details.given_name,
            ),
            lambda found: self._checked(details, found),
            self._failed,
        )

    def _checked(self, details: PatientDetails, found: list[Candidate]) -> None:
        if found and not self._confirm_despite(found):
            self.refer_button.setEnabled(True)
            self.message.setText("")
            return
        store = self.store
        self.worker.op(Change.PATIENTS, lambda: refer(store, details), self._referred, self._failed)

    def _confirm_despite(self, found: list[Candidate]) -> bool:
        lines = "\n".join(
            f"• {c.family_name.upper()}, {c.given_name}, NHS {format_nhs(c.nhs_number)}, "
            f"born {short_day(c.date_of_birth)} ({CASELOAD_STATUS.get(c.caseload_status)}) "
            f"— {c.why}"
            for c in found
        )
        certain = any(c.same_nhs_number for c in found)
        box = QMessageBox(self)
        box.setObjectName("duplicate-warning")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Likely duplicate")
        if certain:
            box.setText("This NHS number is already in the caseload:")
            box.setInformativeText(f"{lines}\n\nOpen the existing record instead.")
        else:
            box.setText("This may be someone already in the caseload:")
            box.setInformativeText(f"{lines}\n\nRefer anyway only if this is a different person.")
        open_button = box.addButton("&Open existing record", QMessageBox.ButtonRole.AcceptRole)
        anyway = None
        if not certain:
            anyway = box.addButton("Refer &anyway", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(open_button)
        box.exec()
        clicked = box.clickedButton()
        if clicked is open_button:
            self.open_existing.emit(found[0].patient_id)
            self.reject()
            return False
        return anyway is not None and clicked is anyway

    def _referred(self, result: Referred) -> None:
        self._drop_draft()
        self.referred.emit(result.patient_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.refer_button.setEnabled(True)
        if isinstance(exc, DuplicateNhsNumber):
            self.form.show_problems({"nhs_number": str(exc)})
            self.message.setText(str(exc))
        elif isinstance(exc, FormInvalid):
            self.form.show_problems(exc.problems)
        else:
            self.message.setText(f"Not referred: {exc}")
