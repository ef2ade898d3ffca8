"""Drive the real unlock dialog and caseload window offscreen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from mdtdesk.demo.generator import populate
from mdtdesk.store import lifecycle
from mdtdesk.store.layout import StorePaths
from mdtdesk.ui.caseload_window import CaseloadWindow
from mdtdesk.ui.unlock_dialog import UnlockDialog
from mdtdesk.ui.worker import StoreWorker
from tests.helpers import PASSPHRASE, USER


def _dialog(qtbot, store_dir: Path, clock) -> UnlockDialog:
    worker = StoreWorker()
    kf = lifecycle.read_keyfile(StorePaths(store_dir))
    dialog = UnlockDialog(store_dir, kf.users(), "Test Surgery", clock, worker)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_wrong_then_right_passphrase(qtbot, created, store_dir, clock) -> None:
    created.store.close()
    dialog = _dialog(qtbot, store_dir, clock)
    assert dialog.user.currentText() == USER
    qtbot.keyClicks(dialog.passphrase, "not my passphrase")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "not right" in dialog.message.text(), timeout=10000)
    assert dialog.opened is None and dialog.isVisible()
    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.opened is not None
    assert dialog.passphrase.text() == ""
    dialog.opened.close()


def test_caseload_lists_searches_and_counts(qtbot, store) -> None:
    populate(store, patients=60, seed=2)
    window = CaseloadWindow(store, StoreWorker())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 60, timeout=10000)
    assert window.count.text() == "60 of 60 patients"
    first = window.model.row_at(0)
    spaced = f"{first.nhs_number[:3]} {first.nhs_number[3:6]} {first.nhs_number[6:]}"
    qtbot.keyClicks(window.search, spaced)
    assert window.proxy.rowCount() == 1
    assert window.count.text() == "1 of 60 patients"
    shown = window.proxy.index(0, 1).data()
    assert shown == spaced
    window.search.clear()
    outward = first.postcode.split()[0] if first.postcode else ""
    qtbot.keyClicks(window.search, first.postcode.replace(" ", "") if first.postcode else "")
    assert window.proxy.rowCount() >= 1
    assert outward
    window.search.clear()
    assert window.proxy.rowCount() == 60
    # Sorting by age puts the youngest first.
    window.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    ages = [int(window.proxy.index(r, 2).data()) for r in range(window.proxy.rowCount())]
    assert ages == sorted(ages)
    window.close()
