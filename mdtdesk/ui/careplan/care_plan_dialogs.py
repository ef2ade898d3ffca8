"""The small care plan dialogs: agree a draft with the person, compare two versions
side by side, and choose which copy to print (then preview it and print or save)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.careplan.sections import compare
from mdtdesk.careplan.versions import PlanVersion
from mdtdesk.printing import care_plans
from mdtdesk.printing.care_plans import CarePlanPaper
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.vocab import AGREED_HOW
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.forms import choice_combo, date_edit, pydate
from mdtdesk.ui.widgets.look import changed_colour, problem_label
from mdtdesk.ui.widgets.pdf_preview import PdfPreview
from mdtdesk.ui.widgets.windows import fit
from mdtdesk.ui.widgets.worker import StoreWorker


class AgreeDialog(QDialog):
    """When and how the person agreed the plan, and when to review it."""

    chosen = Signal(object, str, object)  # agreed on, how, review by

    def __init__(self, day: date, review: date | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("agree-plan-dialog")
        self.setWindowTitle("Agree the care plan")
        self.agreed_on = date_edit(day, "Agreed on")
        self.how = choice_combo(dict(AGREED_HOW), "in_person", "How it was agreed")
        self.review = date_edit(review or day + timedelta(days=182), "Review by")
        note = QLabel(
            "Agreeing makes this version the person's plan; the version agreed before it is "
            "kept, marked superseded."
        )
        note.setWordWrap(True)
        self.problem = problem_label()
        form = QFormLayout()
        form.addRow("&Agreed with the person on", self.agreed_on)
        form.addRow("&How", self.how)
        form.addRow("&Review by", self.review)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Agree")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def submit(self) -> None:
        self.chosen.emit(
            pydate(self.agreed_on.date()), str(self.how.currentData()), pydate(self.review.date())
        )


class CompareDialog(QDialog):
    """Two versions side by side, section by section, with the changed sections marked."""

    def __init__(
        self,
        plans: Sequence[PlanVersion],
        actions: Mapping[str, str],
        newer: PlanVersion,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("compare-plans-dialog")
        self.setWindowTitle("Compare care plan versions")
        self.plans, self.action_text = list(plans), actions
        self.old = QComboBox()
        self.new = QComboBox()
        for combo, name in ((self.old, "Older version"), (self.new, "Newer version")):
            combo.setAccessibleName(name)
            for p in self.plans:
                combo.addItem(p.label, p.id)
        at = self.plans.index(newer)
        self.new.setCurrentIndex(at)
        self.old.setCurrentIndex(min(at + 1, len(self.plans) - 1))
        self.old.currentIndexChanged.connect(self.show_changes)
        self.new.currentIndexChanged.connect(self.show_changes)
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName("Changes between versions")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel()
        self.summary.setAccessibleName("What changed")
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Compare"))
        pick.addWidget(self.old, 1)
        pick.addWidget(QLabel("with"))
        pick.addWidget(self.new, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(pick)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        fit(self, "care-plan-compare", 1100, 760)
        self.show_changes()

    def show_changes(self) -> None:
        old = self.plans[self.old.currentIndex()]
        new = self.plans[self.new.currentIndex()]
        rows = compare(old if old.id != new.id else None, new, self.action_text)
        self.table.setHorizontalHeaderLabels(
            ["Section", f"Version {old.version}", f"Version {new.version}"]
        )
        self.table.setRowCount(len(rows))
        mark = QBrush(changed_colour())
        for n, row in enumerate(rows):
            title = row.title + ("\n(changed)" if row.changed else "")
            for col, text in enumerate((title, "\n".join(row.old), "\n".join(row.new))):
                item = QTableWidgetItem(text or "—")
                item.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                if row.changed and col:
                    item.setBackground(mark)
                self.table.setItem(n, col, item)
        self.table.resizeRowsToContents()
        changed = [r.title for r in rows if r.changed]
        self.summary.setText(
            f"Changed: {', '.join(changed)}." if changed else "The two versions say the same."
        )


COPY_CHOICES = (
    ("patient", False, "For the &person (plain English)"),
    ("patient", True, "For the person in &large print (16 pt)"),
    ("professional", False, "Pro&fessional copy (complete, with history)"),
)


class PrintChoiceDialog(QDialog):
    def __init__(self, title: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("print-plan-dialog")
        self.setWindowTitle(title)
        self.choices = [QRadioButton(label) for _c, _l, label in COPY_CHOICES]
        self.choices[0].setChecked(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Preview")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Which copy?"))
        for choice in self.choices:
            layout.addWidget(choice)
        layout.addWidget(buttons)

    def chosen(self) -> tuple[str, bool]:
        n = next(i for i, c in enumerate(self.choices) if c.isChecked())
        copy, large, _label = COPY_CHOICES[n]
        return copy, large


def print_plans(
    parent: QWidget,
    store: OpenStore,
    worker: StoreWorker,
    make: Callable[[str, bool], CarePlanPaper],
    fail: Callable[[BaseException], None],
    title: str = "Print care plan",
) -> None:
    """Ask which copy, build it off the GUI thread, then preview it to print or save."""
    chooser = PrintChoiceDialog(title, parent)

    def chosen() -> None:
        copy, large = chooser.chosen()

        def show(made: CarePlanPaper) -> None:
            def printed(how: str) -> None:
                worker.op(
                    Change.NOTHING,
                    lambda: care_plans.log_printed(store, made, copy, how),
                    lambda _r: None,
                    fail,
                )

            preview = PdfPreview(made.file_name.removesuffix(".pdf"), made.file_name, made.pdf,
                                 printed, parent)  # fmt: skip
            preview.setObjectName("preview-care-plan")
            if made.missing:
                preview.problem.setText("No care plan yet for: " + "; ".join(made.missing))
            preview.open()

        worker.query(lambda: make(copy, large), show, fail)

    chooser.accepted.connect(chosen)
    chooser.open()


def print_meeting_plans(
    parent: QWidget,
    store: OpenStore,
    worker: StoreWorker,
    meeting_id: str,
    fail: Callable[[BaseException], None],
) -> None:
    """Print everyone's care plan on a meeting's agenda in one PDF."""

    def make(copy: str, large: bool) -> CarePlanPaper:
        return care_plans.meeting_batch(store, meeting_id, copy, large)

    print_plans(parent, store, worker, make, fail, "Print the agenda's care plans")
