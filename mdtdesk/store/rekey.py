"""Re-encrypting the database under a new key, sealed to exactly the slots that keep
access: crash-safe at every step, and never leaving a removed person both hidden and
able to open the store.

The order is what makes it safe:
1. the database is exported under the new key to `store.db.rekey`;
2. the key file gets the new generation for the slots that stay, while the slots that
   leave stay listed with the old key only (a crash here: everyone listed can still
   open, and the next unlock finishes the re-key);
3. `store.db.rekey` replaces `store.db` (from now on the old key opens nothing);
4. the key file drops the leaving slots and the old generation.
An unlock that finds the database older than the key file (a crash between 2 and 3)
re-keys again to the slots that hold the newest generation.
"""

from __future__ import annotations

import os

from mdtdesk.store import atomic, keyfile
from mdtdesk.store.engine import export_with_new_key, make_engine
from mdtdesk.store.keyfile import KeyFile, Slot
from mdtdesk.store.layout import StorePaths
from mdtdesk.store.opened import OpenStore


def write_keyfile(paths: StorePaths, kf: KeyFile) -> None:
    atomic.write_bytes(paths.keys, keyfile.dumps(kf), backup=paths.keys_backup)


def run(store: OpenStore, on_disk: KeyFile, keep: tuple[Slot, ...], current: int) -> KeyFile:
    """Re-key `store` (whose database uses generation `current`) to the `keep` slots.

    Slots of `on_disk` not in `keep` stay listed until step 3 is done.
    """
    paths = store.paths
    store_id = on_disk.store_id
    new_generation = max(on_disk.generation, current) + 1
    new_key = os.urandom(32)
    kept_ids = {s.slot_id for s in keep}
    leaving = tuple(s for s in on_disk.slots if s.slot_id not in kept_ids)
    paths.db_rekey.unlink(missing_ok=True)
    export_with_new_key(store.engine, paths.db_rekey, new_key)
    both = {current: store.db_key, new_generation: new_key}
    staged = (
        *(keyfile.seal_keys(s, store_id, both) for s in keep),
        *(keyfile.seal_keys(s, store_id, {current: store.db_key}) for s in leaving),
    )
    write_keyfile(paths, KeyFile(store_id, new_generation, staged))
    store.engine.dispose()
    for sidecar in paths.db_sidecars:
        sidecar.unlink(missing_ok=True)
    atomic.replace_file(paths.db_rekey, paths.db)
    final = tuple(keyfile.seal_keys(s, store_id, {new_generation: new_key}) for s in keep)
    kf = KeyFile(store_id, new_generation, final)
    write_keyfile(paths, kf)
    store.engine = make_engine(paths.db, new_key)
    store.db_key = new_key
    store.keyfile = kf
    store.rebind()
    store.checkpoint()
    return kf


def unfinished(kf: KeyFile, used: int) -> tuple[Slot, ...] | None:
    """The slots to re-key to when the database is older than the key file, else None."""
    if used >= kf.generation:
        return None
    return tuple(s for s in kf.slots if kf.generation in s.sealed_keys)
