"""The impact report on paper: the headline, the warnings, the figures, the chart of
emergency admissions by month from joining (with its numbers beside it), and the
methods in plain English. The same `Impact` the screen and `--json` show."""

from __future__ import annotations

from pathlib import Path

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from mdtdesk.clock import long_day
from mdtdesk.impact.report import Impact
from mdtdesk.impact.words import (
    METHODS,
    MONTH_HEADER,
    figures_table,
    headline,
    month_rows,
    per_1000,
)
from mdtdesk.patients.voice_figures import VoiceFigures, voice_lines
from mdtdesk.printing.document import DARK, GREY, build, frame_width, log_print, para, save, table
from mdtdesk.printing.fonts import REGULAR
from mdtdesk.store.opened import OpenStore

VOICE_METHOD = (
    "Each person is asked the experience questionnaire when they join and again at six "
    "months; each item is scored from 0 (not at all) to 3 (completely), and a scale's "
    "score is the mean of the items answered. The change is for people answered at both. "
    "A copy of the care plan counts when the person's copy of the latest agreed plan was "
    "printed or saved."
)


def chart(impact: Impact, width: float, height: float = 70 * mm) -> Drawing:
    """Emergency admissions per 1,000 people watched, months -12 ... 12 from joining.
    Told apart without colour: the caseload solid with dots, the comparison dashed
    with squares."""
    drawing = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y = 18 * mm, 14 * mm
    plot.width, plot.height = width - 24 * mm, height - 24 * mm
    series = []
    for group in (impact.caseload, impact.comparison):
        points = [
            (m, r) for (m, _, _, _), r in zip(group.months(), per_1000(group), strict=True)
            if r is not None
        ]  # fmt: skip
        series.append(points or [(0, 0)])
    plot.data = series
    plot.lines[0].strokeColor = DARK
    plot.lines[0].strokeWidth = 1.4
    plot.lines[0].symbol = makeMarker("FilledCircle", size=3)
    plot.lines[1].strokeColor = GREY
    plot.lines[1].strokeWidth = 1.2
    plot.lines[1].strokeDashArray = (4, 2)
    plot.lines[1].symbol = makeMarker("Square", size=3)
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = -12, 12
    plot.xValueAxis.valueSteps = list(range(-12, 13, 3))
    plot.yValueAxis.valueMin = 0
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName = REGULAR
        axis.labels.fontSize = 7
    drawing.add(plot)
    drawing.add(String(plot.x + plot.width / 2, 3 * mm, "months from joining (0 = referral date)",
                       fontName=REGULAR, fontSize=7, textAnchor="middle"))  # fmt: skip
    # The key draws each line's own stroke and marker, so it reads in black and white.
    for n, (label, colour, dashes, marker) in enumerate(
        (("Caseload", DARK, None, "FilledCircle"),
         ("Comparison group", GREY, (4, 2), "Square"))
    ):  # fmt: skip
        x, y = plot.x + 4 * mm + n * 45 * mm, height - 4 * mm
        drawing.add(Line(x, y, x + 10 * mm, y, strokeColor=colour, strokeWidth=1.3,
                         strokeDashArray=dashes))  # fmt: skip
        dot = makeMarker(marker, size=3)
        dot.x, dot.y = x + 5 * mm, y
        drawing.add(dot)
        drawing.add(String(x + 12 * mm, y - 2.5, label, fontName=REGULAR, fontSize=7))
    drawing.add(String(2 * mm, plot.y + plot.height / 2, "per 1,000", fontName=REGULAR,
                       fontSize=7))  # fmt: skip
    if impact.comparison.people == 0:
        drawing.add(String(width - 4 * mm, height - 4 * mm, "no comparison group",
                           fontName=REGULAR, fontSize=7, textAnchor="end",
                           fillColor=colors.black))  # fmt: skip
    return drawing


def impact_pdf(store: OpenStore, impact: Impact, voice: VoiceFigures | None = None) -> bytes:
    width = frame_width()
    header, rows = figures_table(impact)
    story: list[Flowable] = [
        para("Impact report: emergency admissions before and after joining", "title"),
        para(
            f"Report date {long_day(impact.as_of)}  ·  window {impact.window_days} days  ·  "
            f"{impact.no_join_date} caseload people have no referral date and are left out"
        ),
        Spacer(1, 3 * mm),
        para(headline(impact), "h3"),
    ]
    for warning in impact.warnings:
        story.append(para(f"Warning: {warning}"))
    story += [
        Spacer(1, 3 * mm),
        table(header, rows, [0.28 * width] + [0.18 * width] * 4),
        Spacer(1, 4 * mm),
        para("Emergency admissions per 1,000 people, by month from joining", "h3"),
        chart(impact, width),
        para("The chart's numbers", "h3"),
        table(MONTH_HEADER, month_rows(impact), [width / 7] * 7),
        Spacer(1, 4 * mm),
    ]
    if voice is not None:
        story += [
            para(f"The person's voice ({voice.questionnaire})", "h3"),
            *(para(line) for line in voice_lines(voice)),
            para(VOICE_METHOD),
            Spacer(1, 4 * mm),
        ]
    story += [
        para("How these figures are made", "h3"),
        *(para(text) for text in METHODS),
    ]
    practice = store.practice()
    return build(
        story,
        title=f"Impact report {impact.as_of.isoformat()}",
        header=f"{practice.name} ({practice.ods_code})  ·  Impact report",
        printed=store.clock.now(),
        printed_by=store.actor.name,
    )


def save_impact(
    store: OpenStore, impact: Impact, path: Path, voice: VoiceFigures | None = None
) -> Path:
    save(path, impact_pdf(store, impact, voice))
    log_print(store, "impact", None, paper="impact report", to="file")
    return path
