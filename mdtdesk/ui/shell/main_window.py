"""The main window: the unlock panel while locked, the workspace while unlocked.

Locking (Ctrl+L, or after the idle time set in preferences) keeps unsaved edits as
drafts in the store, destroys the workspace with every model and form in it, closes
the store and drops the key, then shows the unlock panel. Unlocking as the same user
rebuilds the workspace where they were.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
)

from mdtdesk import __version__
from mdtdesk.clock import Clock
from mdtdesk.patients import drafts
from mdtdesk.store import lifecycle
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.opened import OpenStore
from mdtdesk.ui.access.unlock_panel import UnlockPanel
from mdtdesk.ui.meetings.meeting_bar import describe
from mdtdesk.ui.shell.app_watch import AppWatch
from mdtdesk.ui.shell.preferences import Preferences, PreferencesDialog
from mdtdesk.ui.shell.shortcuts_dialog import show_shortcuts
from mdtdesk.ui.shell.workspace import Workspace, WorkspaceState
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.guarded import confirm
from mdtdesk.ui.widgets.windows import fit, keep_on_screen
from mdtdesk.ui.widgets.worker import StoreWorker

log = logging.getLogger(__name__)

SHOW_BUSY_AFTER_MS = 500


def _keep_and_close(
    store: OpenStore, unsaved: list[tuple[str, str, dict[str, str | bool]]]
) -> None:
    try:
        for patient_id, form, content in unsaved:
            drafts.keep_draft(store, patient_id, form, dict(content))
    finally:
        store.close()


def _warm_up_failed(exc: BaseException) -> None:
    # Nothing is lost: the unlock does the same work itself, only later.
    log.warning("warm-up before unlock failed: %s", type(exc).__name__)


class MainWindow(QMainWindow):
    def __init__(
        self,
        folder: Path,
        users: list[str],
        clock: Clock,
        worker: StoreWorker,
        kdf_cost: KdfCost,
        settings: QSettings,
        preselect: str | None = None,
    ) -> None:
        super().__init__()
        self.folder = folder
        self.clock = clock
        self.worker = worker
        self.settings = settings
        self.prefs = Preferences.load(settings)
        self.store: OpenStore | None = None
        self.workspace: Workspace | None = None
        self.last_state: WorkspaceState | None = None
        self.practice_name = ""
        self.setWindowTitle("mdtdesk")
        fit(self, "main", 1280, 800, settings)
        self.setAcceptDrops(True)

        self.stack = QStackedWidget()
        self.unlock = UnlockPanel(folder, users, clock, worker, kdf_cost)
        self.unlock.unlocked.connect(self.enter)
        # While the passphrase is typed: the first unlock's one-off setup, then the
        # heap so far (imports, mostly) set aside so the collector stops rescanning it;
        # its full passes over it had cost ~100 ms of building the caseload's rows.
        worker.query(lifecycle.warm_up, lambda _r: gc.freeze(), _warm_up_failed)
        self.stack.addWidget(self.unlock)
        self.setCentralWidget(self.stack)

        self.practice_label = QLabel()
        self.user_label = QLabel()
        self.lock_label = QLabel()
        self.sync_label = QLabel("Last sync: not set up yet")
        self.backup_label = QLabel()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setAccessibleName("Working")
        self.busy.hide()
        for label, name in (
            (self.practice_label, "Practice"),
            (self.user_label, "User"),
            (self.lock_label, "Lock state"),
            (self.sync_label, "Last sync"),
            (self.backup_label, "Backup reminder"),
        ):
            label.setAccessibleName(name)
            self.statusBar().addWidget(label)
        self.statusBar().addPermanentWidget(self.busy)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(SHOW_BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(self.busy.show)
        worker.busy_changed.connect(self._busy_changed)

        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(lambda: self.lock(idle=True))
        self.set_idle_timeout_ms(self.prefs.idle_minutes * 60_000)
        self._make_actions()
        self._watch = AppWatch(self.idle_timer, self.lock_action)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._watch)
        self._show_locked(preselect, locked=False)

    # -- actions and menus -----------------------------------------------------------
    def _make_actions(self) -> None:
        def act(text: str, keys: QKeySequence.StandardKey | str, slot: object) -> QAction:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            self.addAction(action)
            return action

        self.find_action = act("&Find in the caseload", QKeySequence.StandardKey.Find, self._find)
        self.referral_action = act("&New referral…", "Ctrl+N", self._new_referral)
        self.import_action = act("&Import caseload CSV…", "Ctrl+I", self._import)
        self.close_record_action = act("&Close record", "Ctrl+W", self._close_record)
        self.lock_action = act("&Lock", "Ctrl+L", self.lock)
        # Every window of the app locks with Ctrl+L, full-screen meeting mode and
        # previews included: a lock that missed one left patient data on a projector.
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.prefs_action = act("&Preferences…", "Ctrl+,", self._preferences)
        self.backup_action = act("&Back up the store…", "Ctrl+Shift+B", self._on_workspace(
            lambda w: w.sync.backups.back_up()))  # fmt: skip
        self.sync_action = act("Show &sync", "Ctrl+Shift+S", self._show_sync)
        self.sync_export_action = act("E&xport sync file…", "Ctrl+E", self._sync_export)
        self.sync_import_action = act("&Import sync files…", "Ctrl+Shift+I", self._sync_import)
        self.meetings_action = act("Show &meetings", "Ctrl+Shift+M", self._show_meetings)
        self.plan_action = act("&Plan a meeting…", "Ctrl+Shift+N", self._plan_meeting)
        self.meeting_mode_action = act("&Open meeting mode", "Ctrl+Shift+O", self._meeting_mode)
        self.worklist_action = act("Show my &actions", "Ctrl+Shift+T", self._show_worklist)
        self.coordinators_action = act("Show &coordinators", "Ctrl+Shift+C", self._show_loads)
        self.overview_action = act("Show the &overview", "Ctrl+Shift+H", self._on_workspace(
            lambda w: w.show_overview()))  # fmt: skip
        self.hospital_action = act("Import &hospital activity CSV…", "", self._on_workspace(
            lambda w: w.import_csv("hospital")))  # fmt: skip
        self.register_action = act("Import the risk &register CSV…", "", self._on_workspace(
            lambda w: w.import_csv("register")))  # fmt: skip
        self.services_action = act("Referral &services…", "", self._edit_services)
        self.contact_action = act("&Log a contact…", "Ctrl+Shift+L", self._log_contact)
        self.care_plan_action = act("Edit care &plan…", "Ctrl+Shift+P", self._edit_care_plan)
        self.quit_action = act("&Quit", QKeySequence.StandardKey.Quit, self.close)
        self.keys_action = act(
            "&Keyboard shortcuts", QKeySequence.StandardKey.HelpContents, self._keys
        )
        self.about_action = act("&About mdtdesk", "", self._about)
        # No Reports menu: every Alt letter a seventh menu could take is already a record
        # field's (tests/ui/test_keyboard.py), so the overview and imports live in File.
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.overview_action)
        file_menu.addSeparator()
        for action in (self.import_action, self.hospital_action, self.register_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.prefs_action)
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.quit_action)
        patient_menu = self.menuBar().addMenu("&Patient")
        patient_menu.addAction(self.find_action)
        patient_menu.addAction(self.referral_action)
        patient_menu.addAction(self.contact_action)
        patient_menu.addAction(self.care_plan_action)
        patient_menu.addAction(self.close_record_action)
        meetings_menu = self.menuBar().addMenu("&Meetings")
        meetings_menu.addAction(self.meetings_action)
        meetings_menu.addAction(self.plan_action)
        meetings_menu.addAction(self.meeting_mode_action)
        actions_menu = self.menuBar().addMenu("&Actions")
        actions_menu.addAction(self.worklist_action)
        actions_menu.addAction(self.coordinators_action)
        actions_menu.addAction(self.services_action)
        sync_menu = self.menuBar().addMenu("&Sync")
        sync_menu.addAction(self.sync_action)
        sync_menu.addAction(self.sync_export_action)
        sync_menu.addAction(self.sync_import_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.keys_action)
        help_menu.addAction(self.about_action)
        self.unlocked_only = (
            self.overview_action,
            self.backup_action,
            self.hospital_action,
            self.register_action,
            self.worklist_action,
            self.coordinators_action,
            self.services_action,
            self.contact_action,
            self.care_plan_action,
            self.meetings_action,
            self.plan_action,
            self.meeting_mode_action,
            self.sync_action,
            self.sync_export_action,
            self.sync_import_action,
            self.find_action,
            self.referral_action,
            self.import_action,
            self.close_record_action,
            self.lock_action,
        )

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """Every key the windows register now: the menus' actions, and the keys of the
        screens on show (each QShortcut that says what it does), so the list cannot
        drift from what the keys really do."""
        rows: list[tuple[str, str]] = []
        for action in self.actions():
            if not action.shortcut().isEmpty():
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                rows.append((action.text().replace("&", "").rstrip("…"), keys))
        for shortcut in self.findChildren(QShortcut):
            if shortcut.whatsThis() and not shortcut.key().isEmpty():
                keys = shortcut.key().toString(QKeySequence.SequenceFormat.NativeText)
                rows.append((shortcut.whatsThis(), keys))
        return sorted(set(rows))

    def _keys(self) -> None:
        show_shortcuts(self, self.shortcut_rows(), self.settings)

    def about_text(self) -> str:
        # The package's own version, not importlib.metadata's: a frozen app has no
        # distribution metadata unless it is copied in.
        return (
            f"mdtdesk {__version__}\n\nMultidisciplinary team meetings for GP practices:"
            " an encrypted caseload, meetings, actions, care plans and sync by file."
        )

    def _about(self) -> None:
        QMessageBox.about(self, "About mdtdesk", self.about_text())

    def _on_workspace(self, do: Callable[[Workspace], None]) -> Callable[[], None]:
        def run() -> None:
            if self.workspace is not None:
                do(self.workspace)

        return run

    def _show_worklist(self) -> None:
        if self.workspace is not None:
            self.workspace.show_worklist()

    def _show_loads(self) -> None:
        if self.workspace is not None:
            self.workspace.show_coordinators()

    def _edit_services(self) -> None:
        if self.workspace is not None:
            self.workspace.edit_services()

    def _log_contact(self) -> None:
        if self.workspace is not None:
            self.workspace.log_contact()

    def _edit_care_plan(self) -> None:
        if self.workspace is not None:
            self.workspace.edit_care_plan()

    def _find(self) -> None:
        if self.workspace is not None:
            self.workspace.show_caseload()

    def _new_referral(self) -> None:
        if self.workspace is not None:
            self.workspace.new_referral()

    def _import(self) -> None:
        if self.workspace is not None:
            self.workspace.import_csv()

    def _close_record(self) -> None:
        if self.workspace is not None:
            self.workspace.close_current()

    def _show_meetings(self) -> None:
        if self.workspace is not None:
            self.workspace.show_meetings()

    def _plan_meeting(self) -> None:
        if self.workspace is not None:
            self.workspace.show_meetings()
            self.workspace.meetings.plan()

    def _meeting_mode(self) -> None:
        if self.workspace is None:
            return
        meeting = self.workspace.meetings.builder.meeting_id
        if meeting is None:
            # The meetings list is read when first shown: show it, and say what to do.
            self.workspace.show_meetings()
            self.statusBar().showMessage("Choose the meeting, then Ctrl+Shift+O again.", 8000)
            return
        loaded = self.workspace.meetings.builder.loaded
        if loaded is not None and loaded.meeting.state in ("planned", "agenda_circulated"):
            # Opening meeting mode starts the meeting: a key alone must not do that.
            when = describe(loaded.meeting)
            if not confirm(self, "Start the meeting", f"Start this meeting now?\n\n{when}"):
                return
        self.workspace.open_meeting_mode(meeting)

    def _show_sync(self) -> None:
        if self.workspace is not None:
            self.workspace.show_sync()

    def _sync_export(self) -> None:
        if self.workspace is not None:
            self.workspace.show_sync()
            self.workspace.sync.export()

    def _sync_import(self) -> None:
        if self.workspace is not None:
            self.workspace.show_sync()
            self.workspace.sync.choose_imports()

    # -- dropping sync files on the window -----------------------------------------------
    def _dropped_sync_files(self, event: QDropEvent | QDragEnterEvent) -> list[Path]:
        if self.workspace is None or not event.mimeData().hasUrls():
            return []
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        return [p for p in paths if p.suffix == ".mdtsync"]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self._dropped_sync_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = self._dropped_sync_files(event)
        if paths and self.workspace is not None:
            event.acceptProposedAction()
            self.workspace.show_sync()
            self.workspace.sync.import_files(paths)

    def _preferences(self) -> None:
        # open(), not exec(): a nested event loop here held up every other window.
        dialog = PreferencesDialog(self.prefs, self)

        def chosen() -> None:
            self.prefs = dialog.chosen()
            self.prefs.save(self.settings)
            self.set_idle_timeout_ms(self.prefs.idle_minutes * 60_000)
            if self.workspace is not None:
                self.workspace.sync.backups.remind_after_days = self.prefs.backup_days
                self.workspace.sync.backups.refresh()

        dialog.accepted.connect(chosen)
        dialog.open()

    def set_idle_timeout_ms(self, ms: int) -> None:
        self.idle_timer.setInterval(ms)
        if self.idle_timer.isActive():
            self.idle_timer.start()

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.busy.hide()

    # -- unlocked ----------------------------------------------------------------------
    def enter(self, store: OpenStore) -> None:
        """Show the workspace for an unlocked store (from the unlock panel or the wizard)."""
        self.store = store
        practice = store.practice()
        self.practice_name = f"{practice.name} ({practice.ods_code})"
        self.setWindowTitle(f"mdtdesk — {practice.name}")
        self.workspace = Workspace(store, self.worker)
        self.workspace.sync.status_read.connect(self.sync_label.setText)
        self.workspace.sync.backups.remind_after_days = self.prefs.backup_days
        self.workspace.sync.backups.reminder.connect(self.backup_label.setText)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        state = self.last_state
        if state is not None and state.staff_id == store.actor.staff_id:
            self.workspace.restore(state)
        else:
            self.workspace.show_overview()  # the home screen, unless a lock left a task
        self.last_state = None
        self.practice_label.setText(self.practice_name)
        self.user_label.setText(f"User: {store.actor.name}")
        self.lock_label.setText("Unlocked (Ctrl+L to lock)")
        for action in self.unlocked_only:
            action.setEnabled(True)
        self.idle_timer.start()
        # Left small while locked, the window grew to the workspace's size from where it
        # stood, off the bottom of the screen: bring it back once the layout has settled.
        QTimer.singleShot(0, lambda: keep_on_screen(self))

    @property
    def locked(self) -> bool:
        return self.store is None

    def lock(self, idle: bool = False) -> None:
        store, workspace = self.store, self.workspace
        if store is None or workspace is None:
            return
        self.idle_timer.stop()
        self.last_state = workspace.state()
        unsaved = workspace.unsaved()
        self.worker.forget_pending()
        workspace.teardown()
        self.stack.removeWidget(workspace)
        workspace.setParent(None)
        workspace.deleteLater()
        self.workspace = None
        self.store = None
        self.worker.op(
            Change.NOTHING, lambda: _keep_and_close(store, unsaved), _ignore, self._lock_failed
        )
        self._show_locked(store.actor.name, locked=True, idle=idle)

    def _lock_failed(self, exc: BaseException) -> None:
        QMessageBox.warning(self, "mdtdesk", f"Unsaved changes could not be kept as drafts: {exc}")

    def _show_locked(self, user: str | None, locked: bool, idle: bool = False) -> None:
        self.setWindowTitle("mdtdesk — locked" if locked else "mdtdesk")
        self.stack.setCurrentWidget(self.unlock)
        self.unlock.show_locked(user, self.practice_name, locked=idle)
        self.user_label.setText("")
        self.lock_label.setText("Locked")
        self.backup_label.setText("")
        for action in self.unlocked_only:
            action.setEnabled(False)

    # -- closing -----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.workspace is not None and self.workspace.unsaved():
            answer = QMessageBox.question(
                self,
                "Unsaved changes",
                "Some records have unsaved changes. Keep them as drafts for next time?",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Discard:
                self.workspace.discard_unsaved()
        self.lock()
        self.worker.wait()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self._watch)
        event.accept()


def _ignore(_value: object) -> None:
    return None
