"""The local log: a rotating file in the user's log folder, with no patient data.

What goes in is the kind of event and where in the code it happened. An unexpected
exception is logged by its type and the code locations it passed through, never by
its text or its local values: a message such as ``KeyError('Łukasz')`` or an SQL
error can hold patient data. The engine hides statement parameters for the same
reason (`store/engine.py`).
"""

from __future__ import annotations

import logging
import os
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

LOG_NAME = "mdtdesk.log"
MAX_BYTES = 1_000_000
BACKUPS = 3

log = logging.getLogger("mdtdesk")


def log_folder() -> Path:
    override = os.environ.get("MDTDESK_LOG_DIR")
    return Path(override) if override else platformdirs.user_log_path("mdtdesk", appauthor=False)


def log_file() -> Path:
    return log_folder() / LOG_NAME


class _PrivateRotatingFile(RotatingFileHandler):
    """Each new log file after a rollover is owner-only too (it was made with the
    umask's 0644)."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
        os.chmod(self.baseFilename, 0o600)
        return super()._open()


def start_logging(level: int = logging.INFO) -> Path:
    """Send mdtdesk's log to the rotating file (owner-only), once per process."""
    path = log_file()
    for h in list(log.handlers):
        if isinstance(h, RotatingFileHandler):
            if Path(h.baseFilename) == path.absolute():
                return path
            # The log folder was moved (MDTDESK_LOG_DIR): write to the new one.
            log.removeHandler(h)
            h.close()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # The handler opens the file itself; make it owner-only before the first write.
    path.touch(mode=0o600, exist_ok=True)
    os.chmod(path, 0o600)
    handler = _PrivateRotatingFile(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(level)
    return path


def where(exc: BaseException) -> str:
    """The exception's type and the code it passed through, without its text."""
    parts: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 5:
        frames = traceback.extract_tb(seen.__traceback__)
        trail = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in frames[::-1])
        parts.append(f"{type(seen).__module__}.{type(seen).__qualname__} at {trail or '?'}")
        seen = seen.__cause__ or seen.__context__
    return "; caused by ".join(parts)


def log_unexpected(exc: BaseException, during: str) -> None:
    log.error("unexpected error during %s: %s", during, where(exc))
