"""What an unlocked user works in: the caseload, meetings, actions, coordinators and sync
tabs, one tab per open record, and meeting mode's window when a meeting is running.

Made on unlock and destroyed on lock, so nothing of a patient outlives the lock in a
widget or a model; where the user was is kept as a WorkspaceState of ids and choices.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtWidgets import QDialog, QTabBar, QTabWidget, QVBoxLayout, QWidget

from mdtdesk.store.opened import OpenStore
from mdtdesk.ui.actions.coordinators_view import CoordinatorsView
from mdtdesk.ui.actions.services_dialog import ServicesDialog
from mdtdesk.ui.actions.worklist_view import WorklistView
from mdtdesk.ui.careplan.care_plan_dialogs import print_meeting_plans
from mdtdesk.ui.caseload.caseload_view import CaseloadState, CaseloadView
from mdtdesk.ui.caseload.csv_kinds import CASELOAD, HOSPITAL, REGISTER, CsvKind
from mdtdesk.ui.caseload.import_dialog import ImportDialog
from mdtdesk.ui.home.overview_view import OverviewView
from mdtdesk.ui.meetings.meeting_mode import MeetingMode
from mdtdesk.ui.meetings.meetings_view import MeetingsView
from mdtdesk.ui.record.patient_view import FORM, PatientView
from mdtdesk.ui.record.referral_dialog import FORM as REFERRAL
from mdtdesk.ui.record.referral_dialog import NO_PATIENT, ReferralDialog
from mdtdesk.ui.sync.sync_view import SyncView
from mdtdesk.ui.widgets.changes import Reloader
from mdtdesk.ui.widgets.guarded import GuardedDialog
from mdtdesk.ui.widgets.worker import StoreWorker


@dataclass(frozen=True)
class WorkspaceState:
    staff_id: str | None
    caseload: CaseloadState = field(default_factory=CaseloadState)
    patients: tuple[str, ...] = ()
    current: int = 0
    record_section: dict[str, int] = field(default_factory=dict)
    meeting: str | None = None  # the meeting selected on the Meetings tab
    meeting_mode: bool = False  # and whether meeting mode was open on it
    meeting_case: int = -1  # the case it showed (-1: attendance)
    focus: str | None = None  # the field of the current record being typed in
    referral: bool = False  # a new referral was being typed


class Workspace(QWidget):
    def __init__(self, store: OpenStore, worker: StoreWorker, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.worker = worker
        self.closed = False
        self.caseload = CaseloadView(store, worker)
        self.caseload.open_patient.connect(self.open_patient)
        self.caseload.loaded.connect(self._caseload_loaded)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setAccessibleName("Open records")
        self.tabs.addTab(self.caseload, "Caseload")
        self.tabs.tabBar().setTabButton(0, QTabBar.ButtonPosition.RightSide, None)
        self.meetings = MeetingsView(
            store, worker, lambda: self.caseload.staff, self.caseload.model.caseload_index, self
        )
        self.meetings.start_meeting.connect(self.open_meeting_mode)
        builder = self.meetings.builder
        builder.print_plans_asked.connect(
            lambda meeting: print_meeting_plans(builder, store, worker, meeting, builder.fail)
        )
        self.tabs.addTab(self.meetings, "Meetings")
        self.meeting_mode: MeetingMode | None = None
        self.worklist = WorklistView(store, worker, lambda: self.caseload.staff, self)
        self.worklist.open_patient.connect(self.open_patient)
        self.tabs.addTab(self.worklist, "Actions")
        self.coordinators = CoordinatorsView(store, worker, self)
        self.coordinators.open_patient.connect(self.open_patient)
        self.tabs.addTab(self.coordinators, "Coordinators")
        self.sync = SyncView(store, worker)
        self.tabs.addTab(self.sync, "Sync")
        self.overview = OverviewView(store, worker, self)
        self.tabs.addTab(self.overview, "Overview")
        for fixed in range(self.tabs.count()):
            self.tabs.tabBar().setTabButton(fixed, QTabBar.ButtonPosition.RightSide, None)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.caseload.reload()
        self.sync.refresh()  # for the status bar's last sync; after the caseload's read

    # -- records -----------------------------------------------------------------
    def patient_views(self) -> list[PatientView]:
        views = (self.tabs.widget(i) for i in range(1, self.tabs.count()))
        return [v for v in views if isinstance(v, PatientView)]

    def open_patient(self, patient_id: str) -> PatientView | None:
        if self.closed:
            return None
        for view in self.patient_views():
            if view.patient_id == patient_id:
                self.tabs.setCurrentWidget(view)
                return view
        view = PatientView(self.store, self.worker, patient_id)
        index = self.tabs.addTab(view, "Opening…")
        view.title_changed.connect(lambda title, v=view: self._retitle(v, title))
        self.tabs.setCurrentIndex(index)
        view.load()
        return view

    def show_meetings(self) -> None:
        self.tabs.setCurrentWidget(self.meetings)
        self.meetings.table.setFocus()

    def open_meeting_mode(self, meeting_id: str, case: int | None = None) -> None:
        if self.closed:
            return
        if self.meeting_mode is not None:
            if self.meeting_mode.meeting_id == meeting_id:
                self.meeting_mode.raise_()
                self.meeting_mode.activateWindow()
                return
            self.meeting_mode.reject()
        mode = MeetingMode(self.store, self.worker, self.caseload.staff, meeting_id, self, case)
        mode.finished.connect(lambda _code, m=mode: self._meeting_mode_closed(m))
        self.meeting_mode = mode
        mode.showFullScreen()
        mode.start()

    def _meeting_mode_closed(self, mode: MeetingMode) -> None:
        if self.meeting_mode is mode:
            self.meeting_mode = None
        mode.deleteLater()
        if not self.closed:
            self.meetings.reload()
            self.meetings.builder.reload()

    def show_worklist(self) -> None:
        self.tabs.setCurrentWidget(self.worklist)
        self.worklist.table.setFocus()

    def show_coordinators(self) -> None:
        self.tabs.setCurrentWidget(self.coordinators)
        self.coordinators.table.setFocus()

    def edit_services(self) -> None:
        dialog = ServicesDialog(self.store, self.worker, self)
        dialog.setObjectName("services-dialog")
        dialog.open()
        dialog.reload()

    def log_contact(self) -> None:
        """Log a contact for the record on show (the Patient menu's item)."""
        view = self.tabs.currentWidget()
        if isinstance(view, PatientView) and view.record is not None:
            view.tabs.setCurrentWidget(view.work.contacts_tab)
            view.work.log_contact()

    def edit_care_plan(self) -> None:
        """Open the care plan editor for the record on show (the Patient menu's item)."""
        view = self.tabs.currentWidget()
        if isinstance(view, PatientView) and view.record is not None:
            view.tabs.setCurrentWidget(view.plan_tab)
            view.plan_tab.edit()

    def show_sync(self) -> None:
        self.tabs.setCurrentWidget(self.sync)

    def show_overview(self) -> None:
        self.tabs.setCurrentWidget(self.overview)
        self.overview.setFocus()

    def _retitle(self, view: PatientView, title: str) -> None:
        index = self.tabs.indexOf(view)
        if index >= 0:
            self.tabs.setTabText(index, title)

    def close_tab(self, index: int) -> None:
        view = self.tabs.widget(index)
        if not isinstance(view, PatientView) or not view.confirm_leave():
            return
        self.tabs.removeTab(index)
        view.clear()
        view.deleteLater()

    def close_current(self) -> None:
        if self.tabs.currentIndex() > 0:
            self.close_tab(self.tabs.currentIndex())

    def show_caseload(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.caseload.search.setFocus()
        self.caseload.search.selectAll()

    # -- dialogs -----------------------------------------------------------------
    def new_referral(self, from_draft: bool = False) -> None:
        dialog = ReferralDialog(
            self.store, self.worker, self.caseload.staff, self.caseload.model.caseload_index(), self
        )
        dialog.setObjectName("referral-dialog")
        dialog.referred.connect(self._referred)
        dialog.open_existing.connect(self.open_patient)
        dialog.open()
        if from_draft:
            dialog.bring_back_draft()

    def _referred(self, patient_id: str) -> None:
        self.open_patient(patient_id)

    def import_csv(self, kind: str = "caseload") -> None:
        kinds: dict[str, CsvKind] = {"caseload": CASELOAD, "hospital": HOSPITAL,
                                     "register": REGISTER}  # fmt: skip
        dialog = ImportDialog(self.store, self.worker, self, kinds[kind])
        dialog.setObjectName("import-dialog" if kind == "caseload" else f"import-{kind}-dialog")
        dialog.open()

    # -- lock and unlock -----------------------------------------------------------
    def unsaved(self) -> list[tuple[str, str, dict[str, str | bool]]]:
        """(patient id, form, values) of every form with unsaved typing."""
        found = [(v.patient_id, FORM, v.draft()) for v in self.patient_views() if v.has_unsaved()]
        found += [(NO_PATIENT, REFERRAL, r.form.values()) for r in self._referrals_typed()]
        return found

    def discard_unsaved(self) -> None:
        for view in self.patient_views():
            view.discard()
        for referral in self._referrals_typed():
            referral.close_unasked()

    def _referrals_typed(self) -> list[ReferralDialog]:
        return [d for d in self.findChildren(ReferralDialog) if d.isVisible() and d.has_input()]

    def state(self) -> WorkspaceState:
        views = self.patient_views()
        current = self.tabs.currentWidget()
        return WorkspaceState(
            staff_id=self.store.actor.staff_id,
            caseload=self.caseload.state(),
            patients=tuple(v.patient_id for v in views),
            current=self.tabs.currentIndex(),
            record_section={v.patient_id: v.tabs.currentIndex() for v in views},
            meeting=self.meetings.builder.meeting_id,
            meeting_mode=self.meeting_mode is not None,
            meeting_case=self.meeting_mode.case if self.meeting_mode is not None else -1,
            focus=current.focused_field() if isinstance(current, PatientView) else None,
            referral=bool(self._referrals_typed()),
        )

    def restore(self, state: WorkspaceState) -> None:
        self.caseload.restore(state.caseload)
        for patient_id in state.patients:
            view = self.open_patient(patient_id)
            if view is not None:
                view.tabs.setCurrentIndex(state.record_section.get(patient_id, 0))
        self.tabs.setCurrentIndex(min(state.current, self.tabs.count() - 1))
        current = self.tabs.currentWidget()
        if isinstance(current, PatientView):
            current.focus_when_loaded(state.focus)
        if state.referral:
            self.new_referral(from_draft=True)
        if state.meeting is not None:
            self.meetings.reload(select=state.meeting)
            if state.meeting_mode:
                self.open_meeting_mode(state.meeting, state.meeting_case)

    def _caseload_loaded(self) -> None:
        if self.tabs.currentIndex() == 0:
            self.caseload.table.setFocus()

    def teardown(self) -> None:
        """Clear every model and form and close every dialog (the app is locking)."""
        self.closed = True
        self.meetings.builder.undo.write_now()
        for reloader in self.findChildren(Reloader):
            reloader.stop()
        for dialog in self.findChildren(QDialog):
            if isinstance(dialog, GuardedDialog):
                dialog.close_unasked()
            else:
                dialog.reject()
            dialog.deleteLater()
        for view in self.patient_views():
            view.clear()
        # Meeting mode is one of the dialogs closed above; closing saves what was typed.
        self.meeting_mode = None
        self.caseload.clear()
        self.meetings.clear()
        self.worklist.clear()
        self.coordinators.clear()
        self.sync.clear()
        self.overview.clear()
        while self.tabs.count() > 1:
            self.tabs.removeTab(1)
