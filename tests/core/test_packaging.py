"""The wheel carries what the installed app needs (issue 17): a wheel installed with pip
could not start its CLI, because the printing fonts lived outside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_holds_the_fonts_and_the_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps",
         "--quiet", "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    [wheel] = tmp_path.glob("mdtdesk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for face in ("Regular", "Bold", "It", "Semibold"):
        assert f"mdtdesk/printing/typefaces/SourceSansPro-{face}.ttf" in names
    assert "mdtdesk/printing/typefaces/OFL-SourceSansPro.txt" in names
    assert "mdtdesk/store/migrations/script.py.mako" in names
    assert any(n.startswith("mdtdesk/store/migrations/versions/") for n in names)
