"""Before Qt: a system without the X11 libraries gets one line naming the packages, not
Qt's abort (exit 134) naming the wrong library (issue 17)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mdtdesk.cli import display
from tests.helpers import needs_posix

LDD = """\
\tlinux-vdso.so.1 (0x00007ffc)
\tlibQt6XcbQpa.so.6 => /x/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)
"""


def test_the_missing_libraries_are_read_from_ldd() -> None:
    assert display.missing_in(LDD) == [
        "libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1",
    ]  # fmt: skip


@needs_posix
def test_the_app_stops_before_qt_naming_the_packages(tmp_path: Path) -> None:
    # A stand-in ldd answers as on a fresh Debian 12 (the real plugin is still found).
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "ldd").write_text("#!/bin/sh\ncat <<'END'\n" + LDD + "END\n")
    (fake / "ldd").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(PATH=f"{fake}:{env['PATH']}", DISPLAY=":99")
    done = subprocess.run(
        [sys.executable, "-c",
         "import sys\nfrom mdtdesk.cli.main import main\ncode = main(['--store', sys.argv[1]])\n"
         "assert 'PySide6.QtWidgets' not in sys.modules\nsys.exit(code)", str(tmp_path / "s")],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1," in done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is checked on Linux")
def test_no_display_is_said_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    assert "DISPLAY is not set" in (display.problem() or "")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert display.problem() is None


def test_check_window_says_which_window_opened(tmp_path: Path) -> None:
    # The frozen app's smoke test asks this; so may support, on a computer that will not start.
    from tests.helpers import new_store

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}  # fmt: skip

    def check(folder: Path) -> str:
        done = subprocess.run([sys.executable, "-m", "mdtdesk", "--store", str(folder),
                               "--check-window"], env=env, capture_output=True, text=True,
                              timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert check(tmp_path / "none") == "The window opened at the first-run wizard (offscreen)."
    assert not (tmp_path / "none").exists()
    from mdtdesk.clock import SystemClock

    new_store(tmp_path / "s", SystemClock()).store.close()
    assert check(tmp_path / "s") == "The window opened at the unlock panel (offscreen)."
    # A probe saves no window size as the person's: it once left the app opening small.
    assert not (tmp_path / "config").exists() and not (tmp_path / "home").exists()
