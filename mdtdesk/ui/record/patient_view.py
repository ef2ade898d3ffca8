"""One patient's record: header, details (editable), history tabs and timeline."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.clock import short_time, today
from mdtdesk.labels import field_label, risk_label
from mdtdesk.meetings.requests import ask_for_discussion
from mdtdesk.nhs_number import format_nhs
from mdtdesk.patients import drafts
from mdtdesk.patients.details import (
    ChangedElsewhere,
    DuplicateNhsNumber,
    FormInvalid,
    PatientDetails,
    Saved,
    as_form,
    parse_form,
    save_details,
)
from mdtdesk.patients.hospital import KINDS, HospitalVisit, save_visit
from mdtdesk.patients.record import PatientRecord, load_record
from mdtdesk.patients.timeline import KINDS as TIMELINE_KINDS
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import StaffChoice
from mdtdesk.store.vocab import CASELOAD_STATUS, CONSENT
from mdtdesk.ui.careplan.care_plan_tab import CarePlanTab
from mdtdesk.ui.record.details_form import DetailsForm
from mdtdesk.ui.record.hospital_dialog import HospitalDialog
from mdtdesk.ui.record.record_actions import RecordActions
from mdtdesk.ui.record.voice_tab import VoiceTab
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.look import day_text, list_table
from mdtdesk.ui.widgets.rows_model import RowsModel
from mdtdesk.ui.widgets.worker import StoreWorker

FORM = "details"


@dataclass(frozen=True)
class Opened:
    record: PatientRecord
    draft: dict[str, Any] | None
    # Read with the record, so the form never shows a coordinator list that has not
    # arrived yet (restoring after unlock once saved a cleared coordinator that way).
    staff: list[StaffChoice]


def _open(store: OpenStore, patient_id: str) -> Opened:
    record = load_record(store, patient_id)
    return Opened(record, drafts.draft_for(store, patient_id, FORM), store.staff_list())


class PatientView(QWidget):
    title_changed = Signal(str)
    saved = Signal(str)

    def __init__(
        self,
        store: OpenStore,
        worker: StoreWorker,
        patient_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.worker = worker
        self.patient_id = patient_id
        self.record: PatientRecord | None = None
        self.dirty = False
        self._closed = False
        self.seen: datetime | None = None  # the version edits were begun on, if older
        self._focus_field: str | None = None  # "" for the record itself (focus_when_loaded)

        self.header = QLabel("Opening the record…")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setAccessibleName("Patient summary")
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Notice")
        self.banner.setStyleSheet(
            "background: palette(alternate-base); border: 1px solid palette(mid); padding: 6px;"
        )
        self.banner.hide()

        self.form = DetailsForm([])
        self.form.setEnabled(False)  # until the record and its staff list are read
        self.form.changed.connect(self._edited)
        self.save_button = QPushButton("Save changes")
        self.save_button.setToolTip("Save changes (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("&Discard changes")
        self.revert_button.clicked.connect(self.discard)
        for b in (self.save_button, self.revert_button):
            b.setEnabled(False)
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.addWidget(self.form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        details_layout.addLayout(buttons)
        details_layout.addStretch(1)

        self.conditions = RowsModel(
            [("Condition", lambda c: c.name), ("Since", lambda c: day_text(c.since))]
        )
        self.risks = RowsModel(
            [
                ("Score", lambda r: risk_label(r.kind)),
                ("Value", lambda r: f"{r.value:g}"),
                ("Source", lambda r: r.source),
                ("Recorded", lambda r: day_text(r.recorded_on)),
            ]
        )
        self.key_contacts = RowsModel(
            [
                ("Name", lambda k: k.name),
                ("Relationship", lambda k: k.relationship),
                ("Phone", lambda k: k.phone or ""),
                ("Carer", lambda k: "Yes" if k.is_carer else ""),
                ("Next of kin", lambda k: "Yes" if k.is_next_of_kin else ""),
            ]
        )
        self.hospital = RowsModel(
            [
                ("Kind", lambda h: KINDS.get(h.kind, h.kind)),
                ("From", lambda h: day_text(h.started_on)),
                ("To", lambda h: day_text(h.ended_on) if h.kind == "admission" else ""),
                ("Planned", lambda h: "Planned" if h.planned else "Unplanned"),
                ("Hospital", lambda h: h.hospital or ""),
                ("Reason", lambda h: h.reason or ""),
            ]
        )
        self.timeline = RowsModel(
            [
                ("When", lambda e: day_text(e.at.date()) if e.dated_only else short_time(e.at)),
                ("What", lambda e: TIMELINE_KINDS.get(e.kind, e.kind)),
                ("", lambda e: e.text),
            ]
        )
        self.plan_tab = CarePlanTab(store, worker, patient_id, self._name, self)
        self.plan_tab.changed.connect(self._work_changed)
        self.plan_tab.failed.connect(self._notice)
        self.work = RecordActions(store, worker, patient_id, self._name, self)
        self.work.changed.connect(self._work_changed)
        self.work.failed.connect(self._notice)
        self.hospital_view = list_table(self.hospital, "Hospital admissions and A&E attendances")
        self.hospital_view.activated.connect(lambda _index: self.edit_visit())
        add_visit = QPushButton("Add &visit…")
        add_visit.clicked.connect(self.add_visit)
        edit_visit = QPushButton("&Edit visit…")
        edit_visit.clicked.connect(self.edit_visit)
        hospital_tab = QWidget()
        hospital_layout = QVBoxLayout(hospital_tab)
        hospital_layout.addWidget(self.hospital_view)
        hospital_buttons = QHBoxLayout()
        hospital_buttons.addStretch(1)
        hospital_buttons.addWidget(add_visit)
        hospital_buttons.addWidget(edit_visit)
        hospital_layout.addLayout(hospital_buttons)

        conditions_tab = QWidget()
        conditions_layout = QHBoxLayout(conditions_tab)
        conditions_layout.addWidget(list_table(self.conditions, "Conditions"))
        conditions_layout.addWidget(list_table(self.risks, "Risk scores"))

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Patient record sections")
        self.tabs.addTab(details, "Details")
        self.tabs.addTab(conditions_tab, "Conditions and risk")
        self.tabs.addTab(list_table(self.key_contacts, "Key contacts and carers"), "Key contacts")
        self.tabs.addTab(hospital_tab, "Hospital")
        self.tabs.addTab(list_table(self.timeline, "Timeline"), "Timeline")
        self.tabs.addTab(self.plan_tab, "Care plan")
        self.tabs.addTab(self.work.actions_tab, "Actions")
        self.tabs.addTab(self.work.contacts_tab, "Contacts")
        self.voice_tab = VoiceTab(store, worker, patient_id, self._notice, self)
        self.tabs.addTab(self.voice_tab, "Experience")
        self.voice_tab.due_changed.connect(
            lambda due: self.tabs.setTabText(
                self.tabs.indexOf(self.voice_tab), "Experience (due)" if due else "Experience"
            )
        )

        self.discuss_button = QPushButton("As&k the MDT to discuss…")
        self.discuss_button.setToolTip(
            "The agenda builder proposes this person for the next meeting until they are discussed"
        )
        self.discuss_button.clicked.connect(self.ask_for_discussion)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.discuss_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        # Another screen's change to this person (a conflict resolved, an action done on
        # the worklist, a sync file) is read again; edits in the form are kept.
        worker.reload_on(
            self,
            Change.PATIENTS | Change.ACTIONS | Change.MEETINGS | Change.CARE_PLANS | Change.STAFF,
            self.refresh,
        )
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save)

    # -- loading ---------------------------------------------------------------
    def load(self, keep_form: dict[str, str | bool] | None = None) -> None:
        store, pid = self.store, self.patient_id
        self.worker.query(
            lambda: _open(store, pid), lambda o: self._opened(o, keep_form), self._failed
        )
        self.voice_tab.reload()

    def refresh(self) -> None:
        if not self._closed and self.record is not None:
            self.load(self.form.values() if self.dirty else None)

    def _opened(self, opened: Opened, keep_form: dict[str, str | bool] | None) -> None:
        if self._closed:
            return
        r = opened.record
        if keep_form is not None and self.record is not None:
            # Saving the edits kept here must still be checked against the version
            # they were made on, or they would overwrite the change read now unseen.
            self.seen = self.record.updated_at if self.seen is None else self.seen
        else:
            self.seen = None
        self.record = r
        self.form.set_staff(opened.staff)
        self.work.staff = opened.staff
        self.form.setEnabled(True)
        self._show_header(r)
        self.conditions.set_rows(r.conditions)
        self.risks.set_rows(r.risk_scores)
        self.key_contacts.set_rows(r.key_contacts)
        self.hospital.set_rows(r.hospital)
        self.timeline.set_rows(r.timeline)
        self.plan_tab.show_plans(r.care_plans, [(a.id, a.description) for a in r.actions])
        self.work.show_rows(r.actions, r.contacts)
        if keep_form is not None:
            self.form.set_values(keep_form)
            return
        self._take_focus()
        self.form.set_values(as_form(r.details))
        self._set_dirty(False)
        if opened.draft is not None:
            self.form.set_values(opened.draft)
            self._set_dirty(True)
            self._notice(
                "Your unsaved changes from before the app locked are back. "
                "Save them, or discard them to see the record as stored."
            )
            self.tabs.setCurrentIndex(0)

    def focus_when_loaded(self, field: str | None) -> None:
        """After unlock: the keys typed next (Ctrl+S above all) go to this record, into
        the field they were in when the app locked. They went nowhere before."""
        self._focus_field = field or ""

    def focused_field(self) -> str | None:
        widget = QApplication.focusWidget()
        return next((n for n, w in self.form.inputs.items() if w is widget), None)

    def _take_focus(self) -> None:
        field, self._focus_field = self._focus_field, None
        if field is None:
            return
        widget = self.form.inputs.get(field)
        (widget or self.tabs).setFocus()

    def _failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self.header.setText("The record could not be opened")
        self._notice(str(exc))

    def _show_header(self, r: PatientRecord) -> None:
        d = r.details
        e = html.escape
        flags = [
            label
            for on, label in (
                (d.lives_alone, "Lives alone"),
                (d.is_a_carer, "Is a carer"),
                (d.has_respect_form, "ReSPECT in place"),
            )
            if on
        ]
        consent = CONSENT.get(d.consent_status, d.consent_status)
        if r.consent_recorded_by and r.consent_recorded_at:
            consent += (
                f" (recorded by {r.consent_recorded_by}, {day_text(r.consent_recorded_at.date())})"
            )
        risk = (r.risk_band or "no eFI").capitalize()
        if d.efi_score is not None:
            risk += f" (eFI {d.efi_score:.2f})"
        self.header.setText(
            f"<h2 style='margin:0'>{e(r.display_name)}</h2>"
            f"<p>NHS number <b>{format_nhs(d.nhs_number)}</b> &nbsp;·&nbsp; "
            f"Born {day_text(d.date_of_birth)} ({r.age}) &nbsp;·&nbsp; "
            f"{e(CASELOAD_STATUS.get(d.caseload_status, d.caseload_status))}<br>"
            f"Named coordinator: <b>{e(r.coordinator or 'none')}</b> &nbsp;·&nbsp; "
            f"Consent: {e(consent)} &nbsp;·&nbsp; Risk: {e(risk)}<br>"
            f"Flags: {e(', '.join(flags) or 'none')}</p>"
        )
        self.title_changed.emit(self.title())

    def _name(self) -> str:
        return self.record.display_name if self.record else "this person"

    def title(self) -> str:
        name = self.record.display_name if self.record else "Patient"
        return f"{name} •" if self.dirty else name

    def _notice(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    # -- editing ---------------------------------------------------------------
    def _edited(self) -> None:
        self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.title_changed.emit(self.title())

    def has_unsaved(self) -> bool:
        return self.dirty and self.record is not None

    def draft(self) -> dict[str, str | bool]:
        return self.form.values()

    def save(self) -> None:
        if self.record is None or not self.dirty:
            return
        try:
            details = parse_form(self.form.values(), today(self.store.clock))
        except FormInvalid as exc:
            self.form.show_problems(exc.problems)
            self.tabs.setCurrentIndex(0)
            count = len(exc.problems)
            fields = "1 field needs" if count == 1 else f"{count} fields need"
            self._notice(f"{fields} correcting before saving.")
            return
        self.form.show_problems({})
        self.save_button.setEnabled(False)
        store, pid = self.store, self.patient_id
        seen = self.seen or self.record.updated_at
        self.worker.op(
            Change.PATIENTS,
            lambda: _save(store, pid, details, seen),
            self._saved,
            self._save_failed,
        )

    def _saved(self, saved: Saved) -> None:
        if self._closed:
            return
        self._set_dirty(False)
        what = ", ".join(field_label(f) for f in saved.changed)
        self._notice(f"Saved: {what}." if what else "Nothing had changed.")
        self.saved.emit(self.patient_id)

    def _save_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self.save_button.setEnabled(True)
        if isinstance(exc, DuplicateNhsNumber):
            self.form.show_problems({"nhs_number": str(exc)})
        elif isinstance(exc, FormInvalid):
            self.form.show_problems(exc.problems)
        elif isinstance(exc, ChangedElsewhere):
            self._notice(str(exc))
        else:
            self._notice(f"Not saved: {exc}")

    def discard(self) -> None:
        if self.record is None:
            return
        self.form.set_values(as_form(self.record.details))
        self.form.show_problems({})
        self._set_dirty(False)
        self._notice("")
        store, pid = self.store, self.patient_id
        self.worker.op(
            Change.NOTHING, lambda: drafts.drop_draft(store, pid, FORM), _ignore, self._failed
        )

    def confirm_leave(self) -> bool:
        """Ask before closing with unsaved edits; True when it is fine to close."""
        if not self.has_unsaved():
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"Save the changes to {self.title().rstrip(' •')} before closing?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            self.save()
            return not self.dirty
        self.discard()
        return True

    # -- asking for discussion -----------------------------------------------------
    def ask_for_discussion(self) -> None:
        dialog = QInputDialog(self)
        dialog.setObjectName("discuss-dialog")
        dialog.setWindowTitle("Ask the MDT to discuss")
        dialog.setLabelText("Why should the team discuss this person?")
        dialog.textValueSelected.connect(self._request_discussion)
        dialog.open()

    def _request_discussion(self, reason: str) -> None:
        if self._closed:
            return
        store, pid = self.store, self.patient_id

        def asked(_id: str) -> None:
            self._notice("Asked: the agenda builder will propose this person for the next meeting.")

        self.worker.op(
            Change.MEETINGS,
            lambda: ask_for_discussion(store, pid, reason),
            asked,
            lambda e: self._notice(str(e)),
        )

    def _work_changed(self) -> None:
        """An action, contact or care plan was saved: its operation announced the change,
        and `refresh` reads the record again."""
        if not self._closed:
            self.saved.emit(self.patient_id)

    # -- hospital visits ---------------------------------------------------------
    def add_visit(self) -> None:
        self._visit_dialog(None)

    def edit_visit(self) -> None:
        rows = self.hospital_view.selectionModel().selectedRows()
        if not rows:
            self._notice("Choose a visit in the list to edit it.")
            return
        self._visit_dialog(self.hospital.row_at(rows[0].row()).id)

    def _visit_dialog(self, event_id: str | None) -> None:
        row = next((h for h in self.hospital.all() if h.id == event_id), None)
        dialog = HospitalDialog(today(self.store.clock), row, self)
        dialog.setObjectName("hospital-dialog")
        dialog.accepted.connect(lambda: self._save_visit(dialog.visit, event_id))
        dialog.open()

    def _save_visit(self, visit: HospitalVisit | None, event_id: str | None) -> None:
        if visit is None or self._closed:
            return
        store, pid = self.store, self.patient_id
        self.worker.op(
            Change.PATIENTS,
            lambda: save_visit(store, pid, visit, event_id),
            _ignore,
            self._failed,
        )

    def clear(self) -> None:
        """Forget everything shown (the app is locking)."""
        self._closed = True
        self.record = None
        for model in (
            self.conditions,
            self.risks,
            self.key_contacts,
            self.hospital,
            self.timeline,
        ):
            model.clear()
        self.plan_tab.clear()
        self.work.clear()
        self.voice_tab.clear()
        self.form.clear()
        self.header.clear()
        self.banner.clear()


def _save(store: OpenStore, patient_id: str, details: PatientDetails, seen: datetime) -> Saved:
    saved = save_details(store, patient_id, details, seen)
    drafts.drop_draft(store, patient_id, FORM)
    return saved


def _ignore(_value: object) -> None:
    return None
