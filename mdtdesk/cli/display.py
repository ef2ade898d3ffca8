"""Before Qt opens a window on Linux: are the system libraries its X11 plugin needs here?

A fresh Debian or Ubuntu lacks some of them (libxcb-cursor0, libxcb-icccm4, ...), and
Qt then aborts the process (exit 134) with a message that names the wrong library. This
asks `ldd` which of the plugin's libraries are missing and names the packages to
install, in one line, before Qt is imported.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

# Debian and Ubuntu package for each library the xcb plugin (and Qt's GUI library) loads.
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
# Platforms that draw without X11 or a display server (tests, VNC, screenshots).
_NO_X11 = {"offscreen", "minimal", "vnc", "linuxfb", "eglfs", "wayland"}


def missing_in(ldd_output: str) -> list[str]:
    """The libraries `ldd` could not find, in its order, each once."""
    missing: list[str] = []
    for line in ldd_output.splitlines():
        name, _, rest = line.strip().partition(" => ")
        if rest.strip() == "not found" and name not in missing:
            missing.append(name)
    return missing


def _xcb_plugin() -> Path | None:
    spec = importlib.util.find_spec("PySide6")  # finds the package without importing Qt
    if spec is None or spec.origin is None:
        return None
    plugin = Path(spec.origin).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def problem() -> str | None:
    """One line saying what to install, or None when the window can be tried."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    if platform in _NO_X11 or (not platform and os.environ.get("WAYLAND_DISPLAY")):
        return None
    if not os.environ.get("DISPLAY"):
        return (
            "There is no display to open the window on (DISPLAY is not set). Run mdtdesk "
            "from a desktop session, or use its commands (mdtdesk --help)."
        )
    plugin, ldd = _xcb_plugin(), shutil.which("ldd")
    if plugin is None or ldd is None:
        return None  # nothing to ask: let Qt try
    try:
        out = subprocess.run(
            [ldd, str(plugin)], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    missing = missing_in(out)
    if not missing:
        return None
    packages = sorted({PACKAGES.get(name, name) for name in missing})
    unknown = [n for n in missing if n not in PACKAGES]
    line = (
        f"The window cannot open: this system lacks libraries Qt needs "
        f"({', '.join(missing)}). Install them with: sudo apt-get install {' '.join(packages)}"
    )
    if unknown:
        line += f" (find the package holding {', '.join(unknown)} on other systems)"
    return line + ", then run mdtdesk again."
