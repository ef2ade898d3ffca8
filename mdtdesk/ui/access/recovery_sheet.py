"""The recovery key as a printed sheet, for the practice safe."""

from __future__ import annotations

import html

from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget


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


def print_sheet(parent: QWidget, recovery_key: str, practice: str, ods: str, on: str) -> bool:
    """Ask which printer (or PDF file), then print. False if the person cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print the recovery key")
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    render(printer, recovery_key, practice, ods, on)
    return True
