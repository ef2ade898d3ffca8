"""What every screenshot script shares: where pictures go, and waiting for the UI."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from mdtdesk.clock import SystemClock
from mdtdesk.demo.generator import populate
from mdtdesk.store import lifecycle
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.opened import OpenStore
from mdtdesk.sync import enrol
from mdtdesk.sync.export import export_for_hub
from mdtdesk.sync.hub import create_hub
from mdtdesk.sync.importing import import_file
from mdtdesk.ui.shell.main_window import MainWindow
from mdtdesk.ui.widgets.worker import StoreWorker

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def settle(app: QApplication, worker: StoreWorker) -> None:
    while worker.busy():
        app.processEvents()
    for _ in range(5):
        app.processEvents()


def save(widget: QWidget, name: str) -> None:
    widget.grab().save(str(OUT / name))


PHRASE, USER = "screenshot stores only", "Dr Hannah Kerrison"


def demo_store(folder: Path, clock: SystemClock, cost: KdfCost) -> None:
    """A 400-person demo practice for a set of screenshots."""
    lifecycle.create_store(
        folder, ods_code="D82044", practice_name="Aylsham Road Surgery", user=USER,
        profession="GP", passphrase=PHRASE, clock=clock, kdf_cost=cost,
    ).store.close()  # fmt: skip
    with opened(folder, clock) as store:
        populate(store, patients=400, seed=11)


def opened(folder: Path, clock: SystemClock) -> OpenStore:
    return lifecycle.open_store(folder, user=USER, passphrase=PHRASE, clock=clock)


def window_on(
    folder: Path, clock: SystemClock, worker: StoreWorker, cost: KdfCost, height: int = 900
) -> MainWindow:
    """The main window unlocked on folder, 1500 px wide."""
    settings = QSettings(str(folder.with_suffix(".ini")), QSettings.Format.IniFormat)
    window = MainWindow(folder, [USER], clock, worker, cost, settings, USER)
    window.resize(1500, height)
    window.show()
    window.enter(opened(folder, clock))
    return window


def enrolled_hub(
    tmp: Path, user: str, phrase: str, clock: SystemClock, cost: KdfCost
) -> tuple[OpenStore, OpenStore]:
    """A hub and a 60-person practice enrolled with each other, the practice's first
    file merged at the hub. Both stores are returned open."""
    hub = create_hub(tmp / "hub", name="Broadland Locality Hub", user=user,
                     profession="Care coordinator", passphrase=phrase, clock=clock,
                     kdf_cost=cost).store  # fmt: skip
    practice = lifecycle.create_store(
        tmp / "practice", ods_code="D82044", practice_name="Aylsham Road Surgery", user=user,
        profession="GP", passphrase=phrase, clock=clock, kdf_cost=cost,
    ).store  # fmt: skip
    populate(practice, patients=60, seed=5)
    enrol.import_enrolment(practice, enrol.own_enrolment(hub))
    enrol.import_enrolment(hub, enrol.own_enrolment(practice))
    import_file(hub, export_for_hub(practice, tmp / "D82044-1.mdtsync").path)
    return hub, practice
