"""Hubs, practices and enrolment for the sync tests."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, select

from mdtdesk.clock import Clock
from mdtdesk.demo.generator import populate
from mdtdesk.store import lifecycle
from mdtdesk.store.engine import make_engine
from mdtdesk.store.layout import StorePaths
from mdtdesk.store.models import RECORD_MODELS
from mdtdesk.store.opened import OpenStore
from mdtdesk.sync import enrol
from mdtdesk.sync.hub import create_hub
from mdtdesk.sync.wire import SPECS
from tests.helpers import FAST, PASSPHRASE, USER, from_template


def make_hub(folder: Path, clock: Clock) -> OpenStore:
    return from_template(
        folder, ("hub",), clock,
        lambda place: create_hub(
            place, name="Test Hub", user="Hub Lead", profession="Care coordinator",
            passphrase=PASSPHRASE, clock=clock, kdf_cost=FAST,
        ),
    ).store  # fmt: skip


def make_practice(
    folder: Path, clock: Clock, ods: str, patients: int = 0, first_number: int = 0
) -> OpenStore:
    def build(place: Path) -> lifecycle.Created:
        made = lifecycle.create_store(
            place, ods_code=ods, practice_name="Test Surgery", user=USER, profession="GP",
            passphrase=PASSPHRASE, clock=clock, kdf_cost=FAST,
        )  # fmt: skip
        if patients:
            populate(made.store, patients=patients, seed=3, first_number=first_number)
        return made

    return from_template(folder, ("practice", ods, patients, first_number), clock, build).store


def enrol_both(hub: OpenStore, practice: OpenStore) -> None:
    enrol.import_enrolment(practice, enrol.own_enrolment(hub))
    enrol.import_enrolment(hub, enrol.own_enrolment(practice))


def state(store: OpenStore, home: str | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced value and clock of every record (optionally one practice's only)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.session() as s:
        for model in RECORD_MODELS:
            table = cast(Table, model.__table__)
            spec = SPECS[table.name]
            query = select(
                table.c.id, table.c.created_at, *(table.c[f] for f in spec.fields), table.c.clocks
            ).order_by(table.c.id)
            if home is not None:
                query = query.where(table.c.home == home)
            out[table.name] = [tuple(r) for r in s.execute(query)]
    return out


def copy_open(store: OpenStore, folder: Path) -> OpenStore:
    """An independent copy of an open store, opened with the same key (no passphrase)."""
    store.engine.dispose()
    shutil.copytree(store.paths.folder, folder)
    paths = StorePaths(folder)
    return OpenStore(
        paths, make_engine(paths.db, store.db_key), store.keyfile, store.db_key,
        store.node_id, store.actor, store.clock,
    )  # fmt: skip


def reopen(folder: Path, clock: Clock) -> OpenStore:
    return lifecycle.open_store(folder, user=USER, passphrase=PASSPHRASE, clock=clock)
