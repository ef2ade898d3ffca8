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
