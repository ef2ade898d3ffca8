"""Taking cases off an agenda, and undoing the last change to it.

A removal shows at once and is written behind the keys in batches. Holding Delete over
300 cases used to queue 300 writes, each followed by a full reload of the agenda and
its proposals: the app froze for about four minutes. Ctrl+Z puts the last removal back
or takes the last addition off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal

from mdtdesk.meetings import agenda
from mdtdesk.store.opened import OpenStore
from mdtdesk.ui.widgets.changes import Change
from mdtdesk.ui.widgets.worker import StoreWorker

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    kind: Literal["removed", "added"]
    ids: tuple[str, ...]
    reason: str | None  # the reason given to amend a finished meeting, reused by undo


def cases(n: int) -> str:
    return "1 case" if n == 1 else f"{n} cases"


class AgendaUndo:
    """The removals not yet written and the steps Ctrl+Z can undo, for one meeting."""

    def __init__(
        self,
        store: OpenStore,
        worker: StoreWorker,
        settled: Callable[[str], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        # settled(message): the store has caught up; the agenda should reload.
        self.store, self.worker = store, worker
        self._settled, self._failed = settled, failed
        self.pending: list[Step] = []
        self.steps: list[Step] = []
        self._busy = False
        self._undo_wanted = False
        self._removed = 0

    def pending_ids(self) -> set[str]:
        return {i for step in self.pending for i in step.ids}

    def can_undo(self) -> bool:
        return bool(self.steps or self.pending)

    def forget(self) -> None:
        """Another meeting is shown: its undo steps are not this one's. Removals still
        pending are written all the same (they name their own cases)."""
        self.steps.clear()
        self._undo_wanted = False

    def write_now(self) -> None:
        """The app is locking: write the removals still waiting, answering no one (the
        screens are going). Found driving the app: Delete held, then Ctrl+L, and the
        removals not yet written came back after unlock."""
        store = self.store
        for step in self.pending:
            self.worker.op(
                Change.NOTHING,
                partial(agenda.remove, store, list(step.ids), step.reason),
                lambda _r: None,
                lambda exc: log.info("removal at lock not written: %s", type(exc).__name__),
            )
        self.pending.clear()

    def remove(self, ids: list[str], reason: str | None) -> None:
        self.pending.append(Step("removed", tuple(ids), reason))
        self._flush()

    def added(self, ids: list[str], reason: str | None) -> None:
        self.steps.append(Step("added", tuple(ids), reason))

    def undo(self) -> None:
        if self._busy or self.pending:
            self._undo_wanted = True  # once the removals in hand are written
            return
        if not self.steps:
            return
        step = self.steps.pop()
        store, ids, reason = self.store, list(step.ids), step.reason
        if step.kind == "removed":
            said = f"Put back {cases(len(ids))}."

            def write() -> object:
                agenda.put_back(store, ids, reason)
                return None
        else:
            said = f"Took off the {cases(len(ids))} just added."

            def write() -> object:
                return agenda.remove(store, ids, reason)

        self._busy = True
        self.worker.op(Change.MEETINGS, write, lambda _r: self._done(said), self._fail)

    def _flush(self) -> None:
        if self._busy or not self.pending:
            return
        # One write for every removal waiting that shares the first one's reason.
        reason = self.pending[0].reason
        batch = [s for s in self.pending if s.reason == reason]
        self.pending = [s for s in self.pending if s.reason != reason]
        ids = [i for s in batch for i in s.ids]
        store = self.store
        self._busy = True

        def done(_removed: object) -> None:
            self.steps.extend(batch)
            self._removed += len(ids)
            self._done(None)

        self.worker.op(Change.MEETINGS, lambda: agenda.remove(store, ids, reason), done, self._fail)

    def _done(self, said: str | None) -> None:
        self._busy = False
        if self.pending:
            self._flush()
            return
        if said is None:
            said = f"Removed {cases(self._removed)} from the agenda. Ctrl+Z puts them back."
            self._removed = 0
        if self._undo_wanted:
            self._undo_wanted = False
            self.undo()
            return
        self._settled(said)

    def _fail(self, exc: BaseException) -> None:
        self._busy = False
        self._undo_wanted = False
        self._removed = 0
        self.pending.clear()
        self._failed(exc)
