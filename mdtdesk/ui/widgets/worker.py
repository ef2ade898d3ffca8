"""Run store work on one background thread and hand results back on the GUI thread.

Workers never touch widgets: they return a value (or raise). A relay object that
lives on the GUI thread receives the result through a queued signal and calls the
handler there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

Progress = Callable[[int, int], None]


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
        if self._current():
            self._on_failed(exc)


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

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        self.submit_with_progress(lambda _progress: fn(), on_done, on_failed)

    def submit_with_progress(
        self,
        fn: Callable[[Progress], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        on_progress: Progress | None = None,
    ) -> None:
        """Run fn(progress) on the store thread; progress(done, total) reaches the GUI."""
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
