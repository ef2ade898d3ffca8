"""The command line, as scripts and hub staff run it.

Commands run in this process (main() with its own arguments, environment, standard
streams and no terminal) unless the process itself matters: the test holds a store open
here (the store lock is per process), sets the console's encoding, or asks for a
separate process. Starting Python and importing the app for each of ~150 commands
was a third of the suite's time."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mdtdesk.clock import FixedClock
from mdtdesk.store import lock, migrate
from tests.helpers import PASSPHRASE, USER, needs_posix, new_store, snapshot


def mdtdesk(
    *args: str | Path, env: dict[str, str] | None = None, separate: bool = False
) -> subprocess.CompletedProcess[str]:
    if separate or lock._held or "PYTHONIOENCODING" in (env or {}):
        return _separately(*args, env=env)
    return _here(*args, env=env)


def _here(*args: str | Path, env: dict[str, str] | None) -> subprocess.CompletedProcess[str]:
    from mdtdesk.cli.main import main

    argv = [str(a) for a in args]
    saved_env = dict(os.environ)
    saved = sys.stdin, sys.stdout, sys.stderr
    out, err = io.StringIO(), io.StringIO()
    os.environ.update({"MDTDESK_KDF_SECONDS": "0", **(env or {})})
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(""), out, err
    try:
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse: --help, --version, a usage error
            code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        os.environ.clear()
        os.environ.update(saved_env)
    assert not lock._held, "a command left a store open"
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def _separately(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "MDTDESK_KDF_SECONDS": "0", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mdtdesk", *map(str, args)],
        capture_output=True,
        text=True,
        env=full_env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.fixture
def cli_store(tmp_path: Path, clock: FixedClock) -> Path:
    # What `mdtdesk init --practice D82044 --practice-name "Test Surgery"` makes (tested on
    # its own below), copied from the session's template.
    folder = tmp_path / "store"
    new_store(folder, clock).store.close()
    return folder


UNLOCK = {"MDTDESK_PASSPHRASE": PASSPHRASE}


def test_init_prints_the_recovery_key_once(tmp_path: Path) -> None:
    done = mdtdesk(
        "init",
        "--store",
        tmp_path / "s",
        "--practice",
        "d82044",
        "--practice-name",
        "P",
        "--user",
        USER,
        "--profession",
        "GP",
        env=UNLOCK,
    )
    assert done.returncode == 0
    key_line = [line.strip() for line in done.stdout.splitlines() if line.count("-") == 7]
    assert len(key_line) == 1 and len(key_line[0]) == 47
    assert key_line[0] not in (tmp_path / "s" / "keys.json").read_text()


def test_info_json_has_counts_and_no_patient_data(cli_store: Path, tmp_path: Path) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text(
        "nhs_number,family_name,given_name,date_of_birth,sex,postcode\n"
        "9990000018,Hewitt,Iris,1938-05-06,F,NR1 3AB\n"
    )
    assert mdtdesk("caseload", "import", "--store", cli_store, csv, env=UNLOCK).returncode == 0
    done = mdtdesk("info", "--store", cli_store, "--json", env=UNLOCK)
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert info["counts"]["patients"] == 1
    assert info["practice"] == {"ods_code": "D82044", "name": "Test Surgery"}
    assert info["schema_version"] == migrate.head_revision()
    assert info["users"][0]["name"] == USER
    assert "Hewitt" not in done.stdout and "9990000018" not in done.stdout


def test_passphrase_from_a_file(cli_store: Path, tmp_path: Path) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    done = mdtdesk("check", "--store", cli_store, "--passphrase-file", secret)
    assert done.returncode == 0, done.stderr
    assert "Audit chain:" in done.stdout and "ok" in done.stdout


def test_no_passphrase_and_no_terminal_says_how_to_give_one(cli_store: Path) -> None:
    done = mdtdesk("info", "--store", cli_store)
    assert done.returncode == 2
    assert "--passphrase-file" in done.stderr and "MDTDESK_PASSPHRASE" in done.stderr


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        (lambda d: None, "passphrase for Alex Carter is not right"),
        (lambda d: (d / "keys.json").unlink(), "is missing"),
        (lambda d: (d / "keys.json").write_text("{"), "is damaged"),
        (lambda d: (d / "store.db").write_bytes(b"\0" * 8192), "not an mdtdesk store"),
    ],
)
def test_each_failure_exits_2_with_its_message_and_changes_no_file(cli_store, spoil, says):
    spoil(cli_store)
    before = snapshot(cli_store)
    env = {"MDTDESK_PASSPHRASE": "wrong passphrase here" if says.startswith("pass") else PASSPHRASE}
    done = mdtdesk("info", "--store", cli_store, env=env)
    assert done.returncode == 2
    assert says in done.stderr and "Traceback" not in done.stderr
    after = snapshot(cli_store)
    after.pop("audit-pending.jsonl", None)  # a failed unlock is noted for the audit log
    assert after == before


def test_csv_problems_are_listed_and_exit_2(cli_store: Path, tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text(
        "nhs_number,family_name,given_name,date_of_birth,sex,postcode\n"
        "9990000019,Hewitt,Iris,1938-05-06,F,NR1 3AB\n"
        "9990000026,Nobbs,Walter,1935-07-06,M,nowhere\n"
    )
    done = mdtdesk("caseload", "import", "--store", cli_store, csv, env=UNLOCK)
    assert done.returncode == 2
    assert "line 2, column nhs_number" in done.stderr
    assert "line 3, column postcode" in done.stderr
    assert "nothing was imported" in done.stderr
    skipped = mdtdesk("caseload", "import", "--store", cli_store, csv, "--skip-invalid", env=UNLOCK)
    assert skipped.returncode == 0
    assert "0 new" in skipped.stdout


def test_export_then_import_round_trip(cli_store: Path, tmp_path: Path) -> None:
    csv = tmp_path / "in.csv"
    csv.write_text(
        "nhs_number,family_name,given_name,date_of_birth,sex,postcode,conditions\n"
        "9990000018,Hewitt,Iris,1938-05-06,F,NR1 3AB,COPD;Frailty\n"
    )
    mdtdesk("caseload", "import", "--store", cli_store, csv, env=UNLOCK)
    out = tmp_path / "out.csv"
    done = mdtdesk("caseload", "export", "--store", cli_store, "--out", out, env=UNLOCK)
    assert done.returncode == 0
    again = mdtdesk("caseload", "import", "--store", cli_store, out, env=UNLOCK)
    assert "0 new, 0 updated, 1 unchanged" in again.stdout


def test_passphrase_add_change_remove_and_recover(cli_store: Path, tmp_path: Path) -> None:
    added = mdtdesk(
        "passphrase",
        "add",
        "--store",
        cli_store,
        "--name",
        "Bea Jones",
        "--profession",
        "Nurse",
        env={**UNLOCK, "MDTDESK_NEW_PASSPHRASE": "bea's passphrase"},
    )
    assert added.returncode == 0, added.stderr
    bea = {"MDTDESK_PASSPHRASE": "bea's passphrase", "MDTDESK_USER": "Bea Jones"}
    assert mdtdesk("info", "--store", cli_store, env=bea).returncode == 0
    db_before = (cli_store / "store.db").read_bytes()
    changed = mdtdesk(
        "passphrase",
        "change",
        "--store",
        cli_store,
        env={**bea, "MDTDESK_NEW_PASSPHRASE": "bea's newer passphrase"},
    )
    assert changed.returncode == 0, changed.stderr
    assert (cli_store / "store.db").read_bytes() == db_before
    removed = mdtdesk(
        "passphrase",
        "remove",
        "--store",
        cli_store,
        "--name",
        "Bea Jones",
        "--user",
        USER,
        env=UNLOCK,
    )
    assert removed.returncode == 0, removed.stderr
    gone = mdtdesk(
        "info",
        "--store",
        cli_store,
        env={"MDTDESK_PASSPHRASE": "bea's newer passphrase", "MDTDESK_USER": "Bea Jones"},
    )
    assert gone.returncode == 2 and "no user called" in gone.stderr


def test_demo_builds_a_store_with_the_published_passphrase(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    done = mdtdesk("demo", "--store", folder, "--patients", "40", "--seed", "5")
    assert done.returncode == 0, done.stderr
    assert "Passphrase: mdt demo 2026" in done.stdout
    info = mdtdesk("info", "--store", folder, "--json", env={"MDTDESK_PASSPHRASE": "mdt demo 2026"})
    assert json.loads(info.stdout)["counts"]["patients"] == 40


def test_store_and_user_may_come_before_the_subcommand(cli_store: Path) -> None:
    done = mdtdesk("--store", cli_store, "--user", USER, "info", "--json", env=UNLOCK)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["store"] == str(cli_store)


@needs_posix
def test_the_passphrase_can_be_typed_at_a_prompt(cli_store: Path) -> None:
    import pty

    controller, terminal = pty.openpty()
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "mdtdesk", "info", "--store", str(cli_store), "--json"],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "MDTDESK_KDF_SECONDS": "0"},
            start_new_session=True,
        )
        assert child.stderr is not None
        # Type only once the prompt is shown: turning echo off flushes earlier input.
        shown = b""
        while b"Passphrase:" not in shown:
            chunk = os.read(child.stderr.fileno(), 100)
            assert chunk, "the command ended without asking for a passphrase"
            shown += chunk
        os.write(controller, (PASSPHRASE + "\n").encode())
        out, err = child.communicate(timeout=60)
    finally:
        os.close(controller)
        os.close(terminal)
    assert child.returncode == 0, err
    assert json.loads(out)["counts"]["patients"] == 0


def test_a_console_without_the_letters_still_says_what_was_done(tmp_path: Path) -> None:
    # Windows pipes are cp1252: Ł is not in it, and the command used to end in
    # UnicodeEncodeError after the store had been made.
    folder = tmp_path / "demo"
    done = mdtdesk(
        "demo", "--store", folder, "--patients", "5",
        env={"PYTHONIOENCODING": "cp1252", "MDTDESK_USER": "Łukasz Nowak"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "User: ?ukasz Nowak" in done.stdout
    assert "Traceback" not in done.stderr


def test_demo_and_init_take_the_user_from_mdtdesk_user(tmp_path: Path) -> None:
    demo = mdtdesk("demo", "--store", tmp_path / "demo", "--patients", "5",
                   env={"MDTDESK_USER": "Dr Ada Quill"})  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    made = mdtdesk(
        "init", "--store", tmp_path / "new", "--practice", "Y99990",
        "--practice-name", "Quill Surgery", "--profession", "GP",
        env={"MDTDESK_USER": "Dr Ada Quill", "MDTDESK_PASSPHRASE": "a long test phrase 2026"},
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    for folder, secret in ((tmp_path / "demo", "mdt demo 2026"),
                           (tmp_path / "new", "a long test phrase 2026")):  # fmt: skip
        env = {"MDTDESK_USER": "Dr Ada Quill", "MDTDESK_PASSPHRASE": secret}
        info = mdtdesk("info", "--store", folder, "--json", env=env)
        assert info.returncode == 0, info.stderr
        assert "Dr Ada Quill" in [u["name"] for u in json.loads(info.stdout)["users"]]


def test_init_takes_only_a_gp_practice_code(tmp_path: Path) -> None:
    done = mdtdesk("init", "--store", tmp_path / "s", "--practice", "hello", "--practice-name",
                   "P", "--user", USER, "--profession", "GP", env=UNLOCK)  # fmt: skip
    assert done.returncode == 2
    assert "not a GP practice code: that is a letter and five digits" in done.stderr
    assert not (tmp_path / "s").exists()
