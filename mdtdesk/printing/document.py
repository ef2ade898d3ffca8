"""The page every mdtdesk paper is printed on: A4, the practice and the title at the
top, a confidentiality line, and "page n of m" with the print time at the foot.

PDFs are built in memory and written atomically, so a reader never sees half a file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from mdtdesk.clock import short_date as short_date  # papers import it from here
from mdtdesk.clock import short_time
from mdtdesk.printing.fonts import BOLD, REGULAR
from mdtdesk.printing.fonts import register as register_fonts
from mdtdesk.store import audit
from mdtdesk.store.atomic import write_bytes
from mdtdesk.store.opened import OpenStore

NHS_BLUE = colors.HexColor("#005EB8")
DARK = colors.HexColor("#212B32")
GREY = colors.HexColor("#4C6272")
PALE = colors.HexColor("#E8EDEE")
CONFIDENTIAL = "CONFIDENTIAL: contains personal information. Keep secure; do not leave unattended."
MARGIN = 16 * mm
# A table sets this font before each cell even when every cell is a paragraph; the
# default, Helvetica, would otherwise be named in the PDF.
TABLE_FONT = ("FONTNAME", (0, 0), (-1, -1), REGULAR)

_base = getSampleStyleSheet()
Sheet = dict[str, ParagraphStyle]


def make_styles(body: float = 10, cell: float = 9) -> Sheet:
    """A paper's paragraph styles, sized from its body text (large print uses 16 pt)."""
    ratio = body / 10

    def style(name: str, size: float, font: str = REGULAR, **more: Any) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            parent=_base["BodyText"],
            fontName=font,
            fontSize=size,
            leading=round(size * 1.28, 1),
            textColor=more.pop("textColor", DARK),
            **more,
        )

    return {
        "title": style("title", 20 * ratio, BOLD, alignment=TA_LEFT, spaceAfter=4 * ratio),
        # Headings keep with what follows, so none is left alone at a page's foot.
        "h2": style(
            "h2",
            14 * ratio,
            BOLD,
            textColor=NHS_BLUE,
            spaceBefore=10 * ratio,
            spaceAfter=4 * ratio,
            keepWithNext=1,
        ),
        "h3": style(
            "h3", 11.5 * ratio, BOLD, spaceBefore=8 * ratio, spaceAfter=2 * ratio, keepWithNext=1
        ),
        "body": style("body", body),
        "cell": style("cell", cell),
        "head": style("head", cell, BOLD, textColor=colors.white),
        "small": style("small", max(8.5, body - 1.5), textColor=GREY),
    }


# The fonts are registered when the first paragraph or paper is made, not at import:
# registered at import, a missing font file stopped every command, even --version.
STYLES = make_styles()


def para(text: str, style: str = "body", sheet: Sheet = STYLES) -> Paragraph:
    """A paragraph of plain text (escaped, line breaks kept)."""
    register_fonts()
    return Paragraph(escape(text).replace("\n", "<br/>"), sheet[style])


def rich(markup: str, style: str = "body", sheet: Sheet = STYLES) -> Paragraph:
    """A paragraph of reportlab markup the caller has escaped itself."""
    register_fonts()
    return Paragraph(markup, sheet[style])


def table(
    header: Sequence[str] | None,
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    heights: Sequence[float] | None = None,
    sheet: Sheet = STYLES,
) -> Table:
    """A ruled table, with a blue header row that repeats on every page if it has one."""
    first = 0 if header is None else 1
    cells: list[list[Any]] = [] if header is None else [[para(h, "head", sheet) for h in header]]
    cells += [
        [c if isinstance(c, Flowable) else para(str(c), "cell", sheet) for c in r] for r in rows
    ]
    style = [
        TABLE_FONT,
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


class PageGroup(Flowable):  # type: ignore[misc]
    """Starts a new run of pages with its own header and its own "page n of m": each
    person's plan in a batch is numbered and headed as if printed alone."""

    def __init__(self, header: str, detail: str = "") -> None:
        super().__init__()
        self.header, self.detail = header, detail
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.begin_group(self.header, self.detail)


@dataclass(frozen=True)
class Furniture:
    """The sizes of a page's header band and footer. Large print sets them large too:
    a 16 pt body under an 8 pt footer left the page numbers unreadable to its reader."""

    band: float  # height of the header band, mm (a detail line adds 5 mm per 10 pt)
    top: float  # the header's font size, pt
    detail: float
    footer: float
    page: float
    top_margin: float  # mm, with a detail line
    bottom_margin: float  # mm


REGULAR_FURNITURE = Furniture(11, 10.5, 10, 8, 9, 23, 16)
LARGE_FURNITURE = Furniture(16, 16, 16, 14, 16, 33, 30)


def _numbered(header: str, detail: str, footer: str, sizes: Furniture) -> type[pdfcanvas.Canvas]:
    class Numbered(pdfcanvas.Canvas):  # type: ignore[misc]
        """Holds pages back until the end, when each group's page count is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self._group = (0, header, detail)

        def begin_group(self, group_header: str, group_detail: str) -> None:
            self._group = (self._group[0] + 1, group_header, group_detail)

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            totals: dict[int, int] = {}
            for page in self._pages:
                key = page["_group"][0]
                totals[key] = totals.get(key, 0) + 1
            seen: dict[int, int] = {}
            for page in self._pages:
                self.__dict__.update(page)
                key, top, second = page["_group"]
                seen[key] = seen.get(key, 0) + 1
                self._furniture(top, second, seen[key], totals[key])
                super().showPage()
            super().save()

        def _furniture(self, top: str, second: str, number: int, total: int) -> None:
            width, height = self._pagesize
            band = (sizes.band + (5 if second else 0) * sizes.detail / 10) * mm
            self.setFillColor(NHS_BLUE)
            self.rect(0, height - band, width, band, stroke=0, fill=1)
            self.setFillColor(colors.white)
            first_line = height - 7.2 * mm * sizes.top / 10.5
            self.setFont(BOLD, sizes.top)
            self.drawString(MARGIN, first_line, top)
            self.setFont(BOLD, min(sizes.top, sizes.page))
            self.drawRightString(width - MARGIN, first_line, "CONFIDENTIAL")
            if second:
                self.setFont(REGULAR, sizes.detail)
                self.drawString(MARGIN, first_line - 5.4 * mm * sizes.detail / 10, second)
            page = f"Page {number} of {total}"
            self.setFont(BOLD, sizes.page)
            self.setFillColor(GREY)
            self.drawRightString(width - MARGIN, 9 * mm, page)
            room = width - 2 * MARGIN - self.stringWidth(page, BOLD, sizes.page) - 6 * mm
            lines = [
                line
                for text in (CONFIDENTIAL, footer)
                for line in simpleSplit(text, REGULAR, sizes.footer, room)
            ]
            self.setFont(REGULAR, sizes.footer)
            leading = sizes.footer * 1.2
            for n, line in enumerate(lines):
                self.drawString(MARGIN, 5.5 * mm + (len(lines) - 1 - n) * leading, line)

    return Numbered


def build(
    story: list[Flowable],
    *,
    title: str,
    header: str,
    printed: datetime,
    printed_by: str,
    wide: bool = False,
    detail: str = "",
    large: bool = False,
) -> bytes:
    """The PDF of story; detail is a second header line (the person a paper is about);
    large sets the header and footer for large print."""
    register_fonts()
    sizes = LARGE_FURNITURE if large else REGULAR_FURNITURE
    out = io.BytesIO()
    size = landscape(A4) if wide else A4
    tall = bool(detail) or any(isinstance(f, PageGroup) and f.detail for f in story)
    doc = SimpleDocTemplate(
        out,
        pagesize=size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=(sizes.top_margin if tall else sizes.top_margin - 5) * mm,
        bottomMargin=sizes.bottom_margin * mm,
        title=title,
        author="mdtdesk",
        subject=title,
        # Else every page starts in Helvetica, a base-14 font the PDF would then name.
        initialFontName=REGULAR,
    )
    footer = f"Printed {short_time(printed)} by {printed_by} from mdtdesk"
    doc.build(story, canvasmaker=_numbered(header, detail, footer, sizes))
    return out.getvalue()


def save(path: Path, pdf: bytes) -> Path:
    write_bytes(path, pdf)
    return path


def frame_width(wide: bool = False) -> float:
    width = (landscape(A4) if wide else A4)[0]
    return float(width - 2 * MARGIN)


def file_safe(text: str) -> str:
    """Text fit for a file name on Windows, macOS and Linux (names keep their letters)."""
    return re.sub(r"[^\w .-]", "", text).strip()


def log_print(store: OpenStore, entity: str, record_id: str | None, **detail: object) -> None:
    """Audit a paper leaving the store: saved to a file or sent to a printer."""
    with store.session() as s, s.begin():
        audit.log(s, "print", entity=entity, record_id=record_id, **detail)
