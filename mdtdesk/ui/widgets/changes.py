"""What an operation changed, and views that reload when it is something they show.

Every write the UI makes goes through `StoreWorker.op`, which on success publishes
the operation's `Change` flags on the worker's one `changed` signal (in the spirit of
Anki's `OpChanges`). A view does not reload other views: it declares what it shows
with `reload_on`, is marked stale when such a change is published, and reloads then
if it is on screen or else the next time it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Flag, auto

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


class Change(Flag):
    NOTHING = 0
    PATIENTS = auto()  # a person's details, status, coordinator, hospital events
    ACTIONS = auto()  # actions, referrals, contacts
    MEETINGS = auto()  # meetings, agendas, attendance, outcomes
    CARE_PLANS = auto()
    STAFF = auto()
    SERVICES = auto()  # referral destinations
    SYNC = auto()  # sync history, conflicts, duplicates, enrolments
    REPORTS = auto()
    # A sync file or a CSV import can change any record.
    RECORDS = PATIENTS | ACTIONS | MEETINGS | CARE_PLANS | STAFF | SERVICES


class Reloader(QObject):
    """Keeps one view current: reload now if shown, else when next shown."""

    def __init__(
        self, view: QWidget, wants: Change, reload: Callable[[], None], stale: bool = False
    ) -> None:
        super().__init__(view)
        self.view, self.wants, self._reload = view, wants, reload
        self.stale = stale
        self.stopped = False
        view.installEventFilter(self)

    def stop(self) -> None:
        """Never reload again (the app is locking; the store is about to close)."""
        self.stopped = True
        self.view.removeEventFilter(self)

    def changed(self, changes: Change) -> None:
        if self.stopped or not changes & self.wants:
            return
        if self.view.isVisible():
            self.stale = False
            self._reload()
        else:
            self.stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        shown = watched is self.view and event.type() == QEvent.Type.Show
        if shown and self.stale and not self.stopped:
            self.stale = False
            self._reload()
        return False
