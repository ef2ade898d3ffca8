"""The wheel carries what the installed app needs (issue 17): a wheel installed with pip
could not start its CLI, because the printing fonts lived outside the package."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_sdist_and_the_wheel_built_from_it_hold_what_the_app_reads(tmp_path: Path) -> None:
    import tarfile

    # python -m build makes the sdist, then the wheel from the sdist: so the wheel can
    # only hold what the sdist carried.
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    [sdist] = tmp_path.glob("mdtdesk-*.tar.gz")
    with tarfile.open(sdist) as tar:
        in_sdist = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    [wheel] = tmp_path.glob("mdtdesk-*.whl")
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    for names in (in_sdist, in_wheel):
        for face in ("Regular", "Bold", "It", "Semibold"):
            assert f"mdtdesk/printing/typefaces/SourceSansPro-{face}.ttf" in names
        assert "mdtdesk/printing/typefaces/OFL-SourceSansPro.txt" in names
        assert "mdtdesk/store/migrations/script.py.mako" in names
        assert any(n.startswith("mdtdesk/store/migrations/versions/") for n in names)
        assert "mdtdesk/data/mdtdesk.desktop" in names


def test_a_missing_tool_skips_its_test_and_says_why(tmp_path: Path) -> None:
    # The README's Windows recipe has no `age`; off CI that test is skipped, not failed.
    from tests.core import test_sync_files
    from tests.helpers import needs_age

    age_test = test_sync_files.test_the_age_tool_decrypts_a_sync_file_with_the_hubs_identity
    assert needs_age.mark in age_test.pytestmark  # type: ignore[attr-defined]
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "from tests.helpers import needs_age\n\n\n"
        "@needs_age\ndef test_uses_age() -> None:\n    raise AssertionError\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PATH"] = str(Path(sys.executable).parent)  # python, but no age
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         "-p", "no:qt", str(probe)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout and "the age tool is not installed" in done.stdout


def test_one_version_for_the_package_the_cli_and_the_about_box() -> None:
    from importlib.metadata import version

    import mdtdesk

    assert version("mdtdesk") == mdtdesk.__version__
    done = subprocess.run([sys.executable, "-m", "mdtdesk", "--version"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert done.stdout.strip() == f"mdtdesk {mdtdesk.__version__}"


def test_the_fonts_load_with_the_first_paper_not_at_import() -> None:
    # Loaded at import, a missing font file stopped every command, even --version.
    code = (
        "import mdtdesk.cli.main, mdtdesk.printing.document as d\n"
        "from reportlab.pdfbase import pdfmetrics\n"
        "assert 'SourceSans' not in pdfmetrics.getRegisteredFontNames()\n"
        "from datetime import datetime, UTC\n"
        "pdf = d.build([d.para('Łukasz Nguyễn')], title='t', header='h',\n"
        "              printed=datetime.now(UTC), printed_by='x')\n"
        "assert 'SourceSans' in pdfmetrics.getRegisteredFontNames() and b'SourceSans' in pdf\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_the_copies_the_command_offers_are_the_ones_printing_knows() -> None:
    from mdtdesk.cli.care_plan_commands import COPIES
    from mdtdesk.printing.care_plans import COPIES as NAMES

    assert tuple(NAMES) == COPIES
