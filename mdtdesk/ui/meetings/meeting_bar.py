"""The chosen meeting's title and the buttons that act on the whole meeting: its
details, circulating and starting it, its papers, and the agenda rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mdtdesk.meetings import attendance, rules, schedule
from mdtdesk.meetings.schedule import MeetingRow
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import StaffChoice
from mdtdesk.store.vocab import MEETING_STATE
from mdtdesk.ui.meetings.meeting_dialogs import ScheduleDialog, SettingsDialog
from mdtdesk.ui.meetings.meeting_papers_view import open_paper, open_summaries
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.worker import StoreWorker

NO_MEETING = "Choose a meeting, or plan one (Ctrl+Shift+N)."
# change(what, fn(reason)): make a change to the meeting's record, asking a reason first
# if the meeting is finished.
ChangeMeeting = Callable[[str, Callable[[str | None], Any]], None]


def describe(m: MeetingRow) -> str:
    local = m.starts_at.astimezone()
    chair = f" · Chair: {m.chair}" if m.chair else ""
    return (
        f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M} · {m.length_minutes} min · "
        f"{m.place or 'no place set'}{chair} · {MEETING_STATE[m.state]}"
    )


class MeetingBar(QWidget):
    start_meeting = Signal(str)
    print_plans_asked = Signal(str)  # a meeting id: print its agenda's care plans
    changed = Signal()  # the meeting was changed here: show it again

    def __init__(
        self,
        store: OpenStore,
        worker: StoreWorker,
        staff: Callable[[], list[StaffChoice]],
        change: ChangeMeeting,
        fail: Callable[[BaseException], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.worker = store, worker
        self._staff, self._change_meeting, self._fail = staff, change, fail
        self.meeting: MeetingRow | None = None
        self.cases = 0
        self.title = QLabel(NO_MEETING)
        self.title.setAccessibleName("Meeting")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.edit_button = QPushButton("Change &details…")
        self.circulate_button = QPushButton("Mark agenda &circulated")
        self.start_button = QPushButton("S&tart meeting")
        self.print_button = QPushButton("Pr&int agenda…")
        self.minutes_button = QPushButton("Minut&es…")
        self.summaries_button = QPushButton("&Outcome summaries…")
        self.plans_button = QPushButton("Care pla&ns…")
        self.plans_button.setToolTip("Print the care plans of everyone on the agenda, in one go")
        self.settings_button = QPushButton("Rules and &quorum…")
        # The buttons that act on the chosen meeting (off until one is chosen).
        self.meeting_buttons = (
            self.edit_button,
            self.circulate_button,
            self.start_button,
            self.print_button,
            self.minutes_button,
            self.summaries_button,
            self.plans_button,
        )
        for button in self.meeting_buttons:
            button.setEnabled(False)
        self.edit_button.clicked.connect(self.edit_details)
        self.circulate_button.clicked.connect(self.circulate)
        self.start_button.clicked.connect(self._start)
        self.print_button.clicked.connect(self.print_agenda)
        self.minutes_button.clicked.connect(lambda: self.preview("minutes"))
        self.summaries_button.clicked.connect(self.preview_summaries)
        self.plans_button.clicked.connect(self.print_care_plans)
        self.settings_button.clicked.connect(self.settings)
        # Two rows, so the tab fits a 1024-pixel-wide screen.
        actions = QVBoxLayout()
        running_row, papers_row = QHBoxLayout(), QHBoxLayout()
        for button in self.meeting_buttons[:3]:
            running_row.addWidget(button)
        running_row.addStretch()
        running_row.addWidget(self.settings_button)
        for button in self.meeting_buttons[3:]:
            papers_row.addWidget(button)
        papers_row.addStretch()
        actions.addLayout(running_row)
        actions.addLayout(papers_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(actions)

    @property
    def meeting_id(self) -> str | None:
        return self.meeting.id if self.meeting else None

    def show_meeting(self, m: MeetingRow, cases: int) -> None:
        self.meeting, self.cases = m, cases
        self.title.setText(describe(m))
        self.edit_button.setEnabled(True)
        self.circulate_button.setEnabled(m.state == "planned")
        self.start_button.setEnabled(True)
        self.start_button.setText(
            {
                "in_progress": "Resume mee&ting",
                "finished": "Open &record",
            }.get(m.state, "S&tart meeting")
        )
        self.print_button.setEnabled(bool(cases))
        self.plans_button.setEnabled(bool(cases))
        self.minutes_button.setEnabled(m.state in ("in_progress", "finished"))
        self.summaries_button.setEnabled(m.state == "finished")

    def clear(self) -> None:
        self.meeting, self.cases = None, 0
        self.title.setText(NO_MEETING)
        for button in self.meeting_buttons:
            button.setEnabled(False)

    def edit_details(self) -> None:
        m = self.meeting
        if m is None:
            return
        dialog = ScheduleDialog(self._staff(), self.store.actor.staff_id, m.starts_at, m, self)
        dialog.setObjectName("schedule-dialog")
        store = self.store

        def save() -> None:
            starts, length = dialog.starts_at(), dialog.length.value()
            place, chair = dialog.place.text(), dialog.chair.currentData()
            self._change_meeting(
                "the meeting's details",
                lambda reason: schedule.edit(
                    store,
                    m.id,
                    starts_at=starts,
                    length_minutes=length,
                    place=place,
                    chair_id=chair,
                    reason=reason,
                ),
            )

        dialog.accepted.connect(save)
        dialog.open()

    def circulate(self) -> None:
        meeting = self.meeting_id
        if meeting is None:
            return
        store = self.store
        self.worker.op(
            Change.MEETINGS,
            lambda: schedule.circulate(store, meeting),
            lambda _r: self.changed.emit(),
            self._fail,
        )

    def _start(self) -> None:
        if self.meeting_id is not None:
            self.start_meeting.emit(self.meeting_id)

    def print_agenda(self) -> None:
        self.preview("agenda")

    def preview(self, kind: str) -> None:
        meeting = self.meeting_id
        if meeting is None or (kind == "agenda" and not self.cases):
            return
        open_paper(self, self.store, self.worker, meeting, kind, self._fail)

    def preview_summaries(self) -> None:
        if self.meeting_id is not None:
            open_summaries(self, self.store, self.worker, self.meeting_id, self._fail)

    def print_care_plans(self) -> None:
        """Ask the care plan screens (wired by the workspace) to print the agenda's plans."""
        if self.meeting_id is not None and self.cases:
            self.print_plans_asked.emit(self.meeting_id)

    def settings(self) -> None:
        store = self.store

        self.worker.query(
            lambda: (rules.settings(store), attendance.required(store)),
            self._show_settings,
            self._fail,
        )

    def _show_settings(self, current: tuple[rules.RuleSettings, tuple[str, ...]]) -> None:
        dialog = SettingsDialog(current[0], current[1], self)
        dialog.setObjectName("meeting-settings")
        store = self.store

        def save() -> None:
            chosen, quorum = dialog.chosen_rules(), dialog.chosen_quorum()

            def write() -> None:
                rules.save_settings(store, chosen)
                attendance.set_quorum(store, quorum)

            self.worker.op(Change.MEETINGS, write, lambda _r: self.changed.emit(), self._fail)

        dialog.accepted.connect(save)
        dialog.open()
