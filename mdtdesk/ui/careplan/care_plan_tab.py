"""The record's Care plan tab: every version (newest first) with the chosen one shown
section by section, and the plan's work: edit (a draft), agree, compare versions,
print either copy, export for a shared care record, or discard a draft."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.careplan import fhir, versions
from mdtdesk.careplan.sections import sections
from mdtdesk.careplan.versions import PlanVersion
from mdtdesk.clock import today
from mdtdesk.printing import care_plans
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import PLAN_STATUS
from mdtdesk.ui.careplan.care_plan_dialogs import AgreeDialog, CompareDialog, print_plans
from mdtdesk.ui.careplan.care_plan_editor import CarePlanEditor
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.files import save_name
from mdtdesk.ui.widgets.look import day_text, list_table
from mdtdesk.ui.widgets.rows_model import RowsModel
from mdtdesk.ui.widgets.worker import StoreWorker


def plan_html(plan: PlanVersion, action_text: dict[str, str]) -> str:
    parts = [f"<h3 style='margin:0'>{html.escape(plan.label)}</h3>"]
    for section in sections(plan, action_text):
        lines = "<br>".join(
            html.escape(line).replace("    ", "&nbsp;" * 6) for line in section.lines
        )
        lines = lines or "<i>Not written</i>"
        parts.append(f"<h4 style='margin-bottom:2px'>{html.escape(section.title)}</h4>{lines}")
    return "".join(parts)


class CarePlanTab(QWidget):
    changed = Signal()  # a version was saved, agreed or discarded
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
        self.store, self.worker, self.patient_id, self._name = store, worker, patient_id, name
        self.person_actions: list[tuple[str, str]] = []
        self.plans = RowsModel[PlanVersion](
            [
                ("Version", lambda p: str(p.version)),
                ("Status", lambda p: PLAN_STATUS.get(p.status, p.status)),
                ("Agreed", lambda p: day_text(p.agreed_on)),
                ("Review by", lambda p: day_text(p.review_date)),
            ]
        )
        self.list = list_table(self.plans, "Care plan versions")
        self.list.selectionModel().currentRowChanged.connect(self._chosen)
        self.list.activated.connect(lambda _i: self.edit())
        self.reader = QTextBrowser()
        self.reader.setAccessibleName("Care plan")
        self.reader.setPlaceholderText("No care plan yet. Start one with Edit plan…")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(self.reader)
        split.setSizes([300, 700])
        self.edit_button = QPushButton("&Edit plan…")
        self.edit_button.setToolTip(
            "Edit the draft, or start a new draft from the agreed plan (Ctrl+Shift+P)"
        )
        self.agree_button = QPushButton("A&gree…")
        self.compare_button = QPushButton("Compare &versions…")
        self.print_button = QPushButton("Print…")
        self.print_button.setToolTip("The person's copy or the professional copy (Ctrl+P)")
        self.fhir_button = QPushButton("E&xport FHIR…")
        self.discard_button = QPushButton("Discard draft")
        for button, slot in (
            (self.edit_button, self.edit),
            (self.agree_button, self.agree),
            (self.compare_button, self.compare),
            (self.print_button, self.print_plan),
            (self.fhir_button, self.export_fhir),
            (self.discard_button, self.discard),
        ):
            button.clicked.connect(slot)
        printing = QShortcut(QKeySequence("Ctrl+P"), self)
        printing.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        printing.activated.connect(self.print_plan)
        row = QHBoxLayout()
        for button in (self.discard_button, self.fhir_button, self.compare_button):
            row.addWidget(button)
        row.addStretch(1)
        for button in (self.print_button, self.agree_button, self.edit_button):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(row)
        self._enable()

    # -- showing ---------------------------------------------------------------------
    def show_plans(
        self, plans: Sequence[PlanVersion], person_actions: Sequence[tuple[str, str]]
    ) -> None:
        """The versions as the record read them, and the person's actions for goals."""
        self.person_actions = list(person_actions)
        self._show(list(plans))

    def _reload(self) -> None:
        store, pid = self.store, self.patient_id
        self.worker.query(
            lambda: versions.versions(store, pid), self._show, lambda e: self.failed.emit(str(e))
        )

    def _show(self, plans: list[PlanVersion]) -> None:
        if not shiboken6.isValid(self):  # the app locked meanwhile
            return
        chosen = self.current()
        self.plans.set_rows(plans)
        ids = [p.id for p in plans]
        at = ids.index(chosen.id) if chosen and chosen.id in ids else 0
        if plans:
            self.list.selectRow(at)
        else:
            self.reader.clear()
        self._enable()

    def current(self) -> PlanVersion | None:
        index = self.list.currentIndex()
        return self.plans.row_at(index.row()) if index.isValid() else None

    def _chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        plan = self.plans.row_at(current.row()) if current.isValid() else None
        self.reader.setHtml(plan_html(plan, dict(self.person_actions)) if plan else "")
        self._enable()

    def _draft(self) -> PlanVersion | None:
        return next((p for p in self.plans.all() if p.status == "draft"), None)

    def _enable(self) -> None:
        plans, draft = self.plans.all(), self._draft()
        self.edit_button.setText(
            "&Edit draft…" if draft else ("&Edit plan…" if plans else "S&tart a plan…")
        )
        self.agree_button.setEnabled(draft is not None)
        self.discard_button.setEnabled(draft is not None)
        self.compare_button.setEnabled(len(plans) > 1)
        self.print_button.setEnabled(bool(plans))
        self.fhir_button.setEnabled(bool(plans))

    def clear(self) -> None:
        self.plans.clear()
        self.reader.clear()
        self.person_actions = []

    # -- the plan's work --------------------------------------------------------------
    def edit(self) -> None:
        open_now = self.findChild(CarePlanEditor, "care-plan-editor")
        if open_now is not None and open_now.isVisible():
            open_now.raise_()
            open_now.activateWindow()
            return
        store, pid = self.store, self.patient_id
        self.worker.op(
            Change.CARE_PLANS,
            lambda: versions.start_draft(store, pid),
            self._open_editor,
            self._fail,
        )

    def _open_editor(self, draft: PlanVersion) -> None:
        editor = CarePlanEditor(
            self.store, self.worker, draft, self.person_actions, self._name(), self
        )
        editor.saved.connect(lambda _saved: self.changed.emit())
        editor.finished.connect(lambda _result: self._editor_closed(editor))
        editor.open()

    def _editor_closed(self, editor: CarePlanEditor) -> None:
        # Closing with unsaved edits saves them in the background, after the dialog has
        # gone: read the versions again behind that save (the store thread runs jobs in
        # order). A save made while it was open already re-read the record.
        if editor.saved_on_close:
            self._reload()
        editor.deleteLater()

    def agree(self) -> None:
        draft = self._draft()
        if draft is None:
            return
        store = self.store
        dialog = AgreeDialog(today(store.clock), draft.review_date, self)

        def agreed(day: date, how: str, review: date) -> None:
            def done(_plan: PlanVersion) -> None:
                dialog.accept()
                self.changed.emit()

            self.worker.op(
                Change.CARE_PLANS,
                lambda: versions.agree(store, draft.id, day, how, review),
                done,
                lambda exc: dialog.problem.setText(str(exc)),
            )

        dialog.chosen.connect(agreed)
        dialog.open()

    def compare(self) -> None:
        plans, newer = self.plans.all(), self.current()
        if len(plans) < 2 or newer is None:
            return
        dialog = CompareDialog(plans, dict(self.person_actions), newer, self)
        dialog.open()

    def print_plan(self) -> None:
        if not self.plans.all():
            return
        chosen = self.current()
        store, pid = self.store, self.patient_id
        plan_id = chosen.id if chosen else None

        def make(copy: str, large: bool) -> care_plans.CarePlanPaper:
            return care_plans.paper(store, pid, copy, large, plan_id)

        print_plans(self, store, self.worker, make, self._fail)

    def export_fhir(self) -> None:
        if not self.plans.all():
            return
        name = f"Care plan - {self._name().replace(',', '')}.json"
        path = save_name(self, "fhir", "Export as FHIR", name, "FHIR JSON (*.json)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        store, pid = self.store, self.patient_id
        self.worker.op(
            Change.NOTHING,
            lambda: fhir.export(store, pid, path),
            lambda _b: self.failed.emit(f"Exported the care plan to {path} (FHIR R4)."),
            self._fail,
        )

    def discard(self) -> None:
        draft = self._draft()
        if draft is None:
            return
        answer = QMessageBox.question(
            self,
            "Discard draft",
            f"Throw away the draft of version {draft.version}? The agreed plan stays as it is.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.discard_now(draft.id)

    def discard_now(self, plan_id: str) -> None:
        store = self.store
        self.worker.op(
            Change.CARE_PLANS,
            lambda: versions.discard_draft(store, plan_id),
            lambda _r: self.changed.emit(),
            self._fail,
        )

    def _fail(self, exc: BaseException) -> None:
        self.failed.emit(str(exc))
