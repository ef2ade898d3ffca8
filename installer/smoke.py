"""Smoke-test mdtdesk as a user installs it, from a folder outside the source tree:
--version, demo, info, caseload export, care-plan print (fonts embedded) and the window
reaching the unlock panel offscreen.

    python installer/smoke.py dist/mdtdesk/mdtdesk[.exe]   # a built one-folder app
    python installer/smoke.py --wheel                      # pip wheel, a fresh venv

`make smoke` (run by .ci/run) does both; the Windows and macOS workflow the first."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def installed_wheel(into: Path) -> Path:
    """Build the wheel and pip install it into a fresh virtualenv; its mdtdesk command.
    (A wheel once failed every command: its fonts were left outside the package.)"""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                    "--wheel-dir", str(into / "wheel"), str(ROOT)], check=True)  # fmt: skip
    [wheel] = (into / "wheel").glob("mdtdesk-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(into / "venv")], check=True)
    scripts = into / "venv" / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(scripts / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
                   check=True)  # fmt: skip
    print(f"wheel: {wheel.name} installed into a fresh virtualenv")
    return scripts / ("mdtdesk.exe" if os.name == "nt" else "mdtdesk")


def main() -> int:
    if sys.argv[1:] == ["--wheel"]:
        with tempfile.TemporaryDirectory(prefix="mdtdesk-wheel-") as tmp:
            return smoke(installed_wheel(Path(tmp)))
    app = Path(sys.argv[1]).resolve()
    files = [p for p in app.parent.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.lstat().st_size for p in files)
    print(f"one-folder app: {app.parent} ({size / 1e6:.0f} MB, {len(files)} files)")
    return smoke(app)


def smoke(app: Path) -> int:
    env = {**os.environ, "MDTDESK_KDF_SECONDS": "0", "MDTDESK_USER": "Dr Hannah Kerrison",
           "QT_QPA_PLATFORM": "offscreen"}  # fmt: skip
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory(prefix="mdtdesk-smoke-") as tmp:
        away = Path(tmp)

        def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
            done = subprocess.run([str(app), *args], cwd=away, env=env, capture_output=True,
                                  text=True, timeout=300)  # fmt: skip
            if check and done.returncode != 0:
                raise SystemExit(f"FAILED: mdtdesk {' '.join(args)}\n{done.stdout}{done.stderr}")
            return done

        print(run("--version").stdout.strip())
        run("demo", "--store", "demo", "--patients", "40")
        env["MDTDESK_PASSPHRASE"] = "mdt demo 2026"
        info = run("info", "--store", "demo").stdout
        assert "Patients:       40" in info, info
        run("caseload", "export", "--store", "demo", "--out", "c.csv")
        numbers = [
            r.split(",")[0] for r in (away / "c.csv").read_text("utf-8-sig").splitlines()[1:]
        ]
        for number in numbers:
            args = (
                "care-plan",
                "print",
                "--store",
                "demo",
                "--nhs-number",
                number,
                "--out",
                "p.pdf",
            )
            if run(*args, check=False).returncode == 0:
                break
        pdf = (away / "p.pdf").read_bytes()
        if b"/FontFile2" not in pdf or b"SourceSansPro" not in pdf:
            raise SystemExit("FAILED: the care plan's fonts are not embedded")
        print(f"care-plan print: {len(pdf):,} bytes, Source Sans Pro embedded")
        window = run("--store", "demo", "--check-window").stdout.strip()
        if "unlock panel" not in window:
            raise SystemExit(f"FAILED: {window}")
        print(window)
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
