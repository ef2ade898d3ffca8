"""Edit a care plan draft, section by section in the PRSB order. Only drafts are
edited: saving never touches an agreed version. Closing saves what was typed (a
draft is only a draft), so nothing is lost when the app locks mid-sentence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.careplan import versions
from mdtdesk.careplan.content import Goal, PlanContent, PlanInvalid, Supporter, check
from mdtdesk.careplan.versions import PlanVersion
from mdtdesk.store.ids import new_id
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import GOAL_PROGRESS, SUPPORT_ROLE
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.forms import choice_combo, date_edit, pydate
from mdtdesk.ui.widgets.look import problem_label
from mdtdesk.ui.widgets.windows import fit
from mdtdesk.ui.widgets.worker import StoreWorker

NO_DATE = QDate(2000, 1, 1)
# Which tab holds each field, to show the first problem where it is.
TABS = {
    "what_matters": 0, "about_me": 0, "needs": 0, "goals": 1, "self_care": 2,
    "rescue_medication": 2, "support": 3, "early_signs": 4, "in_hours": 4,
    "out_of_hours": 4, "crisis_plan": 4, "respect_kept": 5, "preferences": 5,
    "review_date": 6, "medication_review": 6,
}  # fmt: skip
LABELS = {
    "what_matters": "What matters to me (in the person's own words)",
    "about_me": "About me",
    "needs": "My health conditions and needs (one per line)",
    "self_care": "What I can do myself",
    "rescue_medication": "Rescue medication (what, where it is kept, when to start it)",
    "early_signs": "Early signs that things are getting worse",
    "in_hours": "Who to call in working hours",
    "out_of_hours": "Who to call evenings, nights and weekends",
    "crisis_plan": "Crisis plan: what to do",
    "respect_kept": "Where the ReSPECT form is kept",
    "preferences": "Wishes and preferences (place of care, who to involve)",
}
RESPECT = {"": "Not recorded", "yes": "In place", "no": "Not in place"}


def optional_date(day: date | None, name: str) -> QDateEdit:
    """A date that may be left empty: its lowest value reads "no date"."""
    edit = date_edit(day or pydate(NO_DATE), name)
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("no date")
    return edit


def optional_pydate(edit: QDateEdit) -> date | None:
    return None if edit.date() == NO_DATE else pydate(edit.date())


def _text(value: str, name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit(value)
    edit.setAccessibleName(name)
    edit.setTabChangesFocus(True)
    return edit


def _table(headers: Sequence[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


class CarePlanEditor(QDialog):
    saved = Signal(object)  # the PlanVersion as saved

    def __init__(
        self,
        store: OpenStore,
        worker: StoreWorker,
        draft: PlanVersion,
        person_actions: Sequence[tuple[str, str]],  # (action id, description)
        name: str,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("care-plan-editor")
        self.setWindowTitle(f"Care plan for {name}: version {draft.version} (draft)")
        self.store, self.worker, self.draft = store, worker, draft
        self.person_actions = list(person_actions)
        self.dirty = False
        self.saved_on_close = False
        self._filling = True
        c = draft.content
        self.texts = {f: _text(getattr(c, f), LABELS[f]) for f in LABELS}
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Care plan sections")
        self.tabs.addTab(self._page("what_matters", "about_me", "needs"), "&About me")
        self.tabs.addTab(self._goals_page(c.goals), "&Goals")
        self.tabs.addTab(self._page("self_care", "rescue_medication"), "&Self-care")
        self.tabs.addTab(self._support_page(c.support), "&Care and support")
        self.tabs.addTab(
            self._page("early_signs", "in_hours", "out_of_hours", "crisis_plan"), "If &worse"
        )
        self.tabs.addTab(self._ahead_page(c), "Planning a&head")
        self.tabs.addTab(self._review_page(draft), "&Reviews and copies")
        note = QLabel(
            "Write with the person, in their words. Closing saves the draft; nothing changes "
            "for them until the plan is agreed."
        )
        note.setWordWrap(True)
        self.problem = problem_label()
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Save dra&ft", QDialogButtonBox.ButtonRole.ApplyRole)
        self.close_button = buttons.addButton(
            "Save and cl&ose", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.clicked.connect(lambda: self.save(close=False))
        self.close_button.clicked.connect(lambda: self.save(close=True))
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.save(close=False))
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        for edit in self.texts.values():
            edit.textChanged.connect(self._changed)
        fit(self, "care-plan-editor", 900, 680)
        self._filling = False

    # -- pages -----------------------------------------------------------------------
    def _page(self, *fields: str) -> QWidget:
        page = QWidget()
        form = QVBoxLayout(page)
        for f in fields:
            label = QLabel(LABELS[f])
            label.setBuddy(self.texts[f])
            form.addWidget(label)
            form.addWidget(self.texts[f], 1)
        return page

    def _goals_page(self, goals: Sequence[Goal]) -> QWidget:
        self.goals = _table(("Goal (in the person's words)", "Target date", "Progress"), "Goals")
        self.goal_ids: list[str] = []
        self.goal_links: list[set[str]] = []
        for goal in goals:
            self._add_goal(goal)
        self.goals.currentCellChanged.connect(lambda *_: self._show_links())
        self.goals.itemChanged.connect(self._changed)
        self.links = QListWidget()
        self.links.setAccessibleName("Actions working towards this goal")
        for action_id, text in self.person_actions:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, action_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.links.addItem(item)
        self.links.itemChanged.connect(self._link_changed)
        add, remove = QPushButton("A&dd goal"), QPushButton("Re&move goal")
        add.clicked.connect(lambda: self._add_goal(Goal("", id=new_id()), edit=True))
        remove.clicked.connect(lambda: self._remove_row(self.goals, self.goal_ids, self.goal_links))
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.goals, 2)
        layout.addLayout(row)
        links_label = QLabel(
            "Actions working towards the chosen goal:"
            if self.person_actions
            else "This person has no actions to link to a goal yet."
        )
        layout.addWidget(links_label)
        layout.addWidget(self.links, 1)
        self._show_links()
        return page

    def _add_goal(self, goal: Goal, edit: bool = False) -> None:
        n = self.goals.rowCount()
        self.goals.insertRow(n)
        text = QTableWidgetItem(goal.text)
        self.goals.setItem(n, 0, text)
        target = optional_date(goal.target, "Target date")
        target.dateChanged.connect(self._changed)
        self.goals.setCellWidget(n, 1, target)
        progress = choice_combo(dict(GOAL_PROGRESS), goal.progress, "Progress")
        progress.currentIndexChanged.connect(self._changed)
        self.goals.setCellWidget(n, 2, progress)
        self.goals.setColumnWidth(1, 140)
        self.goals.setColumnWidth(2, 160)
        self.goal_ids.append(goal.id)
        self.goal_links.append(set(goal.actions))
        if edit:
            self.goals.setCurrentCell(n, 0)
            self.goals.editItem(text)
            self._changed()

    def _remove_row(self, table: QTableWidget, *lists: list[Any]) -> None:
        n = table.currentRow()
        if n < 0:
            return
        table.removeRow(n)
        for kept in lists:
            del kept[n]
        self._changed()

    def _show_links(self) -> None:
        n = self.goals.currentRow()
        linked = self.goal_links[n] if 0 <= n < len(self.goal_links) else set()
        self.links.setEnabled(0 <= n < len(self.goal_links))
        self._filling, was = True, self._filling
        for i in range(self.links.count()):
            item = self.links.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in linked
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self._filling = was

    def _link_changed(self, item: QListWidgetItem) -> None:
        n = self.goals.currentRow()
        if self._filling or not 0 <= n < len(self.goal_links):
            return
        action_id = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self.goal_links[n].add(action_id)
        else:
            self.goal_links[n].discard(action_id)
        self._changed()

    def _support_page(self, people: Sequence[Supporter]) -> QWidget:
        self.support = _table(("Name", "Role", "What they do", "Phone"), "Care and support")
        for person in people:
            self._add_supporter(person)
        self.support.itemChanged.connect(self._changed)
        add, remove = QPushButton("A&dd person"), QPushButton("Re&move person")
        add.clicked.connect(lambda: self._add_supporter(Supporter("other", ""), edit=True))
        remove.clicked.connect(lambda: self._remove_row(self.support))
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("Who does what: the named coordinator is listed first."))
        layout.addWidget(self.support, 1)
        layout.addLayout(row)
        return page

    def _add_supporter(self, person: Supporter, edit: bool = False) -> None:
        n = self.support.rowCount()
        self.support.insertRow(n)
        name = QTableWidgetItem(person.name)
        self.support.setItem(n, 0, name)
        role = choice_combo(dict(SUPPORT_ROLE), person.role, "Role")
        role.currentIndexChanged.connect(self._changed)
        self.support.setCellWidget(n, 1, role)
        self.support.setItem(n, 2, QTableWidgetItem(person.does))
        self.support.setItem(n, 3, QTableWidgetItem(person.phone))
        self.support.setColumnWidth(1, 190)
        self.support.setColumnWidth(2, 240)
        if edit:
            self.support.setCurrentCell(n, 0)
            self.support.editItem(name)
            self._changed()

    def _ahead_page(self, c: PlanContent) -> QWidget:
        chosen = {True: "yes", False: "no", None: ""}[c.respect_in_place]
        self.respect = choice_combo(RESPECT, chosen, "ReSPECT form")
        self.respect.currentIndexChanged.connect(self._changed)
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        form.addRow("&ReSPECT form", self.respect)
        layout.addLayout(form)
        for f in ("respect_kept", "preferences"):
            layout.addWidget(QLabel(LABELS[f]))
            layout.addWidget(self.texts[f], 1)
        return page

    def _review_page(self, draft: PlanVersion) -> QWidget:
        self.medication_review = optional_date(draft.content.medication_review, "Medication review")
        self.review_date = optional_date(draft.review_date, "Plan review")
        for edit in (self.medication_review, self.review_date):
            edit.dateChanged.connect(self._changed)
        self.distribution = _text("\n".join(draft.content.distribution), "Copies to")
        self.distribution.textChanged.connect(self._changed)
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        form.addRow("&Medication review by", self.medication_review)
        form.addRow("&Plan review by", self.review_date)
        layout.addLayout(form)
        layout.addWidget(QLabel("Who has a copy (one per line)"))
        layout.addWidget(self.distribution, 1)
        return page

    # -- reading and saving ------------------------------------------------------------
    def _changed(self, *_args: object) -> None:
        if not self._filling:
            self.dirty = True

    def _cell(self, table: QTableWidget, row: int, col: int) -> str:
        item = table.item(row, col)
        return item.text().strip() if item else ""

    def _combo(self, table: QTableWidget, row: int, col: int) -> str:
        widget = table.cellWidget(row, col)
        assert isinstance(widget, QComboBox)
        return str(widget.currentData())

    def content(self) -> PlanContent:
        goals = []
        for n in range(self.goals.rowCount()):
            target = self.goals.cellWidget(n, 1)
            assert isinstance(target, QDateEdit)
            goals.append(
                Goal(
                    self._cell(self.goals, n, 0),
                    optional_pydate(target),
                    self._combo(self.goals, n, 2),
                    tuple(sorted(self.goal_links[n])),
                    self.goal_ids[n],
                )
            )
        people = [
            Supporter(
                self._combo(self.support, n, 1),
                self._cell(self.support, n, 0),
                self._cell(self.support, n, 2),
                self._cell(self.support, n, 3),
            )
            for n in range(self.support.rowCount())
        ]
        respect = {"yes": True, "no": False, "": None}[str(self.respect.currentData())]
        copies = self.distribution.toPlainText().splitlines()
        return replace(
            self.draft.content,
            **{f: edit.toPlainText().strip() for f, edit in self.texts.items()},
            goals=tuple(goals),
            support=tuple(people),
            respect_in_place=respect,
            medication_review=optional_pydate(self.medication_review),
            distribution=tuple(c.strip() for c in copies if c.strip()),
        )

    def show_problems(self, problems: dict[str, str]) -> None:
        self.problem.setText("\n".join(problems.values()))
        first = next(iter(problems), "")
        self.tabs.setCurrentIndex(TABS.get(first.split(".")[0], self.tabs.currentIndex()))

    def save(self, close: bool) -> None:
        content = self.content()
        try:
            check(content)
        except PlanInvalid as exc:
            self.show_problems(exc.problems)
            return
        self._save(content, close)

    def _save(self, content: PlanContent, close: bool) -> None:
        store, plan_id, seen = self.store, self.draft.id, self.draft.updated_at
        review = optional_pydate(self.review_date)

        def done(saved: PlanVersion) -> None:
            # Closed by the app locking: the dialog is gone, but the draft was kept.
            if not shiboken6.isValid(self):
                return
            self.draft, self.dirty = saved, False
            self.problem.setText("")
            self.saved.emit(saved)
            if close:
                self.accept()

        self.dirty = False
        self.worker.op(
            Change.CARE_PLANS,
            lambda: versions.save_draft(store, plan_id, content, review, seen),
            done,
            self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.dirty = True
        if isinstance(exc, PlanInvalid):
            self.show_problems(exc.problems)
        else:
            self.problem.setText(f"Not saved: {exc}")

    def reject(self) -> None:
        """Esc, the window's close box, or the app locking: keep what was typed, leaving
        out rows with nothing in them."""
        if self.dirty:
            content = self.content()
            kept = replace(
                content,
                goals=tuple(g for g in content.goals if g.text),
                support=tuple(p for p in content.support if p.name),
            )
            self._save(kept, close=False)
            self.saved_on_close = True
        super().reject()
