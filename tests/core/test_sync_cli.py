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


def test_the_whole_sync_workflow_from_the_command_line(tmp_path: Path) -> None:
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
