"""The local log holds where an error happened, never its text (it may be patient data)."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from mdtdesk import logs


def _boom(name: str) -> None:
    raise KeyError(name)


def test_unexpected_error_is_logged_without_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MDTDESK_LOG_DIR", str(tmp_path / "logs"))
    path = logs.start_logging()
    try:
        try:
            _boom("Łukasz Nowak 9990000018")
        except KeyError as exc:
            logs.log_unexpected(exc, "saving a record")
        for handler in logs.log.handlers:
            handler.flush()
        text = path.read_text(encoding="utf-8")
        assert "KeyError" in text
        assert "_boom" in text and "test_logs.py" in text
        assert "Łukasz" not in text and "9990000018" not in text
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        for handler in list(logs.log.handlers):
            if isinstance(handler, logging.handlers.RotatingFileHandler):
                logs.log.removeHandler(handler)
                handler.close()


def test_every_log_file_after_a_rollover_is_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.setenv("MDTDESK_LOG_DIR", str(tmp_path / "logs"))
    old = os.umask(0o022)
    try:
        path = logs.start_logging()
        handler = next(
            h for h in logs.log.handlers if isinstance(h, logging.handlers.RotatingFileHandler)
        )
        for _ in range(2):
            logs.log.error("x" * 100)
            handler.doRollover()
        logs.log.error("after")
        handler.flush()
        files = sorted(path.parent.iterdir())
        assert [f.name for f in files] == ["mdtdesk.log", "mdtdesk.log.1", "mdtdesk.log.2"]
        assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    finally:
        os.umask(old)
        for h in list(logs.log.handlers):
            if isinstance(h, logging.handlers.RotatingFileHandler):
                logs.log.removeHandler(h)
                h.close()
