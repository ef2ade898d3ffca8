"""Creating a store and unlocking it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, configure_mappers

from mdtdesk.clock import Clock
from mdtdesk.store import (
    atomic,
    audit,
    errors,
    journal,
    keyfile,
    layout,
    limits,
    lock,
    migrate,
    rekey,
)
from mdtdesk.store.audit import Actor
from mdtdesk.store.engine import KeyRejected, damaged_pages, make_engine
from mdtdesk.store.ids import new_id
from mdtdesk.store.keyfile import KdfCost, KeyFile, SlotLocked
from mdtdesk.store.layout import StorePaths
from mdtdesk.store.models import Practice, StaffMember, StoreMeta
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.passphrases import check_passphrase
from mdtdesk.store.recovery_key import decode as decode_recovery_key
from mdtdesk.store.recovery_key import generate as generate_recovery_key
from mdtdesk.store.vocab import ORGANISATION_TYPE

_ODS = re.compile(r"^[A-Z0-9]{3,6}$")


def check_ods_code(ods_code: str) -> str:
    """The ODS code in capitals, or StoreError saying what is wrong with it."""
    ods = ods_code.strip().upper()
    if not _ODS.match(ods):
        raise errors.StoreError(f"ODS code {ods_code!r} is not 3 to 6 letters and digits.")
    return ods


_PRACTICE = re.compile(r"^[A-Z][0-9]{5}$")


def check_practice_code(ods_code: str) -> str:
    """A GP practice's ODS code (a letter and five digits, as D82044) in capitals. Hubs
    and other organisations have other ODS forms, which check_ods_code takes."""
    ods = check_ods_code(ods_code)
    if not _PRACTICE.match(ods):
        raise errors.StoreError(
            f"ODS code {ods_code.strip()!r} is not a GP practice code: that is a letter and "
            "five digits, as D82044."
        )
    return ods


@dataclass
class Created:
    store: OpenStore
    recovery_key: str


def create_store(
    folder: Path,
    *,
    ods_code: str,
    practice_name: str,
    user: str,
    profession: str,
    passphrase: str,
    clock: Clock,
    kdf_cost: KdfCost,
    organisation_type: str = "health",
) -> Created:
    """A new, empty store with one administrator and a recovery key (shown once)."""
    ods = check_ods_code(ods_code)
    for label, value, limit in (
        ("practice name", practice_name, 200),
        ("user", user, 200),
        ("profession", profession, 100),
    ):
        if not value.strip():
            raise errors.StoreError(f"The {label} is empty.")
        problem = limits.text_problem(value.strip(), limit)
        if problem is not None:
            raise limits.ValueRefused(f"The {label} {problem}.")
    if organisation_type not in ORGANISATION_TYPE:
        raise errors.StoreError(f"Unknown organisation type {organisation_type!r}.")
    check_passphrase(passphrase, (user, practice_name, ods_code))
    paths = StorePaths(folder)
    if paths.db.exists():
        raise errors.StoreExists(f"There is already a store in {folder}: nothing was changed.")
    # Owner-only, whatever the umask: a folder that others can list shows who has a
    # store here and when it was last used. A folder the person made and left empty
    # for the store is tightened too; one already holding other files is left alone.
    made_here = not folder.exists() or not any(folder.iterdir())
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if made_here:
        os.chmod(folder, 0o700)

    db_key = os.urandom(32)
    store_id, node_id, staff_id = new_id(), new_id(), new_id()
    actor = Actor(staff_id, user.strip())
    building = paths.folder / f"{layout.DB_NAME}.creating"
    building.unlink(missing_ok=True)
    engine: Engine | None = None
    try:
        engine = make_engine(building, db_key)
        migrate.upgrade(engine)
        store = OpenStore(paths, engine, _placeholder(store_id), db_key, node_id, actor, clock)
        with store.session() as s, s.begin():
            s.add_all(
                [
                    StoreMeta(key="store_id", value=store_id),
                    StoreMeta(key="node_id", value=node_id),
                    StoreMeta(key="created_at", value=clock.now().isoformat()),
                ]
            )
            s.add(Practice(ods_code=ods, name=practice_name.strip()))
            s.add(
                StaffMember(
                    id=staff_id,
                    name=user.strip(),
                    profession=profession.strip(),
                    organisation_type=organisation_type,
                    app_role="admin",
                )
            )
            audit.log(s, "key_change", detail="store created", user=user.strip())
        engine.dispose()
        engine = None
        recovery_key = generate_recovery_key()
        cost = kdf_cost.tune()
        created_at = clock.now().isoformat()
        slots = (
            keyfile.new_slot(
                store_id=store_id,
                slot_id=new_id(),
                kind="passphrase",
                user=user.strip(),
                staff_id=staff_id,
                created_at=created_at,
                secret=keyfile.passphrase_secret(passphrase),
                cost=cost,
                db_keys={1: db_key},
            ),
            keyfile.new_slot(
                store_id=store_id,
                slot_id=new_id(),
                kind="recovery",
                user=None,
                staff_id=None,
                created_at=created_at,
                secret=decode_recovery_key(recovery_key),
                cost=cost,
                db_keys={1: db_key},
            ),
        )
        kf = KeyFile(store_id=store_id, generation=1, slots=slots)
        # The key file first, the database last: a store.db never exists without keys.
        atomic.write_bytes(paths.keys, keyfile.dumps(kf))
        atomic.replace_file(building, paths.db)
    except BaseException:
        if engine is not None:
            engine.dispose()
        for leftover in (building, *_sidecars(building)):
            leftover.unlink(missing_ok=True)
        raise
    # Opened with the key it was just made with: deriving it again from the passphrase
    # cost a third Argon2id run (about 0.25 s at the floor, 0.5 s tuned) for nothing.
    return Created(_open_with_keys(paths, {1: db_key}, actor, clock, "app", 0.0), recovery_key)


def _sidecars(db: Path) -> tuple[Path, Path]:
    return db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")


def _placeholder(store_id: str) -> KeyFile:
    return KeyFile(store_id=store_id, generation=1, slots=())


def read_keyfile(paths: StorePaths) -> KeyFile:
    if not paths.folder.is_dir() or not paths.db.exists():
        raise errors.NoStore(
            f"There is no store in {paths.folder}: create one with 'mdtdesk init' "
            "or give the right folder with --store."
        )
    try:
        data = paths.keys.read_bytes()
    except FileNotFoundError:
        hint = (
            f" A backup, {paths.keys_backup.name}, is there: copy it to {paths.keys.name}"
            " to try it."
            if paths.keys_backup.exists()
            else " Restore it from your backup; without it the store cannot be opened."
        )
        raise errors.KeyFileMissing(f"The key file {paths.keys} is missing.{hint}") from None
    try:
        return keyfile.loads(data)
    except keyfile.KeyFileFormatError as exc:
        raise errors.KeyFileDamaged(
            f"The key file {paths.keys} is damaged: {exc}. Restore it from "
            f"{paths.keys_backup.name} or your backup; nothing was changed."
        ) from exc


def open_store(
    folder: Path,
    *,
    user: str,
    passphrase: str,
    clock: Clock,
    purpose: str = "app",
    wait: float = 0.0,
) -> OpenStore:
    """Unlock with a staff passphrase. Each failure raises its own StoreError.

    The open store holds the store's lock (see lock.py): `purpose` says who holds it
    ("app" or "command") and `wait` how long to wait for another holder to finish.
    """
    paths = StorePaths(folder)
    kf = read_keyfile(paths)
    slot = kf.passphrase_slot(user)
    if slot is None:
        names = ", ".join(kf.users()) or "none"
        raise errors.UnknownUser(
            f"There is no user called {user!r} in this store (users: {names})."
        )
    try:
        private = keyfile.open_slot(slot, kf.store_id, keyfile.passphrase_secret(passphrase))
    except SlotLocked:
        journal.note(paths, kf.store_id, "failed_unlock", slot.user or user, clock.now())
        raise errors.WrongPassphrase(
            f"The passphrase for {slot.user} is not right. Check Caps Lock and try again."
        ) from None
    keys = {}
    for generation in slot.sealed_keys:
        try:
            keys[generation] = keyfile.unseal(slot, kf.store_id, private, generation)
        except SlotLocked:
            continue
    if not keys:
        raise errors.KeyFileDamaged(f"The key slot for {slot.user} in {paths.keys} is damaged.")
    actor = Actor(slot.staff_id, slot.user or user)
    return _open_with_keys(paths, keys, actor, clock, purpose, wait)


def open_with_recovery_key(
    folder: Path, recovery_key: str, clock: Clock, wait: float = 0.0
) -> OpenStore:
    """Unlock with the recovery key, acting as 'recovery key' until a user is chosen."""
    paths = StorePaths(folder)
    kf = read_keyfile(paths)
    slot = kf.recovery_slot()
    if slot is None:
        raise errors.KeyFileDamaged(f"The key file {paths.keys} has no recovery slot.")
    try:
        secret = decode_recovery_key(recovery_key)
        private = keyfile.open_slot(slot, kf.store_id, secret)
    except ValueError as exc:
        raise errors.WrongRecoveryKey(f"That recovery key is not valid: {exc}.") from None
    except SlotLocked:
        journal.note(paths, kf.store_id, "failed_unlock", "recovery key", clock.now())
        raise errors.WrongRecoveryKey("That recovery key does not open this store.") from None
    keys = {g: keyfile.unseal(slot, kf.store_id, private, g) for g in slot.sealed_keys}
    return _open_with_keys(paths, keys, Actor(None, "recovery key"), clock, "command", wait)


def _open_with_keys(
    paths: StorePaths,
    keys: dict[int, bytes],
    actor: Actor,
    clock: Clock,
    purpose: str,
    wait: float,
) -> OpenStore:
    lock.acquire(paths, purpose, wait)
    try:
        # The key file is read again under the lock: another holder may have re-keyed.
        return _open_locked(paths, read_keyfile(paths), keys, actor, clock, purpose)
    except BaseException:
        lock.release(paths)
        raise


def _open_locked(
    paths: StorePaths,
    kf: KeyFile,
    keys: dict[int, bytes],
    actor: Actor,
    clock: Clock,
    purpose: str,
) -> OpenStore:
    engine = None
    used = 0
    for generation in sorted(keys, reverse=True):
        try:
            engine = make_engine(paths.db, keys[generation])
        except KeyRejected:
            continue
        used = generation
        break
    if engine is None:
        bad, pages = damaged_pages(paths.db, keys[max(keys)])
        if len(bad) < pages:
            raise _damaged(bad, pages)
        raise errors.NotAStore(
            f"{paths.db} cannot be read with this store's key: it is not an mdtdesk store, "
            "it belongs to another key file, or it is damaged throughout. Nothing was changed."
        )
    try:
        return _open_engine(paths, engine, kf, keys, used, actor, clock, purpose)
    except DBAPIError as exc:
        engine.dispose()
        refusal = errors.for_people(exc)
        if isinstance(refusal, errors.DiskFull):
            raise refusal from None
        raise _damaged(*damaged_pages(paths.db, keys[used])) from None
    except BaseException:
        engine.dispose()
        raise


def _damaged(bad: list[int], pages: int) -> errors.StoreDamaged:
    if not bad:
        return errors.StoreDamaged(errors.DAMAGED.format(what="its structure is broken"))
    shown = ", ".join(map(str, bad[:10])) + (" …" if len(bad) > 10 else "")
    return errors.StoreDamaged(errors.DAMAGED.format(what=f"{len(bad)} of {pages} pages: {shown}"))


def _open_engine(
    paths: StorePaths,
    engine: Engine,
    kf: KeyFile,
    keys: dict[int, bytes],
    used: int,
    actor: Actor,
    clock: Clock,
    purpose: str,
) -> OpenStore:
    for path in (paths.db, *paths.db_sidecars):
        if path.exists():
            os.chmod(path, 0o600)  # stores made before 0600 was enforced
    node_id = _check_is_store(engine, paths, kf)
    try:
        migrate.upgrade(engine)
    except migrate.SchemaTooNew as exc:
        raise errors.StoreTooNew(
            f"This store was written by a newer version of mdtdesk (schema {exc.found}; "
            f"this app knows up to {exc.newest_known}). Update mdtdesk to open it; "
            "nothing was changed."
        ) from None
    keep = rekey.unfinished(kf, used)
    if keep is None and (len(keys) > 1 or used != kf.generation):
        kf = _finish_interrupted_rekey(paths, kf, used)
    store = OpenStore(paths, engine, kf, keys[used], node_id, actor, clock)
    if keep is not None:
        # A re-key stopped before the database was replaced: finish it, so a slot
        # that was leaving can no longer open the store.
        rekey.run(store, kf, keep, used)
    paths.db_rekey.unlink(missing_ok=True)
    if purpose == "check":
        return store  # a check reads a damaged store; it writes nothing to it
    _record_unlock(store)
    store.practice()  # read here, off the GUI thread, for the window's title
    return store


def warm_up() -> None:
    """What every unlock would otherwise do first, done while the user types: set up
    the ORM's mappers (most of 90 ms of the first unlock; a current store's schema is
    now checked without reading the migration scripts)."""
    configure_mappers()


def _check_is_store(engine: Engine, paths: StorePaths, kf: KeyFile) -> str:
    tables = set(inspect(engine).get_table_names())
    if not {"alembic_version", "store_meta"} <= tables:
        raise errors.NotAStore(f"{paths.db} is an encrypted database but not an mdtdesk store.")
    with engine.connect() as conn:
        meta = dict(conn.execute(select(StoreMeta.key, StoreMeta.value)).all())
    if meta.get("store_id") != kf.store_id:
        raise errors.NotAStore(f"{paths.db} belongs to a different key file than {paths.keys}.")
    return meta["node_id"]


def _finish_interrupted_rekey(paths: StorePaths, kf: KeyFile, used: int) -> KeyFile:
    """A re-key stopped part-way: keep only the generation the database really uses."""
    slots = tuple(
        keyfile.replace_sealed(s, {used: s.sealed_keys[used]})
        for s in kf.slots
        if used in s.sealed_keys
    )
    fixed = KeyFile(store_id=kf.store_id, generation=used, slots=slots)
    atomic.write_bytes(paths.keys, keyfile.dumps(fixed), backup=paths.keys_backup)
    paths.db_rekey.unlink(missing_ok=True)
    return fixed


def _record_unlock(store: OpenStore) -> None:
    with store.session() as s, s.begin():
        key = _journal_key(s)
        taken = journal.take(store.paths, key)
        for event in taken.events:
            action = event.pop("action")
            audit.log(s, action, journal=True, **event)
        if taken.set_aside or taken.bytes_unread:
            audit.log(s, "failed_unlock", journal=True, set_aside=taken.summary)
        audit.log(s, "unlock")
    journal.remember_key(store.keyfile.store_id, key)
    journal.set_aside(store.paths, taken)


def _journal_key(session: Session) -> bytes:
    row = session.get(StoreMeta, "journal_key")
    if row is None:
        row = StoreMeta(key="journal_key", value=os.urandom(32).hex())
        session.add(row)
    return bytes.fromhex(row.value)
