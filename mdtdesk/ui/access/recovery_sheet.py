"""The recovery key as a printed sheet, for the practice safe."""

from __future__ import annotations

import html
import os
from pathlib import Path

from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QWidget

from mdtdesk.ui.widgets.files import save_name


def sheet_html(recovery_key: str, practice: str, ods_code: str, created_on: str) -> str:
    e = html.escape
    return (
        "<h1>mdtdesk recovery key</h1>"
        f"<p><b>{e(practice)}</b> ({e(ods_code)}), store made {e(created_on)}</p>"
        f"<p style='font-family: monospace; font-size: 20pt'>{e(recovery_key)}</p>"
        "<p>This key opens the practice's mdtdesk store and resets any passphrase. "
        "Keep this sheet locked away (for example in the practice safe) and tell the "
        "IG lead where it is. Anyone holding it can read every record in the store.</p>"
    )


def render(printer: QPrinter, recovery_key: str, practice: str, ods: str, on: str) -> None:
    document = QTextDocument()
    document.setHtml(sheet_html(recovery_key, practice, ods, on))
    document.print_(printer)


def print_sheet(parent: QWidget, recovery_key: str, practice: str, ods: str, on: str) -> str:
    """Ask which printer (or PDF file), then print. With no printer, ask where to save a
    PDF: Qt's print dialog then wrote the key to print.pdf in the home folder, unasked.
    What was done, for the page to show; empty if the person cancelled."""
    if not QPrinterInfo.availablePrinters():
        chosen = save_name(parent, "recovery", "Save the recovery key sheet",
                           f"recovery-key-{ods}.pdf", "PDF (*.pdf)")  # fmt: skip
        if not chosen:
            return ""
        target = Path(chosen)
        # The sheet opens the store: owner-only before Qt writes into it.
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        os.chmod(target, 0o600)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        render(printer, recovery_key, practice, ods, on)
        return (
            f"No printer is set up, so the sheet was saved as {target}. Print it, then "
            "delete the file: anyone with it can open the store."
        )
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print the recovery key")
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return ""
    render(printer, recovery_key, practice, ods, on)
    return "Sent to the printer."
