"""A damaged store is named as damaged (never as another store's), `check` always
prints its whole report, and no command ends in a traceback or SQLCipher's log."""

from __future__ import annotations

import os
import random
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mdtdesk import nhs_number
from mdtdesk.caseload.csv_export import export_caseload
from mdtdesk.caseload.csv_import import import_caseload
from mdtdesk.cli.main import main
from mdtdesk.clock import FixedClock
from mdtdesk.demo.generator import populate
from mdtdesk.store import errors, lifecycle
from tests.helpers import FAST, PASSPHRASE, USER, from_template, needs_posix, new_store, snapshot

UNLOCK = {"MDTDESK_PASSPHRASE": PASSPHRASE, "MDTDESK_USER": USER}


@pytest.fixture
def filled(tmp_path: Path, clock: FixedClock) -> Path:
    folder = tmp_path / "store"

    def build(place: Path) -> lifecycle.Created:
        # Made afresh, not from new_store's template: its ids must be its own.
        made = lifecycle.create_store(
            place, ods_code="D82044", practice_name="Test Surgery", user=USER,
            profession="GP", passphrase=PASSPHRASE, clock=clock, kdf_cost=FAST,
        )  # fmt: skip
        populate(made.store, patients=60, seed=9)
        return made

    from_template(folder, ("filled", 60, 9), clock, build).store.close()
    return folder


def flip(db: Path, position: int, bit: int = 2) -> None:
    with open(db, "r+b") as f:
        f.seek(position)
        byte = f.read(1)[0]
        f.seek(position)
        f.write(bytes([byte ^ (1 << bit)]))


def run(capfd: pytest.CaptureFixture[str], monkeypatch, *args: str | Path) -> tuple[int, str, str]:
    for name, value in UNLOCK.items():
        monkeypatch.setenv(name, value)
    code = main([str(a) for a in args])
    out, err = capfd.readouterr()
    return code, out, err


def test_damage_to_page_1_is_damage_not_another_key_file(filled: Path, clock: FixedClock) -> None:
    flip(filled / "store.db", 100)
    with pytest.raises(errors.StoreDamaged, match=r"1 of \d+ pages: 1\)"):
        lifecycle.open_store(filled, user=USER, passphrase=PASSPHRASE, clock=clock)


def test_another_stores_key_file_is_named_as_such(
    filled: Path, tmp_path: Path, clock: FixedClock
) -> None:
    other = new_store(tmp_path / "other", clock).store
    other.close()
    (filled / "keys.json").write_bytes((tmp_path / "other" / "keys.json").read_bytes())
    with pytest.raises(errors.NotAStore, match="another key file"):
        lifecycle.open_store(filled, user=USER, passphrase=PASSPHRASE, clock=clock)


def test_check_always_prints_its_report_for_a_flipped_bit(
    filled: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch
) -> None:
    """One flipped bit used to crash check before its report in 25 of 30 trials."""
    rng = random.Random(9)
    size = (filled / "store.db").stat().st_size
    for trial in range(30):
        copy = tmp_path / f"t{trial}"
        shutil.copytree(filled, copy)
        flip(copy / "store.db", rng.randrange(4096, size), rng.randrange(8))
        code, out, err = run(capfd, monkeypatch, "check", "--store", copy)
        assert "Traceback" not in err and "ERROR CORE" not in err + out, f"trial {trial}"
        assert code == 1, f"trial {trial}: {out}{err}"
        assert "SQLCipher page check: FAILED" in out
        assert "Audit chain:" in out
        assert len(out.splitlines()) < 60
        for command in (("info",), ("caseload", "export", "--out", copy / "c.csv")):
            code, out, err = run(capfd, monkeypatch, *command, "--store", copy)
            assert "Traceback" not in err and "ERROR CORE" not in err, f"trial {trial}"
            assert code == 0 or (code == 2 and "store.db is damaged" in err), err
        shutil.rmtree(copy)


def test_a_store_is_private_and_leftovers_are_cleared(filled: Path, clock: FixedClock) -> None:
    os.chmod(filled / "store.db", 0o644)  # as stores made before this was enforced
    (filled / "store.db.rekey").write_bytes(b"left by a kill during a re-key")
    store = lifecycle.open_store(filled, user=USER, passphrase=PASSPHRASE, clock=clock)
    store.close()
    assert stat.S_IMODE((filled / "store.db").stat().st_mode) == 0o600
    assert not (filled / "store.db.rekey").exists()


def test_an_import_leaves_nothing_only_in_the_wal(filled: Path, tmp_path: Path, clock) -> None:
    store = lifecycle.open_store(filled, user=USER, passphrase=PASSPHRASE, clock=clock)
    try:
        export_caseload(store, tmp_path / "c.csv")
        import_caseload(store, tmp_path / "c.csv")
        wal = filled / "store.db-wal"
        assert not wal.exists() or wal.stat().st_size == 0
    finally:
        store.close()


def _limited(limit: int):
    def apply() -> None:
        import resource  # POSIX only: imported here so the module loads on Windows

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def no_room(limit: int, *args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A command whose writes past `limit` bytes of any file fail, as on a full disk."""
    return subprocess.run(
        [sys.executable, "-m", "mdtdesk", *map(str, args)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
        env={**os.environ, "MDTDESK_KDF_SECONDS": "0", **env}, preexec_fn=_limited(limit),
    )  # fmt: skip


@needs_posix
def test_a_full_disk_ends_each_command_in_one_line_with_nothing_changed(
    tmp_path: Path, clock: FixedClock
) -> None:
    filled = tmp_path / "store"
    store = new_store(filled, clock).store
    populate(store, patients=600, seed=9)
    store.close()

    big = tmp_path / "big.csv"
    rows = [
        f"{n},Family{i},Given{i},1940-01-01,F,NR1 3AB"
        for i, n in enumerate(nhs_number.synthetic_numbers(500))
        if i < 3000
    ]
    big.write_text("nhs_number,family_name,given_name,date_of_birth,sex,postcode\n"
                   + "\n".join(rows) + "\n")  # fmt: skip
    before = snapshot(filled)
    wanted = {
        ("caseload", "import", big): 400_000,
        ("caseload", "export", "--out", tmp_path / "out.csv"): 50_000,
    }
    for command, limit in wanted.items():
        done = no_room(limit, *command, "--store", filled, env=UNLOCK)
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and "no room left on the disk" in done.stderr
        assert not (tmp_path / "out.csv").exists()
    after = snapshot(filled)
    assert after["keys.json"] == before["keys.json"]
    # A wrong passphrase is still "wrong passphrase" when the journal cannot be written.
    (filled / "audit-pending.jsonl").write_bytes(b"\n" * 2000)
    done = no_room(1000, "info", "--store", filled,
                   env={**UNLOCK, "MDTDESK_PASSPHRASE": "not the passphrase"})  # fmt: skip
    assert done.returncode == 2 and "passphrase for Alex Carter is not right" in done.stderr
    # A passphrase change: the key file is left as it was.
    keys = (filled / "keys.json").read_bytes()
    done = no_room(1000, "passphrase", "change", "--store", filled,
                   env={**UNLOCK, "MDTDESK_NEW_PASSPHRASE": "a brand new passphrase"})  # fmt: skip
    assert done.returncode == 2 and "no room left on the disk" in done.stderr, done.stderr
    assert (filled / "keys.json").read_bytes() == keys
