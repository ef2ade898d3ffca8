"""Run store work on one background thread and hand results back on the GUI thread.

Workers never touch widgets: they return a value (or raise). A relay object that
lives on the GUI thread receives the result through a queued signal and calls the
handler there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        forget: Callable[[_Relay], None],
    ) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_failed = on_failed
        self._forget = forget
        # Receiver is this object, on the GUI thread: emits from the worker are queued.
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_failed)

    @Slot(object)
    def _deliver_done(self, value: Any) -> None:
        self._forget(self)
        self._on_done(value)

    @Slot(object)
    def _deliver_failed(self, exc: BaseException) -> None:
        self._forget(self)
        self._on_failed(exc)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # every failure goes back to the GUI to be shown
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


class StoreWorker(QObject):
    """One thread for all store work, so store operations never overlap."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._live: set[_Relay] = set()

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        relay = _Relay(on_done, on_failed, self._live.discard)
        self._live.add(relay)
        self.pool.start(_Job(fn, relay))

    def busy(self) -> bool:
        return bool(self._live)

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
