"""Damaged and forged sync files are refused quickly, recorded, and stop nothing else.

The corpus is built from a real file (tests/torture/sync_mutants.py); CI takes every
kind once plus a few at random, `make torture` takes hundreds.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyrage
import pytest
from sqlalchemy import func, select

from mdtdesk.clock import FixedClock
from mdtdesk.store import lifecycle
from mdtdesk.store.models import StoreMeta
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.sync_tables import SyncFile
from mdtdesk.sync import keys
from mdtdesk.sync.export import export_for_hub
from mdtdesk.sync.fileformat import SyncRefused
from mdtdesk.sync.importing import import_file
from tests.core.test_cli import mdtdesk
from tests.core.test_sync_files import identity
from tests.helpers import PASSPHRASE
from tests.sync_helpers import enrol_both, make_hub, make_practice, state
from tests.torture import sync_mutants


@dataclass
class World:
    hub: OpenStore
    a: OpenStore
    folder: Path
    good: Path


@pytest.fixture
def world(tmp_path: Path, clock: FixedClock) -> Iterator[World]:
    hub = make_hub(tmp_path / "hub", clock)
    a = make_practice(tmp_path / "a", clock, "A81001", patients=8)
    enrol_both(hub, a)
    good = export_for_hub(a, tmp_path / "a1.mdtsync").path
    yield World(hub, a, tmp_path, good)
    hub.close()
    a.close()


def refusals(store: OpenStore) -> int:
    with store.session() as s:
        query = select(func.count()).select_from(SyncFile).where(SyncFile.outcome == "refused")
        return s.execute(query).scalar_one()


def change_seq(store: OpenStore) -> str | None:
    with store.session() as s:
        return s.get(StoreMeta, "change_seq").value


def source(world: World) -> sync_mutants.Source:
    with world.a.session() as s, s.begin():
        device = keys.device_keys(s)
    return sync_mutants.open_source(world.good, identity(world.hub), device.sign)


def test_every_kind_of_damaged_or_forged_file_is_refused_in_seconds(world: World) -> None:
    mutants = sync_mutants.build(source(world), world.folder / "corpus", count=24, seed=16)
    assert len({m.kind for m in mutants}) == 10
    before = state(world.hub)
    for n, mutant in enumerate(mutants, start=1):
        started = time.perf_counter()
        with pytest.raises(SyncRefused):
            import_file(world.hub, mutant.path)
        took = time.perf_counter() - started
        assert took < 10, f"{mutant.path.name} took {took:.1f} s to refuse"
        assert refusals(world.hub) == n, f"{mutant.path.name} was not recorded"
    assert state(world.hub) == before
    # And the real file still goes in after all of them.
    assert import_file(world.hub, world.good).outcome == "applied"


def test_a_forged_bomb_is_refused_before_its_payload_is_read(world: World) -> None:
    """64 MiB of newlines in a 66 KB file ran for 590 s when the manifest came last."""
    [bomb] = sync_mutants.build(source(world), world.folder / "c", count=1, seed=1, big=True)
    assert bomb.path.stat().st_size < 200_000
    started = time.perf_counter()
    with pytest.raises(SyncRefused, match="signature is not"):
        import_file(world.hub, bomb.path)
    assert time.perf_counter() - started < 2


def test_a_signed_file_that_understates_its_payload_stops_where_it_said(world: World) -> None:
    src = source(world)
    path = world.folder / "understated.mdtsync"
    plain = sync_mutants.understated(src, random.Random(1), big=True)
    path.write_bytes(pyrage.encrypt(plain, [src.recipient]))
    with pytest.raises(SyncRefused, match="larger than its manifest says"):
        import_file(world.hub, path)


def test_hub_merge_of_a_bad_file_then_a_good_one_takes_the_good_one(world: World) -> None:
    [bad] = sync_mutants.build(source(world), world.folder / "c", count=1, seed=2)
    seq = change_seq(world.hub)
    hub_folder = world.hub.paths.folder
    world.hub.close()
    done = mdtdesk(
        "hub", "merge", "--store", hub_folder, bad.path, world.good,
        env={"MDTDESK_PASSPHRASE": PASSPHRASE, "MDTDESK_USER": "Hub Lead"},
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    [refusal] = [line for line in done.stderr.splitlines() if "was refused" in line]
    assert bad.path.name in refusal
    assert "a1.mdtsync: file 1 from Test Surgery" in done.stdout
    hub = lifecycle.open_store(
        hub_folder, user="Hub Lead", passphrase=PASSPHRASE, clock=world.hub.clock
    )
    try:
        assert change_seq(hub) != seq
        assert refusals(hub) == 1
    finally:
        hub.close()


def test_every_bad_value_the_corpus_uses_is_one_the_wire_refuses() -> None:
    """A corpus value the wire takes would make a 'bad' record a good one (True for a
    yes/no field did, found by `make torture`: the file was applied)."""
    from mdtdesk.sync.wire import SPECS

    for name, spec in SPECS.items():
        for i, field in enumerate(spec.fields):
            for value in sync_mutants._BAD_VALUES[sync_mutants._kind(name, field)]:
                with pytest.raises(ValueError):
                    spec.converters[i](value)
