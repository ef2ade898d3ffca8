"""Back up from the app (issue 19): the Sync tab says when the store was last backed
up, the status bar reminds when that is older than the setting, and Back up… writes
a backup that restores."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QSettings

from mdtdesk.clock import FixedClock
from mdtdesk.store import backup
from mdtdesk.ui.shell.preferences import BACKUP_KEY, Preferences
from tests.helpers import PASSPHRASE, USER
from tests.ui.conftest import lock_and_unlock, settle, unlock


def test_the_app_reminds_backs_up_and_the_backup_restores(
    qtbot, make_window, demo_dir: Path, tmp_path: Path, clock: FixedClock
) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    settle(qtbot, window)
    panel = window.workspace.sync.backups
    assert panel.status.text().startswith("⚠ No backup yet")
    assert window.backup_label.text() == "Backup due"
    assert window.backup_action.shortcut().toString() == "Ctrl+Shift+B"

    out = tmp_path / "practice.mdtbackup"
    panel.back_up_to(out)
    qtbot.waitUntil(lambda: panel.button.isEnabled() and out.exists(), timeout=20_000)
    settle(qtbot, window)
    assert panel.status.text().startswith("Backed up ") and panel.problem.text() == ""
    assert window.backup_label.text() == ""

    # A lock and unlock reads it again: backed up today, nothing due.
    lock_and_unlock(qtbot, window)
    settle(qtbot, window)
    panel = window.workspace.sync.backups  # the workspace is made again at unlock
    assert panel.status.text().startswith("Last backup today")
    assert window.backup_label.text() == ""

    # A week on, with the reminder set to seven days, it is due again.
    clock.advance(timedelta(days=8))
    panel.refresh()
    settle(qtbot, window)
    assert "8 days ago" in panel.status.text() and "back up now" in panel.status.text()
    assert window.backup_label.text() == "Backup due"

    done = backup.restore(out, tmp_path / "restored", clock, user=USER, passphrase=PASSPHRASE)
    assert done.patients > 0


def test_a_backup_that_cannot_be_written_says_why_in_the_tab(
    qtbot, make_window, demo_dir: Path, tmp_path: Path
) -> None:
    window = make_window(demo_dir)
    unlock(qtbot, window)
    settle(qtbot, window)
    panel = window.workspace.sync.backups
    panel.back_up_to(tmp_path / "no such folder" / "b.mdtbackup")
    qtbot.waitUntil(lambda: panel.problem.text() != "", timeout=10_000)
    assert "does not exist" in panel.problem.text() and panel.button.isEnabled()


def test_the_reminder_setting_is_kept_within_its_range() -> None:
    settings = QSettings()
    settings.setValue(BACKUP_KEY, "400")
    assert Preferences.load(settings).backup_days == 90
    settings.setValue(BACKUP_KEY, "soon")
    assert Preferences.load(settings).backup_days == 7
