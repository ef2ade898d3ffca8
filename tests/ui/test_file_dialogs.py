"""File dialogs start in Documents, then where that kind of file was last put
(issue 15, defect 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QWidget

from mdtdesk.ui.widgets import files


def test_a_save_starts_in_documents_then_in_the_last_folder_used(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    asked: list[str] = []
    usb = tmp_path / "usb"
    usb.mkdir()

    def dialog(_parent: QWidget, _title: str, start: str, _filters: str) -> tuple[str, str]:
        asked.append(start)
        return str(usb / "agenda.pdf"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    parent = QWidget()
    qtbot.addWidget(parent)
    files.save_name(parent, "papers", "Save as PDF", "agenda.pdf", "PDF (*.pdf)")
    files.save_name(parent, "papers", "Save as PDF", "minutes.pdf", "PDF (*.pdf)")
    assert Path(asked[0]).parent.name in ("Documents", "home")
    assert Path(asked[0]).parent != Path.cwd()
    assert asked[1] == str(usb / "minutes.pdf")
