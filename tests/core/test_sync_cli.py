"""The sync workflow from the command line, as the README gives it."""

from __future__ import annotations

from pathlib import Path

from tests.core.test_cli import mdtdesk
from tests.helpers import PASSPHRASE

PRACTICE = {"MDTDESK_PASSPHRASE": PASSPHRASE, "MDTDESK_USER": "Dr Hannah Kerrison"}
HUB = {"MDTDESK_PASSPHRASE": PASSPHRASE, "MDTDESK_USER": "Hub Lead"}


def ok(*args: str | Path, env: dict[str, str]) -> str:
    done = mdtdesk(*args, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def the_whole_sync_workflow_from_the_command_line(tmp_path: Path) -> None:
    hub, practice = tmp_path / "hub", tmp_path / "practice"
    out = ok("hub", "init", "--store", hub, "--name", "Broadland Hub", "--user", "Hub Lead",
             "--profession", "Care coordinator", env=HUB)  # fmt: skip
    hub_print = out.split("enrol): ")[1].splitlines()[0]
    ok("demo", "--store", practice, "--patients", "30", env=PRACTICE)

    ok("enrol", "export", "--store", hub, "--out", tmp_path / "hub.enrol", env=HUB)
    out = ok("enrol", "export", "--store", practice, "--out", tmp_path / "p.enrol", env=PRACTICE)
    practice_print = out.split("Fingerprint: ")[1].splitlines()[0]

    # Without --yes and without a terminal to ask on, nothing is enrolled.
    refused = mdtdesk("enrol", "import", "--store", practice, tmp_path / "hub.enrol", env=PRACTICE)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    shown = ok("enrol", "import", "--store", practice, tmp_path / "hub.enrol", "--yes",
               env=PRACTICE)  # fmt: skip
    assert hub_print in shown and "Enrolled Broadland Hub" in shown
    shown = ok("enrol", "import", "--store", hub, tmp_path / "p.enrol", "--yes", env=HUB)
    assert practice_print in shown

    out = ok("sync", "export", "--store", practice, "--out", tmp_path / "p1.mdtsync", env=PRACTICE)
    assert "file 1 for Broadland Hub" in out
    out = ok("hub", "merge", "--store", hub, tmp_path / "p1.mdtsync", env=HUB)
    assert "file 1 from Riverside Medical Practice (demo)" in out and "0 conflicts" in out
    again = ok("hub", "merge", "--store", hub, tmp_path / "p1.mdtsync", env=HUB)
    assert "already imported" in again

    ok("hub", "export", "--store", hub, "--practice", "Y99999", "--out", tmp_path / "h1.mdtsync",
       env=HUB)  # fmt: skip
    out = ok("sync", "import", "--store", practice, tmp_path / "h1.mdtsync", env=PRACTICE)
    assert "file 1 from Broadland Hub" in out
    status = ok("sync", "status", "--store", hub, env=HUB)
    assert "Riverside Medical Practice (demo) (Y99999): in #1" in status
    assert "out #1" in status and "gaps none" in status

    # The hub's own update file is not for the hub: refused, exit 2, reason given.
    wrong = mdtdesk("hub", "merge", "--store", hub, tmp_path / "h1.mdtsync", env=HUB)
    assert wrong.returncode == 2 and "addressed to another store" in wrong.stderr

    policy = ok("sync", "consent-policy", "--store", practice, "--allow", "coordinator,contact",
                env=PRACTICE)  # fmt: skip
    assert "[x] contact" in policy and "[ ] care" in policy


def test_the_whole_workflow_and_every_file_and_folder_it_makes_is_owner_only(
    tmp_path: Path,
) -> None:
    # Under a umask of 022 (Debian's): it made store.db, exports and sync files
    # world-readable. One run of the workflow serves both checks (it takes a while).
    import os
    import stat

    old = os.umask(0o022)
    try:
        the_whole_sync_workflow_from_the_command_line(tmp_path)
        practice = tmp_path / "practice"
        (tmp_path / "out").mkdir(mode=0o700)
        ok("caseload", "export", "--store", practice, "--out", tmp_path / "out" / "c.csv",
           env=PRACTICE)  # fmt: skip
        numbers = [r.split(",")[0] for r in (tmp_path / "out" / "c.csv").read_text().splitlines()]
        printed = 0
        for number in numbers[1:]:  # the first with a care plan
            done = mdtdesk("care-plan", "print", "--store", practice, "--nhs-number", number,
                           "--out", tmp_path / "out" / "plan.pdf", env=PRACTICE)  # fmt: skip
            if done.returncode == 0:
                ok("care-plan", "export-fhir", "--store", practice, "--nhs-number", number,
                   "--out", tmp_path / "out" / "plan.json", env=PRACTICE)  # fmt: skip
                printed += 1
                break
        assert printed == 1
    finally:
        os.umask(old)
    made = list(tmp_path.rglob("*"))
    assert any(p.suffix == ".mdtsync" for p in made) and any(p.suffix == ".csv" for p in made)
    assert any(p.name == "store.db" for p in made) and any(p.suffix == ".pdf" for p in made)
    open_to_others = [
        f"{p.relative_to(tmp_path)} {stat.filemode(p.stat().st_mode)}"
        for p in made
        if p.stat().st_mode & 0o077
    ]
    assert open_to_others == []
