"""The Overview tab, the home screen: the caseload by risk band and status, reviews
due, actions overdue by coordinator, care plans agreed and in date, the last meetings,
and the impact headline with its interval, its warnings and its chart.

Counts are read first and shown at once; the impact report (about a second at 10,000
people) follows, so neither delays unlock or the caseload's first page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.clock import short_date
from mdtdesk.impact.from_store import store_impact
from mdtdesk.impact.home import Home, home
from mdtdesk.impact.report import Impact
from mdtdesk.impact.words import headline
from mdtdesk.labels import value_label
from mdtdesk.patients.voice_figures import VoiceFigures, voice_figures, voice_lines
from mdtdesk.store.opened import OpenStore
from mdtdesk.ui.home.impact_chart import ImpactChart
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.files import save_name
from mdtdesk.ui.widgets.look import problem_label
from mdtdesk.ui.widgets.worker import StoreWorker

BANDS = (("severe", "Severe"), ("moderate", "Moderate"), ("mild", "Mild"), ("fit", "Fit"),
         ("none", "No eFI score"))  # fmt: skip
SHOWS = Change.PATIENTS | Change.ACTIONS | Change.MEETINGS | Change.CARE_PLANS | Change.REPORTS


def _box(title: str) -> tuple[QGroupBox, QLabel]:
    box = QGroupBox(title)
    text = QLabel("Reading…")
    text.setWordWrap(True)
    text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                 | Qt.TextInteractionFlag.TextSelectableByMouse)  # fmt: skip
    text.setAccessibleName(title)
    text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    QVBoxLayout(box).addWidget(text)
    return box, text


class OverviewView(QWidget):
    def __init__(self, store: OpenStore, worker: StoreWorker, parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.worker = store, worker
        self.figures: Home | None = None
        self.impact: Impact | None = None
        self.voice: VoiceFigures | None = None
        self.headline = QLabel("Working out the impact report…")
        self.headline.setWordWrap(True)
        self.headline.setAccessibleName("Impact headline")
        self.headline.setStyleSheet("font-weight: 600;")
        self.warnings = QLabel("")
        self.warnings.setWordWrap(True)
        self.warnings.setAccessibleName("Impact warnings")
        self.problem = problem_label("Overview problem")
        self.chart = ImpactChart()
        self.numbers_button = QPushButton("Show the chart's &numbers (Ctrl+T)")
        self.numbers_button.clicked.connect(self.toggle_numbers)
        self.print_button = QPushButton("Save the impact report as P&DF…")
        self.print_button.clicked.connect(self.save_report)
        QShortcut(QKeySequence("Ctrl+T"), self, self.toggle_numbers,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        titles = ("Caseload", "Reviews", "Actions overdue", "Care plans", "Last meetings",
                  "The person's voice")  # fmt: skip
        boxes = {name: _box(name) for name in titles}
        self.texts = {name: text for name, (_box_, text) in boxes.items()}
        grid = QGridLayout()
        for i, (box, _text) in enumerate(boxes.values()):
            grid.addWidget(box, i // 3, i % 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.numbers_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        # The counts first, so that at 1366x768 they show without scrolling; the chart
        # below them.
        layout.addWidget(self.headline)
        layout.addWidget(self.warnings)
        layout.addWidget(self.problem)
        layout.addLayout(grid)
        layout.addWidget(self.chart, 1)
        layout.addLayout(buttons)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        worker.reload_on(self, SHOWS, self.reload, stale=True)

    # -- reading ---------------------------------------------------------------
    def reload(self) -> None:
        self.worker.query(lambda: home(self.store), self._show_figures, self._failed)
        self.worker.query(lambda: voice_figures(self.store), self._show_voice, self._failed)
        self.worker.query(lambda: store_impact(self.store), self._show_impact, self._failed)

    def clear(self) -> None:
        self.figures = self.impact = self.voice = None
        for text in self.texts.values():
            text.clear()
        self.headline.clear()
        self.warnings.clear()
        self.chart.chart.removeAllSeries()
        self.chart.numbers.clear()

    def _failed(self, exc: BaseException) -> None:
        self.problem.setText(str(exc))
        self.problem.show()

    def _show_figures(self, figures: Home) -> None:
        self.figures = figures
        status = ", ".join(f"{value_label('caseload_status', k)} {n:,}"
                           for k, n in sorted(figures.by_status.items()))  # fmt: skip
        bands = ", ".join(f"{label} {figures.by_band.get(k, 0):,}" for k, label in BANDS)
        self.texts["Caseload"].setText(
            f"{figures.on_caseload:,} on the caseload (referred or active).\n"
            f"By risk band: {bands}.\nBy status: {status or 'nobody yet'}."
        )
        self.texts["Reviews"].setText(
            "\n".join(f"{k.capitalize()}: {n:,}" for k, n in figures.reviews.items())
        )
        overdue = figures.overdue_by_coordinator
        self.texts["Actions overdue"].setText(
            "\n".join(f"{name}: {n:,}" for name, n in overdue[:8])
            + (f"\n… and {len(overdue) - 8} more" if len(overdue) > 8 else "")
            or "No action is overdue."
        )
        self.texts["Care plans"].setText(
            f"Agreed and in date: {figures.plans_agreed:,} of {figures.on_caseload:,}.\n"
            f"Agreed but past their review date: {figures.plans_out_of_date:,}."
        )
        self.texts["Last meetings"].setText(
            "\n".join(
                f"{short_date(m.day)}: {m.cases} cases, "
                + (f"{m.minutes_per_case:g} min a case, " if m.minutes_per_case else "")
                + f"{m.carried_forward} carried forward"
                for m in figures.meetings
            )
            or "No meeting has finished yet."
        )

    def _show_voice(self, voice: VoiceFigures) -> None:
        self.voice = voice
        self.texts["The person's voice"].setText("\n".join(voice_lines(voice)))

    def _show_impact(self, impact: Impact) -> None:
        self.impact = impact
        self.headline.setText(headline(impact))
        self.warnings.setText("\n".join(f"Warning: {w}" for w in impact.warnings))
        self.warnings.setVisible(bool(impact.warnings))
        self.chart.show_impact(impact)

    # -- acting ----------------------------------------------------------------
    def toggle_numbers(self) -> None:
        self.chart.toggle()
        self.numbers_button.setText(
            "Show the &chart (Ctrl+T)" if self.chart.showing_numbers()
            else "Show the chart's &numbers (Ctrl+T)"
        )  # fmt: skip

    def save_report(self) -> None:
        impact, voice = self.impact, self.voice
        if impact is None:
            return
        name = save_name(self, "papers", "Save the impact report",
                         f"{impact.as_of:%Y-%m-%d} impact report.pdf", "PDF (*.pdf)")  # fmt: skip
        if not name:
            return
        from mdtdesk.printing.impact_paper import save_impact

        self.worker.query(
            lambda: save_impact(self.store, impact, Path(name), voice),
            lambda path: self.warnings.setText(
                self.warnings.text() + f"\nSaved the report to {path}."
            ),
            self._failed,
        )
