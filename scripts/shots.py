"""What every screenshot script shares: where pictures go, and waiting for the UI."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from mdtdesk.ui.worker import StoreWorker

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def settle(app: QApplication, worker: StoreWorker) -> None:
    while worker.busy():
        app.processEvents()
    for _ in range(5):
        app.processEvents()


def save(widget: QWidget, name: str) -> None:
    widget.grab().save(str(OUT / name))
