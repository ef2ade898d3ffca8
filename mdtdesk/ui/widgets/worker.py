"""Run store work on one background thread and hand results back on the GUI thread.

The one way the UI reaches the store:

- `query(fn, on_done, on_failed)` reads;
- `op(changes, fn, on_done, on_failed)` writes and, once it has succeeded, publishes
  `changes` on `changed`, so every view that shows such data reloads (see
  `changes.Reloader`).

Workers never touch widgets: they return a value (or raise). A relay object that
lives on the GUI thread receives the result through a queued signal and calls the
handler there. A failure that is not a `Refusal` is logged (where, not what) and
handed on as `Unexpected`, whose text says so in general words; so every handler can
show `str(exc)` and never shows a raw exception's text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QWidget

from mdtdesk.errors import Refusal
from mdtdesk.logs import log_file, log_unexpected
from mdtdesk.store.errors import for_people
from mdtdesk.ui.widgets.changes import Change, Reloader

Progress = Callable[[int, int], None]


class Unexpected(Refusal):
    """What the person is told about a failure nobody foresaw (the log has where)."""

    def __init__(self) -> None:
        super().__init__(
            "Something unexpected went wrong, so this was not done. "
            f"The details are in the log ({log_file()}); nothing in it identifies a patient."
        )


def as_refusal(exc: BaseException, during: str) -> Refusal:
    if isinstance(exc, Refusal):
        return exc
    log_unexpected(exc, during)
    # A full disk or a damaged store is something a person can act on.
    return for_people(exc) or Unexpected()


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)

    def __init__(
        self,
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        forget: Callable[[_Relay], None],
        on_progress: Progress | None,
        current: Callable[[], bool],
    ) -> None:
        super().__init__()
        self._current = current
        self._on_done = on_done
        self._on_failed = on_failed
        self._forget = forget
        # Receiver is this object, on the GUI thread: emits from the worker are queued.
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_failed)
        self._on_progress = on_progress
        self.progress.connect(self._deliver_progress)

    @Slot(int, int)
    def _deliver_progress(self, done: int, total: int) -> None:
        if self._on_progress is not None and self._current():
            self._on_progress(done, total)

    @Slot(object)
    def _deliver_done(self, value: Any) -> None:
        self._forget(self)
        if self._current():
            self._on_done(value)

    @Slot(object)
    def _deliver_failed(self, exc: BaseException) -> None:
        self._forget(self)
        refusal = as_refusal(exc, getattr(self._on_failed, "__qualname__", "store work"))
        if self._current():
            self._on_failed(refusal)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn(self.relay.progress.emit)
        except Exception as exc:  # every failure goes back to the GUI to be shown
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


class StoreWorker(QObject):
    """One thread for all store work, so store operations never overlap.

    `busy_changed` tells the window when work starts and when the last job is done,
    so it can show progress only when work lasts longer than a moment.
    """

    busy_changed = Signal(bool)
    changed = Signal(object)  # the Change flags of an operation that succeeded

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._live: set[_Relay] = set()
        self._generation = 0

    def forget_pending(self) -> None:
        """Results of work already submitted are dropped, not delivered.

        Used when the app locks: whatever that work was for (a record, a list) has
        been cleared away, and its result must not bring patient data back.
        """
        self._generation += 1

    def query(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        """Read on the store thread; on_done(result) runs on the GUI thread."""
        self._start(lambda _progress: fn(), on_done, on_failed)

    def op(
        self,
        changes: Change,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        """Write on the store thread; on success run on_done, then publish `changes`."""
        self.op_with_progress(changes, lambda _progress: fn(), on_done, on_failed)

    def op_with_progress(
        self,
        changes: Change,
        fn: Callable[[Progress], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        on_progress: Progress | None = None,
    ) -> None:
        """As `op`, for long work: fn(progress) reports progress(done, total)."""

        def done(value: Any) -> None:
            on_done(value)
            if changes:
                self.changed.emit(changes)

        self._start(fn, done, on_failed, on_progress)

    def reload_on(
        self, view: QWidget, wants: Change, reload: Callable[[], None], stale: bool = False
    ) -> Reloader:
        """Keep `view` current: reload it when a published change is one it shows.

        `stale=True` for a view read only when first shown.
        """
        reloader = Reloader(view, wants, reload, stale)
        self.changed.connect(reloader.changed)
        return reloader

    def _start(
        self,
        fn: Callable[[Progress], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        on_progress: Progress | None = None,
    ) -> None:
        generation = self._generation
        relay = _Relay(
            on_done,
            on_failed,
            self._finished,
            on_progress,
            lambda: generation == self._generation,
        )
        was_idle = not self._live
        self._live.add(relay)
        if was_idle:
            self.busy_changed.emit(True)
        self.pool.start(_Job(fn, relay))

    def _finished(self, relay: _Relay) -> None:
        self._live.discard(relay)
        if not self._live:
            self.busy_changed.emit(False)

    def busy(self) -> bool:
        return bool(self._live)

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
