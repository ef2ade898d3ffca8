"""Emergency admissions per 1,000 people by month from joining, for the caseload and
the comparison group: a chart, and the same numbers as a table one key away.

Told apart without colour: the caseload is a solid line, the comparison group a
dashed one, both with their points marked, and the legend says which is which."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QStackedWidget, QTableView, QWidget

from mdtdesk.impact.report import Impact
from mdtdesk.impact.words import MONTH_HEADER, month_rows, per_1000
from mdtdesk.ui.widgets.look import list_table
from mdtdesk.ui.widgets.rows_model import RowsModel


def _series(name: str, style: Qt.PenStyle) -> QLineSeries:
    series = QLineSeries()
    series.setName(name)
    pen = QPen(Qt.GlobalColor.black if style == Qt.PenStyle.SolidLine else Qt.GlobalColor.darkGray)
    pen.setWidthF(2.0)
    pen.setStyle(style)
    series.setPen(pen)
    series.setPointsVisible(True)
    return series


def _cell(i: int) -> Callable[[list[str]], str]:
    return lambda row: row[i]


class ImpactChart(QStackedWidget):
    """Page 0 the chart, page 1 its numbers (`toggle` flips between them)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = QChart()
        self.chart.setTitle("Emergency admissions per 1,000 people, by month from joining")
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setAccessibleName("Chart of emergency admissions by month from joining")
        self.view.setMinimumHeight(220)
        self.numbers: RowsModel[list[str]] = RowsModel(
            [(name, _cell(i)) for i, name in enumerate(MONTH_HEADER)]
        )
        self.table: QTableView = list_table(self.numbers, "The chart's numbers")
        self.addWidget(self.view)
        self.addWidget(self.table)
        self.ours: QLineSeries | None = None
        self.theirs: QLineSeries | None = None

    def toggle(self) -> None:
        self.setCurrentIndex(1 - self.currentIndex())
        (self.table if self.currentIndex() else self.view).setFocus()

    def showing_numbers(self) -> bool:
        return self.currentIndex() == 1

    def show_impact(self, impact: Impact) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        x_axis, y_axis = QValueAxis(), QValueAxis()
        x_axis.setRange(-12, 12)
        x_axis.setTickCount(9)
        x_axis.setLabelFormat("%+d")
        x_axis.setTitleText("months from joining (0 = referral date)")
        y_axis.setTitleText("per 1,000 people")
        y_axis.setLabelFormat("%.0f")
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        top = 0.0
        made = []
        for name, group, style in (
            ("Caseload (solid)", impact.caseload, Qt.PenStyle.SolidLine),
            ("Comparison group (dashed)", impact.comparison, Qt.PenStyle.DashLine),
        ):
            series = _series(name, style)
            for (month, *_), value in zip(group.months(), per_1000(group), strict=True):
                if value is not None:
                    series.append(month, value)
                    top = max(top, value)
            self.chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
            made.append(series)
        self.ours, self.theirs = made
        y_axis.setRange(0, max(10.0, top * 1.15))
        self.numbers.set_rows(month_rows(impact))
