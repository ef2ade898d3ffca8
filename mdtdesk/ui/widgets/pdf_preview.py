"""Preview a paper before it leaves the store, then print it or save it as a PDF.

The PDF is held in memory until the user chooses; saving writes it atomically, and
either way the store's audit log records that it was printed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mdtdesk.printing.document import save
from mdtdesk.ui.widgets.files import save_name
from mdtdesk.ui.widgets.look import problem_label
from mdtdesk.ui.widgets.windows import fit

Printed = Callable[[str], None]  # told "file" or "printer" once the paper has left


class PdfPreview(QDialog):
    def __init__(
        self,
        title: str,
        file_name: str,
        pdf: bytes,
        on_printed: Printed,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.file_name = file_name
        self.pdf = pdf
        self.on_printed = on_printed
        self.saved_to: Path | None = None
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName("Preview")
        self.pages = QLabel(f"{self.document.pageCount()} page(s)")
        self.problem = problem_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = QPushButton("&Print…")
        self.save_button = QPushButton("&Save as PDF…")
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_paper)
        self.save_button.clicked.connect(self.choose_file)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_paper)
        QShortcut(QKeySequence.StandardKey.Save, self, self.choose_file)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.pages)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        fit(self, "pdf-preview", 900, 1000)

    def choose_file(self) -> None:
        path = save_name(self, "papers", "Save as PDF", self.file_name, "PDF (*.pdf)")
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        try:
            save(path, self.pdf)
        except OSError as exc:
            self.problem.setText(f"Could not save {path}: {exc.strerror or exc}")
            return
        self.saved_to = path
        self.on_printed("file")
        self.problem.setText("")
        self.pages.setText(f"Saved to {path}")

    def print_paper(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        chooser = QPrintDialog(printer, self)
        if chooser.exec() != QDialog.DialogCode.Accepted:
            return
        self.render_to(printer)
        self.on_printed("printer")

    def render_to(self, printer: QPrinter) -> None:
        """Draw each page as an image at the printer's resolution, fitted to the page."""
        painter = QPainter(printer)
        try:
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            for page in range(self.document.pageCount()):
                if page:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                scale = min(area.width() / points.width(), area.height() / points.height())
                size = QSize(int(points.width() * scale), int(points.height() * scale))
                painter.drawImage(QPointF(0, 0), self.document.render(page, size))
        finally:
            painter.end()
