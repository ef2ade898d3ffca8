"""The Overview tab (issue 18's home screen): counts, the impact headline and its
chart, the chart's numbers one key away, and hospital activity imported in the app."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from mdtdesk.ui.caseload.import_dialog import ImportDialog
from tests.ui.conftest import lock_and_unlock, settle, unlock


def test_the_overview_shows_counts_headline_and_a_chart_with_its_numbers(
    qtbot, make_window, demo_dir: Path, tmp_path: Path
) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    workspace = window.workspace
    assert workspace is not None
    overview = workspace.overview
    assert workspace.tabs.currentWidget() is overview
    settle(qtbot, window)
    assert overview.impact is not None and overview.figures is not None
    assert "caseload people" in overview.headline.text()
    assert "80 on the caseload" not in overview.texts["Caseload"].text()  # some have left
    assert f"{overview.figures.on_caseload} on the caseload" in overview.texts["Caseload"].text()
    # The chart holds the same points as its table, month for month.
    months = overview.impact.caseload.months()
    shown = [(p.x(), p.y()) for p in overview.chart.ours.points()]
    assert shown == [(m, r) for m, _n, _p, r in months if r is not None]
    assert overview.chart.theirs.pen().style() == Qt.PenStyle.DashLine  # not by colour alone
    overview.setFocus()
    qtbot.keyClick(overview, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert overview.chart.showing_numbers()
    assert overview.chart.numbers.rowCount() == 24
    lock_and_unlock(qtbot, window)
    again = window.workspace
    assert again is not None and again.tabs.currentWidget() is again.overview
    settle(qtbot, window)
    assert again.overview.impact is not None


def test_hospital_activity_imported_in_the_app_reaches_the_overview(
    qtbot, make_window, demo_dir: Path, tmp_path: Path
) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    workspace = window.workspace
    assert workspace is not None
    nhs = workspace.caseload.model.row_at(0).nhs_number
    extract = tmp_path / "sus.csv"
    extract.write_text(
        "NHS No,Event Type,Admission Date,Discharge Date,Provider Code\n"
        f"{nhs},Emergency,01/06/2023,05/06/2023,RM1\n"
        f"{nhs},nonsense,01/07/2023,,RM1\n",
        encoding="utf-8",
    )
    workspace.show_overview()
    settle(qtbot, window)
    before = workspace.overview.impact
    window.hospital_action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ImportDialog))
    assert dialog.windowTitle() == "Import a hospital activity CSV"
    dialog.path.setText(str(extract))
    dialog.read_file()
    settle(qtbot, window)
    assert dialog.mapping["start_date"].currentData() == "admission_date"
    assert "line 3, column event" in dialog.problems.stringList()[0]
    assert not dialog.import_button.isEnabled()
    dialog.skip_invalid.setChecked(True)
    dialog.import_button.click()
    settle(qtbot, window)
    assert dialog.summary.text().startswith("Imported: 1 event(s) for caseload people")
    settle(qtbot, window)
    assert workspace.overview.impact is not before  # reloaded on the import's change
    dialog.reject()


def test_enter_in_the_path_field_reads_the_file_and_opens_no_chooser(
    qtbot, make_window, demo_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    # Found driving the app: Enter read the typed file and then also opened the file
    # chooser, because "Choose file…" was the dialog's default button.
    opened: list[str] = []

    def chooser(*args: object, **kw: object) -> tuple[str, str]:
        opened.append("chooser")
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", chooser)
    window = make_window(demo_dir)
    unlock(qtbot, window)
    extract = tmp_path / "sus.csv"
    extract.write_text("nhs_number,event,start_date\n9990000018,ae,2026-01-02\n", "utf-8")
    window.hospital_action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ImportDialog))
    qtbot.waitExposed(dialog)
    dialog.path.setFocus()
    qtbot.keyClicks(dialog.path, str(extract))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert opened == []
    assert dialog.isVisible()
    assert dialog.mapping["event"].currentData() == "event"
    dialog.reject()


def test_the_app_opens_on_the_overview_and_a_lock_keeps_the_task_in_hand(
    qtbot, make_window, demo_dir: Path
) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    workspace = window.workspace
    assert workspace is not None
    assert workspace.tabs.currentWidget() is workspace.overview
    assert workspace.overview.isAncestorOf(QApplication.focusWidget()) or (
        QApplication.focusWidget() is workspace.overview
    )
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert workspace.tabs.currentWidget() is workspace.caseload
    lock_and_unlock(qtbot, window)
    again = window.workspace
    assert again is not None and again.tabs.currentWidget() is again.caseload
