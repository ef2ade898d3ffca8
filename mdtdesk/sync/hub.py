"""Hub stores: made like a practice store, marked as a hub, with sync keys from the start."""

from __future__ import annotations

from pathlib import Path

from mdtdesk.clock import Clock
from mdtdesk.store import lifecycle
from mdtdesk.store.keyfile import KdfCost
from mdtdesk.store.models import StoreMeta
from mdtdesk.sync import keys


def create_hub(
    folder: Path,
    *,
    name: str,
    user: str,
    profession: str,
    passphrase: str,
    clock: Clock,
    kdf_cost: KdfCost,
    code: str = "HUB",
) -> lifecycle.Created:
    created = lifecycle.create_store(
        folder,
        ods_code=code,
        practice_name=name,
        user=user,
        profession=profession,
        passphrase=passphrase,
        clock=clock,
        kdf_cost=kdf_cost,
    )
    with created.store.session() as s, s.begin():
        s.add(StoreMeta(key=keys.ROLE, value="hub"))
        keys.device_keys(s)
    return created
