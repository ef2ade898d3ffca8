"""Meeting mode: a full-screen, keyboard-driven view for the projector.

Attendance first (with the quoracy check), then one case at a time: the person's
story, a timer against the planned time, discussion notes, the outcome and actions
agreed on the spot. Notes are saved after a short pause in typing and before every
move, lock or close, so a crash or a lock loses nothing. A finished meeting opens
read-only; amending it asks for a reason, which is audited.

Keys: PgDown / PgUp next and previous case, Ctrl+1..7 outcome, Ctrl+Enter add the
action being typed, Ctrl+Shift+F finish the meeting, F11 full screen, Ctrl+= / Ctrl+-
/ Ctrl+0 text size for the projector (remembered), Esc leave.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from xml.sax.saxutils import escape

from PySide6.QtCore import QDate, QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.clock import short_day
from mdtdesk.meetings import agenda, attendance, running, schedule
from mdtdesk.meetings.agenda import AgendaRow
from mdtdesk.meetings.attendance import Attendee, Quoracy
from mdtdesk.meetings.schedule import MeetingRow
from mdtdesk.meetings.summary import CaseSummary, case_summary
from mdtdesk.nhs_number import format_nhs
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.staff import StaffChoice
from mdtdesk.store.vocab import DISCIPLINES, OUTCOME
from mdtdesk.ui.meetings.meeting_bar import describe
from mdtdesk.ui.meetings.meeting_dialogs import ask_reason
from mdtdesk.ui.meetings.meeting_papers_view import open_paper, open_summaries
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.forms import fill_staff, staff_combo
from mdtdesk.ui.widgets.look import problem_label, warning_colour
from mdtdesk.ui.widgets.worker import StoreWorker
from mdtdesk.ui.widgets.zoom import Zoom

SAVE_AFTER_MS = 400
CHOICES = [k for k in OUTCOME if k not in ("pending",)]


@dataclass(frozen=True)
class Loaded:
    meeting: MeetingRow
    rows: list[AgendaRow]
    attendees: list[Attendee]
    quoracy: Quoracy
    staff: list[StaffChoice]  # read with the meeting, so the owner list is never empty


def load(store: OpenStore, meeting_id: str, start: bool = False) -> Loaded:
    """The meeting as meeting mode shows it; `start` starts it unless it is finished."""
    meeting = schedule.meeting_row(store, meeting_id)
    if start and meeting.state != "finished":
        running.begin(store, meeting_id)
        meeting = schedule.meeting_row(store, meeting_id)
    people, check = attendance.roll_call(store, meeting_id)
    rows = agenda.agenda(store, meeting_id)
    return Loaded(meeting, rows, people, check, store.staff_list())


def _mmss(seconds: int) -> str:
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def summary_html(c: CaseSummary) -> str:
    def items(values: list[str], empty: str) -> str:
        if not values:
            return f"<p><i>{escape(empty)}</i></p>"
        return "<ul>" + "".join(f"<li>{escape(v)}</li>" for v in values) + "</ul>"

    actions = [
        f"{a.description} — {a.owner}, due {short_day(a.due)}" if a.due else a.description
        for a in c.actions
    ]
    return (
        f"<h2>{escape(c.name)}</h2>"
        f"<p>NHS {format_nhs(c.nhs_number)} · {c.age} years · {escape(c.status)} · "
        f"coordinator {escape(c.coordinator)}</p>"
        f"<h3>Problems</h3>{items(c.problems, 'None recorded')}"
        f"<h3>Risk</h3>{items(c.risk, 'No scores')}"
        f"<h3>Hospital in the last year</h3>{items(c.hospital, 'None')}"
        f"<h3>Open actions</h3>{items(actions, 'None open')}"
        f"<h3>Last MDT outcome</h3><p>{escape(c.last_outcome)}</p>"
        f"<h3>Care-plan goals</h3>{items(c.goals, 'No agreed care plan')}"
    )


class MeetingMode(QDialog):
    finished_meeting = Signal(str)

    def __init__(
        self,
        store: OpenStore,
        worker: StoreWorker,
        staff: list[StaffChoice],
        meeting_id: str,
        parent: QWidget | None = None,
        resume_case: int | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        # After unlock: the case on screen when the app locked (not attendance again).
        self.resume_case = resume_case
        self.setObjectName("meeting-mode")
        self.setWindowTitle("mdtdesk — meeting")
        self.store, self.worker, self.staff, self.meeting_id = store, worker, staff, meeting_id
        # Read from across a meeting room: everything a size up from the desktop.
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.setFont(font)
        self.loaded: Loaded | None = None
        self.case = -1  # -1 is the attendance page
        self.reason: str | None = None  # given once when amending a finished meeting
        self._filling = False
        self._dirty = False
        self.clock = QElapsedTimer()
        self.base_seconds = 0

        self.title = QLabel()
        self.title.setAccessibleName("Meeting")
        self.where = QLabel()
        self.quoracy = QLabel()
        self.quoracy.setAccessibleName("Quoracy")
        self.timer = QLabel()
        self.timer.setAccessibleName("Time on this case")
        self.zoom = Zoom(self, "meeting-mode")
        for big in (self.timer, self.title):
            self.zoom.keep_relative(big, 1.6, bold=True)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.quoracy)
        top.addSpacing(24)
        top.addWidget(self.timer)

        self.cases = QListWidget()
        self.cases.setAccessibleName("Agenda")
        self.cases.setMaximumWidth(360)
        self.cases.currentRowChanged.connect(self._list_moved)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._attendance_page())
        self.pages.addWidget(self._case_page())

        self.problem = problem_label()
        self.prev_button = QPushButton("← &Previous (PgUp)")
        self.next_button = QPushButton("&Next (PgDown) →")
        self.finish_button = QPushButton("&Finish meeting…")
        self.amend_button = QPushButton("&Amend…")
        self.minutes_button = QPushButton("&Minutes…")
        self.summaries_button = QPushButton("&Outcome summaries…")
        self.leave_button = QPushButton("&Leave (Esc)")
        self.prev_button.clicked.connect(lambda: self.go(self.case - 1))
        self.next_button.clicked.connect(lambda: self.go(self.case + 1))
        self.finish_button.clicked.connect(self.finish)
        self.amend_button.clicked.connect(self.amend)
        self.minutes_button.clicked.connect(
            lambda: open_paper(self, store, worker, meeting_id, "minutes", self.fail)
        )
        self.summaries_button.clicked.connect(
            lambda: open_summaries(self, store, worker, meeting_id, self.fail)
        )
        self.leave_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        for button in (self.prev_button, self.next_button):
            bottom.addWidget(button)
        bottom.addStretch()
        for button in (
            self.amend_button,
            self.minutes_button,
            self.summaries_button,
            self.finish_button,
            self.leave_button,
        ):
            bottom.addWidget(button)

        middle = QHBoxLayout()
        middle.addWidget(self.cases)
        middle.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.where)
        layout.addLayout(middle, 1)
        layout.addWidget(self.problem)
        layout.addLayout(bottom)

        self.save_timer = QTimer(self)
        self.save_timer.setSingleShot(True)
        self.save_timer.setInterval(SAVE_AFTER_MS)
        self.save_timer.timeout.connect(self.save)
        self.tick = QTimer(self)
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self._show_time)
        self.tick.start()
        # Each says what it does, so Help → Keyboard shortcuts lists it.
        keys: list[tuple[Any, str, Callable[[], None]]] = [
            (QKeySequence(Qt.Key.Key_PageDown), "next case", lambda: self.go(self.case + 1)),
            (QKeySequence(Qt.Key.Key_PageUp), "previous case", lambda: self.go(self.case - 1)),
            (QKeySequence("Ctrl+Shift+F"), "finish the meeting", self.finish),
            (QKeySequence(Qt.Key.Key_F11), "full screen or not", self.toggle_full_screen),
            (QKeySequence("Ctrl+Return"), "add the action typed", self.add_action),
            (QKeySequence("Ctrl+Enter"), "add the action typed", self.add_action),
        ]
        for n, key in enumerate(CHOICES[:9], start=1):
            what = f"outcome {OUTCOME[key].lower()}"
            keys.append((QKeySequence(f"Ctrl+{n}"), what, self._chooser(key)))
        for sequence, what, slot in keys:
            QShortcut(sequence, self, slot).setWhatsThis(f"Meeting: {what}")

    def _chooser(self, outcome: str) -> Callable[[], None]:
        return lambda: self.choose(outcome)

    # -- pages ---------------------------------------------------------------------------
    def _attendance_page(self) -> QWidget:
        page = QWidget()
        self.people = QTableWidget(0, 3)
        self.people.setHorizontalHeaderLabels(["Present", "Name", "Discipline"])
        self.people.setAccessibleName("Attendance")
        self.people.verticalHeader().setVisible(False)
        header = self.people.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # Sized to their contents always, so a zoom does not cut "Care coordinator" short.
        for column in (0, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.people.itemChanged.connect(self._presence_changed)
        self.visitor = QLineEdit()
        self.visitor.setPlaceholderText("Someone not on the staff list")
        self.visitor.setAccessibleName("Visitor's name")
        self.visitor_discipline = QComboBox()
        self.visitor_discipline.addItems(list(DISCIPLINES))
        self.visitor_discipline.setAccessibleName("Visitor's discipline")
        add = QPushButton("Add &visitor")
        add.clicked.connect(self.add_visitor)
        self.visitor.returnPressed.connect(self.add_visitor)
        visitors = QHBoxLayout()
        visitors.addWidget(self.visitor, 1)
        visitors.addWidget(self.visitor_discipline)
        visitors.addWidget(add)
        layout = QVBoxLayout(page)
        heading = QLabel(
            "<h2>Attendance</h2><p>Tick who is here (Space), then PgDown for the first case.</p>"
        )
        layout.addWidget(heading)
        layout.addWidget(self.people, 1)
        layout.addLayout(visitors)
        return page

    def _case_page(self) -> QWidget:
        page = QWidget()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.summary.setAccessibleName("Patient summary")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.summary)
        scroll.setMinimumWidth(200)
        self.reason_label = QLabel()
        self.reason_label.setWordWrap(True)
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Discussion notes")
        self.notes.setPlaceholderText("Discussion notes: saved as you type")
        self.notes.textChanged.connect(self._typed)
        self.outcomes = QButtonGroup(self)
        outcome_box = QGroupBox("Outcome (Ctrl+1 … Ctrl+7)")
        # Two rows: in one, the seven choices at a projector's zoom squeezed the
        # person's summary to a sliver.
        outcome_layout = QGridLayout(outcome_box)
        for n, key in enumerate(CHOICES, start=1):
            button = QRadioButton(f"{n} {OUTCOME[key]}")
            button.setProperty("outcome", key)
            self.outcomes.addButton(button)
            outcome_layout.addWidget(button, (n - 1) // 4, (n - 1) % 4)
        self.outcomes.buttonClicked.connect(lambda b: self.choose(str(b.property("outcome"))))
        self.action_list = QListWidget()
        self.action_list.setAccessibleName("Actions agreed")
        self.action_text = QLineEdit()
        self.action_text.setPlaceholderText("What is to be done (Ctrl+Enter adds it)")
        self.action_text.setAccessibleName("Action")
        self.action_owner = staff_combo(self.staff, "Choose an owner")
        self.action_owner.setAccessibleName("Owner")
        self.action_due = QDateEdit()
        self.action_due.setCalendarPopup(True)
        self.action_due.setDisplayFormat("d MMM yyyy")
        self.action_due.setAccessibleName("Due date")
        self.action_add = QPushButton("Add a&ction")
        self.action_add.clicked.connect(self.add_action)
        action_form = QFormLayout()
        action_form.addRow("Action", self.action_text)
        owner_due = QHBoxLayout()
        owner_due.addWidget(self.action_owner, 1)
        owner_due.addWidget(QLabel("due"))
        owner_due.addWidget(self.action_due)
        owner_due.addWidget(self.action_add)
        action_form.addRow("Owner", owner_due)
        actions_box = QGroupBox("Actions agreed")
        actions_layout = QVBoxLayout(actions_box)
        actions_layout.addWidget(self.action_list)
        actions_layout.addLayout(action_form)
        right = QVBoxLayout()
        right.addWidget(self.reason_label)
        right.addWidget(QLabel("Discussion notes"))
        right.addWidget(self.notes, 2)
        right.addWidget(outcome_box)
        right.addWidget(actions_box, 1)
        layout = QHBoxLayout(page)
        layout.addWidget(scroll, 1)
        layout.addLayout(right, 1)
        return page

    # -- loading -------------------------------------------------------------------------
    def start(self) -> None:
        """Open the meeting: start it if it has not started, resume it if it has."""
        store, meeting = self.store, self.meeting_id
        self.worker.op(
            Change.MEETINGS, lambda: load(store, meeting, start=True), self._loaded, self.fail
        )

    def _reload(self) -> None:
        store, meeting = self.store, self.meeting_id
        self.worker.query(lambda: load(store, meeting), self._loaded, self.fail)

    @property
    def read_only(self) -> bool:
        return (
            self.loaded is not None and self.loaded.meeting.state == "finished" and not self.reason
        )

    def _loaded(self, loaded: Loaded) -> None:
        first = self.loaded is None
        self.loaded = loaded
        m = loaded.meeting
        if loaded.staff != self.staff:
            self.staff = loaded.staff
            fill_staff(self.action_owner, self.staff, "Choose an owner")
        if m.state == "finished" and not self.reason:
            # The meeting is over: the case clock stops where it stands.
            if self.clock.isValid():
                self.base_seconds = self.seconds()
            self.clock.invalidate()
        self.title.setText("MDT meeting" + (" — finished" if m.state == "finished" else ""))
        self.where.setText(describe(m))
        self._fill_quoracy(loaded.quoracy)
        self._filling = True
        self.cases.clear()
        self.cases.addItem("Attendance")
        for n, row in enumerate(loaded.rows, start=1):
            decided = OUTCOME[row.outcome] if row.outcome and row.outcome != "pending" else ""
            late = " (late)" if row.late else ""
            self.cases.addItem(f"{n}. {row.name}{late}" + (f" — {decided}" if decided else ""))
        self._fill_people(loaded.attendees)
        self._filling = False
        finished = m.state == "finished"
        self.finish_button.setVisible(not finished)
        self.amend_button.setVisible(finished and not self.reason)
        self.minutes_button.setEnabled(True)
        self.summaries_button.setVisible(finished)
        self._set_editable(not self.read_only)
        if first:
            undecided = [i for i, r in enumerate(loaded.rows) if r.outcome in (None, "pending")]
            has_people = any(a.present for a in loaded.attendees)
            start = undecided[0] if undecided and has_people else -1
            self.go(start if self.resume_case is None else self.resume_case, save=False)
        else:
            self._show_current(refresh_summary=False)

    def _fill_quoracy(self, check: Quoracy) -> None:
        self.quoracy.setText(check.describe())
        colour = "" if check.quorate else f"color: {warning_colour().name()}; font-weight: bold;"
        self.quoracy.setStyleSheet(colour)

    def _fill_people(self, people: list[Attendee]) -> None:
        self.people.setRowCount(len(people))
        for n, person in enumerate(people):
            tick = QTableWidgetItem()
            tick.setFlags(
                Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
            )
            tick.setCheckState(Qt.CheckState.Checked if person.present else Qt.CheckState.Unchecked)
            tick.setData(Qt.ItemDataRole.UserRole, person.id)
            self.people.setItem(n, 0, tick)
            for column, text in ((1, person.name), (2, person.discipline)):
                cell = QTableWidgetItem(text)
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.people.setItem(n, column, cell)
        self.people.resizeColumnsToContents()

    def _set_editable(self, on: bool) -> None:
        self.notes.setReadOnly(not on)
        for button in self.outcomes.buttons():
            button.setEnabled(on)
        for widget in (
            self.action_text,
            self.action_owner,
            self.action_due,
            self.action_add,
            self.visitor,
            self.visitor_discipline,
        ):
            widget.setEnabled(on)
        self.people.setEnabled(on)

    # -- moving between cases ------------------------------------------------------------
    def current_row(self) -> AgendaRow | None:
        if self.loaded is None or not 0 <= self.case < len(self.loaded.rows):
            return None
        return self.loaded.rows[self.case]

    def seconds(self) -> int:
        return self.base_seconds + (self.clock.elapsed() // 1000 if self.clock.isValid() else 0)

    def go(self, case: int, save: bool = True) -> None:
        if self.loaded is None:
            return
        case = max(-1, min(len(self.loaded.rows) - 1, case))
        if save:
            self.save()
        self.case = case
        self._show_current(refresh_summary=True)

    def _list_moved(self, row: int) -> None:
        if not self._filling and row - 1 != self.case:
            self.go(row - 1)

    def _show_current(self, refresh_summary: bool) -> None:
        assert self.loaded is not None
        self._filling = True
        self.cases.setCurrentRow(self.case + 1)
        self._filling = False
        row = self.current_row()
        self.prev_button.setEnabled(self.case > -1)
        self.next_button.setEnabled(self.case < len(self.loaded.rows) - 1)
        if row is None:
            self.pages.setCurrentIndex(0)
            self.clock.invalidate()
            self.timer.setText("")
            self.people.setFocus()
            return
        self.pages.setCurrentIndex(1)
        if refresh_summary:
            self.base_seconds = row.seconds_spent
            if self.read_only:
                self.clock.invalidate()
            else:
                self.clock.start()
            # A new case starts a new action: nothing typed or chosen for the last
            # person is carried over to this one.
            self.action_text.clear()
            self.action_owner.setCurrentIndex(0)
            self.summary.setText("Loading…")
            self._load_summary(row.patient_id)
        self.reason_label.setText(
            f"<b>Case {self.case + 1} of {len(self.loaded.rows)}</b> · {escape(row.reason)}"
            f" · presenter {escape(row.presenter or 'not set')}"
            f" · planned {row.minutes} min" + (" · <b>late addition</b>" if row.late else "")
        )
        self._filling = True
        typed_since = self._dirty and not refresh_summary
        if not typed_since and self.notes.toPlainText() != row.notes:
            self.notes.setPlainText(row.notes)
        for button in self.outcomes.buttons():
            button.setChecked(button.property("outcome") == row.outcome)
        self._filling = False
        day = self.loaded.meeting.starts_at.astimezone().date()
        if refresh_summary:
            due = day + timedelta(days=14)
            self.action_due.setDate(QDate(due.year, due.month, due.day))
        self._show_time()
        if refresh_summary and not self.read_only:
            self.notes.setFocus()

    def _load_summary(self, patient_id: str) -> None:
        store, meeting = self.store, self.meeting_id

        def arrived(summary: CaseSummary) -> None:
            self._summary_arrived(patient_id, summary)

        self.worker.query(lambda: case_summary(store, patient_id, meeting), arrived, self.fail)

    def _summary_arrived(self, patient_id: str, summary: CaseSummary) -> None:
        row = self.current_row()
        if row is None or row.patient_id != patient_id:
            return
        self.summary.setText(summary_html(summary))
        self.action_list.clear()
        for a in summary.actions:
            due = f", due {short_day(a.due)}" if a.due else ""
            mark = "★ " if a.from_this_meeting else ""
            self.action_list.addItem(f"{mark}{a.description} — {a.owner}{due}")

    def _show_time(self) -> None:
        row = self.current_row()
        if row is None:
            return
        spent, planned = self.seconds(), row.minutes * 60
        self.timer.setText(f"{_mmss(spent)} of {_mmss(planned)}")
        over = spent > planned and not self.read_only
        self.timer.setStyleSheet(f"color: {warning_colour().name()};" if over else "")
        if self.clock.isValid() and spent % 15 == 0 and not self.read_only:
            self._dirty = True
            self.save()

    # -- recording -----------------------------------------------------------------------
    def _typed(self) -> None:
        if self._filling or self.read_only:
            return
        self._dirty = True
        self.save_timer.start()

    def save(self, outcome: str | None = None) -> None:
        """Write this case's notes, time and (if given) outcome; nothing if unchanged."""
        self.save_timer.stop()
        row = self.current_row()
        if row is None or self.read_only or (not self._dirty and outcome is None):
            return
        if self.loaded is None or self.loaded.meeting.state not in ("in_progress", "finished"):
            return
        notes, seconds, reason = self.notes.toPlainText(), self.seconds(), self.reason
        self._dirty = False
        store = self.store
        # Notes and time are saved every pause in typing and every 15 s; only a decided
        # outcome changes what other screens show, so only that is announced.
        self.worker.op(
            Change.MEETINGS if outcome else Change.NOTHING,
            lambda: running.record(
                store,
                row.id,
                outcome=outcome,
                notes=notes,
                seconds_spent=seconds,
                reason_to_amend=reason,
            ),
            lambda _r: self._reload() if outcome else None,
            self.fail,
        )

    def choose(self, outcome: str) -> None:
        if self.current_row() is None or self.read_only:
            return
        for button in self.outcomes.buttons():
            button.setChecked(button.property("outcome") == outcome)
        self.save(outcome)

    def add_action(self) -> None:
        row = self.current_row()
        if row is None or self.read_only:
            return
        text, owner = self.action_text.text(), self.action_owner.currentData()
        qdate = self.action_due.date()
        due = date(qdate.year(), qdate.month(), qdate.day())
        store, reason = self.store, self.reason

        def done(_id: str) -> None:
            self.action_text.clear()
            self.problem.setText("")
            self._show_current(refresh_summary=False)
            self._load_summary(row.patient_id)

        self.save()
        self.worker.op(
            Change.MEETINGS | Change.ACTIONS,
            lambda: running.add_action(
                store,
                row.id,
                description=text,
                owner_id=owner,
                due_date=due,
                reason_to_amend=reason,
            ),
            done,
            self.fail,
        )

    def _presence_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 0 or self.read_only:
            return
        attendee = str(item.data(Qt.ItemDataRole.UserRole))
        present = item.checkState() == Qt.CheckState.Checked
        store, reason = self.store, self.reason
        self.worker.op(
            Change.MEETINGS,
            lambda: attendance.mark(store, attendee, present, reason),
            lambda _r: self._reload(),
            self.fail,
        )

    def add_visitor(self) -> None:
        if self.read_only:
            return
        name, discipline = self.visitor.text(), self.visitor_discipline.currentText()
        store, meeting, reason = self.store, self.meeting_id, self.reason

        def done(_id: str) -> None:
            self.visitor.clear()
            self.problem.setText("")
            self._reload()

        self.worker.op(
            Change.MEETINGS,
            lambda: attendance.add_visitor(store, meeting, name, discipline, reason),
            done,
            self.fail,
        )

    # -- finishing, amending, leaving ----------------------------------------------------
    def finish(self) -> None:
        if self.loaded is None or self.loaded.meeting.state != "in_progress":
            return
        self.save()
        open_cases = [r for r in self.loaded.rows if r.outcome in (None, "pending")]
        text = "Finish the meeting? Its record can then be changed only with a reason."
        if open_cases:
            text += (
                f"\n\n{len(open_cases)} case(s) have no outcome: they will be recorded as "
                "not discussed and carried forward to the next meeting."
            )
        answer = QMessageBox.question(self, "Finish meeting", text)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.confirm_finish()

    def confirm_finish(self) -> None:
        store, meeting = self.store, self.meeting_id

        def done(result: running.Finished) -> None:
            if result.carried and result.next_day:
                self.problem.setText(
                    f"Meeting finished. {result.carried} case(s) carried forward to "
                    f"{short_day(result.next_day)}."
                )
            elif result.carried == 0:
                self.problem.setText("Meeting finished.")
            self.finished_meeting.emit(meeting)
            self._reload()

        self.worker.op(Change.MEETINGS, lambda: running.finish(store, meeting), done, self.fail)

    def amend(self) -> None:
        reason = ask_reason(self, "this meeting's record")
        if reason is None:
            return
        self.amend_with(reason)

    def amend_with(self, reason: str) -> None:
        self.reason = reason
        self.amend_button.setVisible(False)
        self._set_editable(True)
        self.title.setText("MDT meeting — amending: " + reason)

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def fail(self, exc: BaseException) -> None:
        self.problem.setText(str(exc))

    def flush(self) -> None:
        """Save what is typed now (the app is locking or the window is closing)."""
        self.save()

    def reject(self) -> None:
        self.flush()
        self.tick.stop()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.flush()
        super().closeEvent(event)
