"""The first-run wizard makes a store; the recovery key prints; recovery resets a passphrase."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QSettings
from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWizard

from mdtdesk import __version__
from mdtdesk.store import lifecycle
from mdtdesk.store.recovery_key import decode
from mdtdesk.ui.access.first_run import FirstRunWizard
from mdtdesk.ui.access.recovery_dialog import RecoveryDialog
from mdtdesk.ui.access.recovery_sheet import render
from mdtdesk.ui.shell.app import after_wizard, build_window
from mdtdesk.ui.shell.main_window import MainWindow
from mdtdesk.ui.widgets.worker import StoreWorker
from tests.helpers import FAST, PASSPHRASE, USER, new_store
from tests.ui.conftest import unlock

STRONG = "heron quay lantern mistletoe"


def test_wizard_creates_the_store_and_shows_the_recovery_key_once(
    qtbot, tmp_path: Path, clock
) -> None:
    folder = tmp_path / "new-store"
    worker = StoreWorker()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    wizard = build_window(folder, clock, worker, FAST, settings)
    assert isinstance(wizard, FirstRunWizard)
    qtbot.addWidget(wizard)
    wizard.show()
    next_button = wizard.button(QWizard.WizardButton.NextButton)

    page = wizard.practice_page
    assert not next_button.isEnabled()  # both fields are required
    page.ods.setText("not an ods code")
    page.name.setText("Aylsham Road Surgery")
    wizard.next()
    assert wizard.currentPage() is page
    assert "not 3 to 6 letters and digits" in page.problem.text()
    for wrong in ("hello", "D8204", "82044D"):
        page.ods.setText(wrong)
        wizard.next()
        assert wizard.currentPage() is page
        assert "not a GP practice code: that is a letter and five digits" in page.problem.text()
    assert page.where.text() == str(folder)  # where the store will be made is shown
    page.ods.setText("d82044")
    wizard.next()
    assert wizard.currentPage() is wizard.user_page
    assert str(wizard.field("ods")) == "D82044"
    wizard.user_page.name.setText("Dr Priya Raman")
    wizard.next()

    pass_page = wizard.passphrase_page
    assert wizard.currentPage() is pass_page
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    pass_page.new.first.setText("password123!")
    pass_page.new.second.setText("password123!")
    assert not commit.isEnabled()
    assert "Weak" in pass_page.new.verdict.text() or "weak" in pass_page.new.verdict.text()
    pass_page.new.first.setText(STRONG)
    pass_page.new.second.setText(STRONG + "x")
    assert not commit.isEnabled() and "differ" in pass_page.new.verdict.text()
    pass_page.new.second.setText(STRONG)
    assert commit.isEnabled()
    commit.click()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=20000)
    created = wizard.created
    assert created is not None
    shown = wizard.recovery_page.key.text()
    assert shown == created.recovery_key
    decode(shown)  # a well-formed key
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()
    wizard.recovery_page.confirmed.setChecked(True)
    assert finish.isEnabled()
    finish.click()
    assert wizard.result() == QWizard.DialogCode.Accepted

    window = after_wizard(wizard, clock, worker, FAST, settings)
    assert isinstance(window, MainWindow)
    assert not window.locked
    assert window.practice_label.text() == "Aylsham Road Surgery (D82044)"
    assert window.about_text().startswith(f"mdtdesk {__version__}\n")
    # An empty caseload says how to fill it.
    assert window.workspace is not None
    count = window.workspace.caseload.count
    qtbot.waitUntil(lambda: "No one is on the caseload yet" in count.text(), timeout=10000)
    assert "Import caseload CSV… (Ctrl+I)" in count.text()
    window.close()
    worker.wait()
    with lifecycle.open_store(folder, user="Dr Priya Raman", passphrase=STRONG, clock=clock):
        pass
    with lifecycle.open_with_recovery_key(folder, shown, clock):
        pass


def test_recovery_key_sheet_prints_with_the_key(qtbot, tmp_path: Path) -> None:
    out = tmp_path / "recovery.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    render(printer, "ABCDE-FGHJK", "Aylsham Road Surgery", "D82044", "23 November 2026")
    text = " ".join(PdfReader(out).pages[0].extract_text().split())
    assert "ABCDE-FGHJK" in text
    assert "Aylsham Road Surgery" in text and "D82044" in text


def test_forgotten_passphrase_is_reset_with_the_recovery_key(
    qtbot, created, store_dir, clock, make_window
) -> None:
    recovery_key = created.recovery_key
    created.store.close()
    window = make_window(store_dir)
    window.unlock.recover()
    dialog = window.unlock.findChild(RecoveryDialog, "recovery-dialog")
    assert dialog is not None and dialog.user.currentText() == USER
    dialog.key.setText("00000-00000-00000-00000-00000-00000-00000-00000")
    dialog.new.first.setText(STRONG)
    dialog.new.second.setText(STRONG)
    dialog.try_recover()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=10000)
    assert "recovery key" in dialog.message.text().lower() and dialog.isVisible()
    dialog.key.setText(recovery_key)
    with qtbot.waitSignal(dialog.accepted, timeout=20000):
        dialog.try_recover()
    assert "reset" in window.unlock.message.text()
    window.unlock.passphrase.setText(PASSPHRASE)
    unlock(qtbot, window, STRONG)
    assert not window.locked


def test_the_wizard_opens_an_existing_store_instead(qtbot, tmp_path: Path, clock) -> None:
    existing = tmp_path / "on-the-stick"
    new_store(existing, clock).store.close()
    worker = StoreWorker()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    wizard = build_window(tmp_path / "default-place", clock, worker, FAST, settings)
    assert isinstance(wizard, FirstRunWizard)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.practice_page.open_folder(tmp_path)  # no store there
    assert "There is no mdtdesk store in" in wizard.practice_page.problem.text()
    assert wizard.isVisible()
    wizard.practice_page.open_folder(existing)
    assert wizard.result() == QWizard.DialogCode.Accepted
    window = after_wizard(wizard, clock, worker, FAST, settings)
    assert isinstance(window, MainWindow) and window.locked
    qtbot.addWidget(window)
    window.show()
    unlock(qtbot, window)
    assert not window.locked
    assert not (tmp_path / "default-place").exists()  # nothing made where it was not wanted
    window.close()
    worker.wait()


def test_with_no_printer_the_sheet_is_saved_where_the_person_says(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    # Qt's print dialog with no printer wrote the key to ~/print.pdf without asking.
    from PySide6.QtPrintSupport import QPrinterInfo
    from PySide6.QtWidgets import QWidget

    from mdtdesk.ui.access import recovery_sheet

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(QPrinterInfo, "availablePrinters", staticmethod(lambda: []))
    asked: list[str] = []

    def choose(_parent, _kind, _title, name, _filters):
        asked.append(name)
        return str(tmp_path / name)

    monkeypatch.setattr(recovery_sheet, "save_name", choose)
    parent = QWidget()
    qtbot.addWidget(parent)
    said = recovery_sheet.print_sheet(parent, "ABCDE-FGHJK", "Aylsham Road Surgery", "D82044",
                                      "3 December 2026")  # fmt: skip
    assert asked == ["recovery-key-D82044.pdf"]
    out = tmp_path / "recovery-key-D82044.pdf"
    assert str(out) in said and "delete the file" in said
    assert "ABCDE-FGHJK" in PdfReader(out).pages[0].extract_text()
    assert out.stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / "home" / "print.pdf").exists()
