"""File dialogs that start where a person keeps files.

Each kind of file (papers, sync files, enrolments, CSVs) starts in the folder last
used for that kind, else in Documents; never in the program's own folder, where the
dialogs once opened.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget


def start_folder(kind: str) -> Path:
    saved = QSettings().value(f"folders/{kind}")
    if isinstance(saved, str) and Path(saved).is_dir():
        return Path(saved)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def _remember(kind: str, chosen: str) -> str:
    if chosen:
        path = Path(chosen)
        QSettings().setValue(f"folders/{kind}", str(path if path.is_dir() else path.parent))
    return chosen


def save_name(parent: QWidget, kind: str, title: str, name: str, filters: str) -> str:
    start = str(start_folder(kind) / name)
    return _remember(kind, QFileDialog.getSaveFileName(parent, title, start, filters)[0])


def open_name(parent: QWidget, kind: str, title: str, filters: str) -> str:
    start = str(start_folder(kind))
    return _remember(kind, QFileDialog.getOpenFileName(parent, title, start, filters)[0])


def open_names(parent: QWidget, kind: str, title: str, filters: str) -> list[str]:
    chosen = QFileDialog.getOpenFileNames(parent, title, str(start_folder(kind)), filters)[0]
    if chosen:
        _remember(kind, chosen[0])
    return chosen


def folder_name(parent: QWidget, kind: str, title: str) -> str:
    return _remember(kind, QFileDialog.getExistingDirectory(parent, title, str(start_folder(kind))))
