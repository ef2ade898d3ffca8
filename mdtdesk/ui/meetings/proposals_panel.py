"""The people the agenda rules propose for a meeting, with why, and the ways to add
people to its agenda (the chosen, all of them after asking, or anyone by hand)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.meetings.rules import Proposal
from mdtdesk.nhs_number import format_nhs
from mdtdesk.ui.widgets.guarded import confirm
from mdtdesk.ui.widgets.look import list_table
from mdtdesk.ui.widgets.rows_model import RowsModel

Cases = list[tuple[str, str]]  # (patient id, reason for the agenda)


class ProposalsPanel(QGroupBox):
    add_wanted = Signal(list)  # Cases
    by_hand_wanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Proposed by the rules", parent)
        self.length_minutes = 0
        self.proposals = RowsModel[Proposal](
            [
                ("Name", lambda p: p.name),
                ("NHS number", lambda p: format_nhs(p.nhs_number)),
                ("Why proposed", lambda p: p.reason),
            ]
        )
        self.proposal_table = list_table(self.proposals, "Proposed people")
        self.proposal_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.proposal_table.activated.connect(lambda _i: self.add_proposed())
        # No Alt key: its letters are the menus' or the tab's other buttons'.
        self.add_button = QPushButton("Add to agenda")
        self.add_button.setToolTip("Add the chosen people (Enter in the list)")
        self.add_all_button = QPushButton("Add a&ll")
        self.add_by_hand_button = QPushButton("Add a person &by hand…")
        self.add_button.clicked.connect(self.add_proposed)
        self.add_all_button.clicked.connect(self.add_all)
        self.add_by_hand_button.clicked.connect(self.by_hand_wanted)
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.count)
        layout.addWidget(self.proposal_table)
        adds = QHBoxLayout()
        for button in (self.add_button, self.add_all_button, self.add_by_hand_button):
            adds.addWidget(button)
        adds.addStretch()
        layout.addLayout(adds)

    def show_proposals(self, proposals: list[Proposal], finished: bool, length: int) -> None:
        self.length_minutes = length
        self.proposals.set_rows(proposals)
        self.count.setText(
            "The meeting is finished."
            if finished
            else f"{len(proposals)} people match a rule and are not on the agenda yet."
        )
        for button in (self.add_button, self.add_all_button):
            button.setEnabled(bool(proposals))
        self.add_by_hand_button.setEnabled(not finished)

    def clear(self) -> None:
        self.proposals.clear()
        self.count.setText("")

    def add_proposed(self) -> None:
        rows = sorted({i.row() for i in self.proposal_table.selectionModel().selectedRows()})
        chosen = [self.proposals.row_at(r) for r in rows]
        if chosen:
            self.add_wanted.emit([(p.patient_id, p.reason) for p in chosen])

    def add_all(self) -> None:
        """Add everyone proposed, after saying how many and how long that would run
        ("Add all" once put 545 people on one agenda without a word)."""
        wanted = [(p.patient_id, p.reason) for p in self.proposals.all()]
        if not wanted:
            return
        asked = (
            f"Add all {len(wanted)} people proposed to this "
            f"{self.length_minutes}-minute meeting's agenda?"
        )
        if confirm(self, "Add everyone proposed", asked):
            self.add_wanted.emit(wanted)
