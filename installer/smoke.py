"""Smoke-test a built one-folder app from a folder outside the source tree:
--version, demo, info, care-plan print (fonts embedded) and the window reaching the
unlock panel offscreen. Run by .ci/run after `make dist`, and by the Windows and macOS
workflow: python installer/smoke.py dist/mdtdesk/mdtdesk[.exe]"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    app = Path(sys.argv[1]).resolve()
    folder = app.parent
    size = sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    print(
        f"one-folder app: {folder} ({size / 1e6:.0f} MB, {sum(1 for _ in folder.rglob('*'))} files)"
    )
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
