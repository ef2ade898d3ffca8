"""The typeface every paper is set in: Source Sans Pro (SIL Open Font License, shipped
in the package, mdtdesk/printing/typefaces, with its licence). NHS documents use
Frutiger, which is licensed;
Source Sans is a free humanist sans-serif close to it, and unlike the PDF base-14
Helvetica it carries Polish, Vietnamese, Greek and Cyrillic letters, so names such
as Łukasz and Nguyễn print as written instead of as black boxes."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# Package data, so an installed wheel has them: they lived beside the package once, and
# a wheel installed with pip could not print, or even start its CLI.
FONT_DIR = Path(str(files("mdtdesk.printing") / "typefaces"))
REGULAR = "SourceSans"
BOLD = "SourceSans-Bold"
ITALIC = "SourceSans-Italic"
SEMIBOLD = "SourceSans-Semibold"
_FILES = {
    REGULAR: "SourceSansPro-Regular.ttf",
    BOLD: "SourceSansPro-Bold.ttf",
    ITALIC: "SourceSansPro-It.ttf",
    SEMIBOLD: "SourceSansPro-Semibold.ttf",
}


class FontMissing(RuntimeError):
    pass


def register() -> None:
    """Make the fonts known to reportlab (once per process)."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    for name, file in _FILES.items():
        path = FONT_DIR / file
        if not path.is_file():
            raise FontMissing(
                f"The printing font {file} is missing from {FONT_DIR}; reinstall mdtdesk."
            )
        pdfmetrics.registerFont(TTFont(name, str(path)))
    # <b> and <i> in paragraph markup pick the matching faces.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD)
