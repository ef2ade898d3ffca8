"""The page every mdtdesk paper is printed on: A4, the practice and the title at the
top, a confidentiality line, and "page n of m" with the print time at the foot.

PDFs are built in memory and written atomically, so a reader never sees half a file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from mdtdesk.clock import short_day
from mdtdesk.store import audit
from mdtdesk.store.atomic import write_bytes
from mdtdesk.store.opened import OpenStore

NHS_BLUE = colors.HexColor("#005EB8")
DARK = colors.HexColor("#212B32")
GREY = colors.HexColor("#4C6272")
PALE = colors.HexColor("#E8EDEE")
CONFIDENTIAL = "CONFIDENTIAL: contains personal information. Keep secure; do not leave unattended."
MARGIN = 16 * mm

_base = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle(
        "title",
        parent=_base["Title"],
        fontName="Helvetica-Bold",
        fontSize=18,
        leading=22,
        alignment=TA_LEFT,
        textColor=DARK,
        spaceAfter=4,
    ),
    "h2": ParagraphStyle(
        "h2",
        parent=_base["Heading2"],
        fontName="Helvetica-Bold",
        fontSize=13,
        leading=16,
        textColor=NHS_BLUE,
        spaceBefore=10,
        spaceAfter=4,
    ),
    "h3": ParagraphStyle(
        "h3",
        parent=_base["Heading3"],
        fontName="Helvetica-Bold",
        fontSize=11,
        leading=14,
        textColor=DARK,
        spaceBefore=8,
        spaceAfter=2,
    ),
    "body": ParagraphStyle(
        "body",
        parent=_base["BodyText"],
        fontName="Helvetica",
        fontSize=10,
        leading=13,
        textColor=DARK,
    ),
    "cell": ParagraphStyle(
        "cell",
        parent=_base["BodyText"],
        fontName="Helvetica",
        fontSize=9,
        leading=11,
        textColor=DARK,
    ),
    "head": ParagraphStyle(
        "head",
        parent=_base["BodyText"],
        fontName="Helvetica-Bold",
        fontSize=9,
        leading=11,
        textColor=colors.white,
    ),
    "small": ParagraphStyle(
        "small",
        parent=_base["BodyText"],
        fontName="Helvetica",
        fontSize=8.5,
        leading=11,
        textColor=GREY,
    ),
}


def para(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped, line breaks kept)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), STYLES[style])


def rich(markup: str, style: str = "body") -> Paragraph:
    """A paragraph of reportlab markup the caller has escaped itself."""
    return Paragraph(markup, STYLES[style])


def table(
    header: Sequence[str] | None,
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    heights: Sequence[float] | None = None,
) -> Table:
    """A ruled table, with a blue header row that repeats on every page if it has one."""
    first = 0 if header is None else 1
    cells: list[list[Any]] = [] if header is None else [[para(h, "head") for h in header]]
    cells += [[c if isinstance(c, Flowable) else para(str(c), "cell") for c in r] for r in rows]
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#AEB7BD")),
        ("ROWBACKGROUNDS", (0, first), (-1, -1), [colors.white, PALE]),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header is not None:
        style.append(("BACKGROUND", (0, 0), (-1, 0), NHS_BLUE))
    made = Table(
        cells,
        colWidths=list(widths),
        rowHeights=list(heights) if heights else None,
        repeatRows=first,
    )
    made.setStyle(TableStyle(style))
    return made


def _numbered(header: str, footer: str) -> type[pdfcanvas.Canvas]:
    class Numbered(pdfcanvas.Canvas):  # type: ignore[misc]
        """Holds pages back until the end, when the page count is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                self._furniture(number, total)
                super().showPage()
            super().save()

        def _furniture(self, number: int, total: int) -> None:
            width, height = self._pagesize
            self.setFillColor(NHS_BLUE)
            self.rect(0, height - 11 * mm, width, 11 * mm, stroke=0, fill=1)
            self.setFillColor(colors.white)
            self.setFont("Helvetica-Bold", 9.5)
            self.drawString(MARGIN, height - 7.2 * mm, header)
            self.setFont("Helvetica-Bold", 8.5)
            self.drawRightString(width - MARGIN, height - 7.2 * mm, "CONFIDENTIAL")
            self.setFillColor(GREY)
            self.setFont("Helvetica", 7.5)
            self.drawString(MARGIN, 9 * mm, CONFIDENTIAL)
            self.drawString(MARGIN, 5.5 * mm, footer)
            self.drawRightString(width - MARGIN, 9 * mm, f"Page {number} of {total}")

    return Numbered


def build(
    story: list[Flowable],
    *,
    title: str,
    header: str,
    printed: datetime,
    printed_by: str,
    wide: bool = False,
) -> bytes:
    out = io.BytesIO()
    size = landscape(A4) if wide else A4
    doc = SimpleDocTemplate(
        out,
        pagesize=size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="mdtdesk",
        subject=title,
    )
    footer = f"Printed {printed.astimezone():%d %b %Y %H:%M} by {printed_by} from mdtdesk"
    doc.build(story, canvasmaker=_numbered(header, footer))
    return out.getvalue()


def save(path: Path, pdf: bytes) -> Path:
    write_bytes(path, pdf)
    return path


def frame_width(wide: bool = False) -> float:
    width = (landscape(A4) if wide else A4)[0]
    return float(width - 2 * MARGIN)


def short_date(day: date | None) -> str:
    """A date in a paper's table, saying so when there is none."""
    return "no date" if day is None else short_day(day)


def log_print(store: OpenStore, entity: str, record_id: str | None, **detail: object) -> None:
    """Audit a paper leaving the store: saved to a file or sent to a printer."""
    with store.session() as s, s.begin():
        audit.log(s, "print", entity=entity, record_id=record_id, **detail)
