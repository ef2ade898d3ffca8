"""Backup and restore of a whole store in one file (issue 19).

A backup is a consistent snapshot of the database (its files copied as they are under
the write lock, so another connection's writes wait for it), still encrypted with the
store's database key, together with the store's key file. It therefore opens only with a
passphrase of the store or its recovery key, as the store itself does.

The file:
  MAGIC                      16 bytes
  header length              4 bytes, big-endian
  header                     JSON: format, store id, when, schema, the database's
                             size and SHA-256, the key file (base64)
  MAC                        32 bytes: HMAC-SHA256 of everything above, under a key
                             derived from the database key (so only a holder of the
                             key could have made it)
  database                   the snapshot's bytes

A backup is written to a temporary file and moved over the old one when complete and
verified, so a backup killed half way leaves the previous one as it was. A restore
checks the whole file before it writes anything, builds the store in a hidden folder
beside the new one, opens and checks it there, and only then gives it its name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import shutil
import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlcipher3
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select

from mdtdesk.clock import Clock, short_day
from mdtdesk.store import atomic, audit, errors, keyfile, lifecycle
from mdtdesk.store.check import check_store
from mdtdesk.store.engine import WRITE_NOW, raw_key_literal
from mdtdesk.store.layout import StorePaths
from mdtdesk.store.models import AuditEvent
from mdtdesk.store.opened import OpenStore

MAGIC = b"MDTDESK BACKUP\x00\x01"
FORMAT = 1
_MAX_HEADER = 1 << 20
_CHUNK = 1 << 20
SNAPSHOT_DIR = ".backup-snapshot"

Progress = Callable[[int], None]  # told the index in STEPS of the step begun
# What a backup does, in order.
STEPS = (
    "Taking a snapshot of the store…",
    "Writing the backup…",
    "Checking the backup as written…",
)


class BackupRefused(errors.StoreError):
    """A backup file that is not whole, not a backup, or not this store's to open;
    nothing was written."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: str
    size: int
    patients: int


@dataclass(frozen=True)
class _Parsed:
    header: dict[str, Any]
    signed: bytes  # the bytes the MAC covers
    mac: bytes
    db_offset: int


def _mac_key(db_key: bytes, store_id: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=store_id.encode(), info=b"mdtdesk backup 1"
    ).derive(db_key)


def _mac(db_key: bytes, store_id: str, signed: bytes) -> bytes:
    return hmac.new(_mac_key(db_key, store_id), signed, hashlib.sha256).digest()


def _snapshot(store: OpenStore, target: Path) -> tuple[int, str]:
    """A consistent copy of the database at target, encrypted with the same key;
    returns the number of people in it and its schema version.

    The files are copied as they are, pages still encrypted, while this connection
    holds the write lock, so no other connection can change them meanwhile (writes
    wait, a few tenths of a second at 10,000 patients). Re-encrypting every page
    through sqlcipher_export or SQLite's backup API took 2-3 s there."""
    raw = store.engine.raw_connection()
    wal = target.with_name(f"{target.name}-wal")
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            shutil.copyfile(store.paths.db, target)
            if store.paths.db_sidecars[0].exists():
                shutil.copyfile(store.paths.db_sidecars[0], wal)
        finally:
            cursor.execute("ROLLBACK")
            cursor.close()
    finally:
        raw.close()
    return _verify_database(target, store.db_key)


def _verify_database(path: Path, key: bytes) -> tuple[int, str]:
    """Every page opens with the key and the structure is whole; the people counted
    and the schema version read."""
    connection = sqlcipher3.connect(str(path))
    try:
        connection.execute(f'PRAGMA key = "{raw_key_literal(key)}"')
        # Fold the copied log into the file, so the backup is one file.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
        # Reads every page of every table and index, so a page that does not decrypt
        # and authenticate fails here too.
        whole = [r[0] for r in connection.execute("PRAGMA quick_check")]
        if whole != ["ok"]:
            raise BackupRefused(
                "The snapshot taken for the backup did not read back whole "
                f"({whole[0]}); no backup was written. Run 'mdtdesk check'."
            )
        patients = connection.execute("SELECT count(*) FROM patient").fetchone()[0]
        schema = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return int(patients), str(schema[0]) if schema else ""
    except sqlcipher3.DatabaseError as exc:
        raise BackupRefused(
            f"The snapshot taken for the backup cannot be read ({exc}); no backup was "
            "written. Run 'mdtdesk check'."
        ) from None
    finally:
        connection.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def backup(store: OpenStore, out: Path, progress: Progress | None = None) -> BackupInfo:
    """Write a verified backup of the open store to out (replacing an older one only
    when the new one is whole)."""
    say = progress or (lambda _step: None)
    if not out.parent.is_dir():
        raise errors.CannotWrite(
            f"The folder {out.parent} does not exist, so no backup was written there."
        )
    if out.resolve().is_relative_to(store.paths.folder.resolve()):
        raise errors.CannotWrite(
            "A backup inside the store's own folder would be lost with it: choose "
            "another folder (another disk, or a USB stick)."
        )
    work = store.paths.folder / SNAPSHOT_DIR
    shutil.rmtree(work, ignore_errors=True)  # left by a backup that was killed
    work.mkdir(mode=0o700)
    partial = out.with_name(f".{out.name}.partial")
    try:
        say(0)
        snap = work / "snapshot.db"
        patients, schema = _snapshot(store, snap)
        say(1)
        taken_at = store.clock.now().isoformat()
        header = {
            "format": FORMAT,
            "store_id": store.store_id,
            "taken_at": taken_at,
            "schema": schema,
            "db_bytes": snap.stat().st_size,
            "db_sha256": _sha256(snap),
            "keys": base64.b64encode(store.paths.keys.read_bytes()).decode("ascii"),
        }
        text = json.dumps(header, sort_keys=True).encode("utf-8")
        signed = MAGIC + struct.pack(">I", len(text)) + text
        partial.unlink(missing_ok=True)
        with atomic.open_private(partial) as handle, open(snap, "rb") as source:
            handle.write(signed + _mac(store.db_key, store.store_id, signed))
            shutil.copyfileobj(source, handle, _CHUNK)
            handle.flush()
            os.fsync(handle.fileno())
        say(2)
        parsed = _parse(partial)
        _check_mac(parsed, store.db_key, partial)
        if parsed.header["db_sha256"] != header["db_sha256"]:
            raise BackupRefused(f"{out.name} did not read back as written; no backup was kept.")
        atomic.replace_file(partial, out)
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    _audit_backup(store, out.name, patients)
    return BackupInfo(out, taken_at, out.stat().st_size, patients)


def _audit_backup(store: OpenStore, name: str, patients: int) -> None:
    with store.session() as s, s.begin():
        # The app may be writing on another connection while the backup ran.
        s.connection(execution_options={WRITE_NOW: True})
        audit.log(s, "export", entity="backup", file=name, patients=patients)


def _parse(path: Path) -> _Parsed:
    """The backup's parts, checked for shape and against its checksum (which needs no
    key); the MAC is checked once the key is known."""
    name = path.name
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            start = handle.read(len(MAGIC) + 4)
            if len(start) < len(MAGIC) + 4 or not start.startswith(MAGIC):
                raise BackupRefused(f"{name} is not an mdtdesk backup (it does not begin as one).")
            (length,) = struct.unpack(">I", start[len(MAGIC) :])
            if length > _MAX_HEADER:
                raise BackupRefused(f"{name} is damaged: its header says it is {length:,} bytes.")
            text = handle.read(length)
            mac = handle.read(32)
            if len(text) < length or len(mac) < 32:
                raise BackupRefused(f"{name} is cut short: it ends inside its header.")
            try:
                header = json.loads(text)
                expected = int(header["db_bytes"])
                checksum = str(header["db_sha256"])
                if header["format"] != FORMAT:
                    raise BackupRefused(
                        f"{name} is a backup in format {header['format']}, which this "
                        f"version of mdtdesk cannot read (it reads format {FORMAT})."
                    )
            except (ValueError, KeyError, TypeError):
                raise BackupRefused(f"{name} is damaged: its header cannot be read.") from None
            offset = len(start) + length + 32
            held = size - offset
            if held != expected:
                how = "cut short" if held < expected else "longer than it should be"
                raise BackupRefused(
                    f"{name} is {how}: it should hold {expected:,} bytes of the store, "
                    f"and holds {held:,}. Nothing was restored from it."
                )
            digest = hashlib.sha256()
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise BackupRefused(f"{name} cannot be read: {exc.strerror}.") from None
    if digest.hexdigest() != checksum:
        raise BackupRefused(
            f"{name} is damaged: the store inside it does not match its checksum "
            "(a byte was changed or lost). Nothing was restored from it."
        )
    return _Parsed(header, start + text, mac, offset)


def _check_mac(parsed: _Parsed, db_key: bytes, path: Path) -> None:
    expected = _mac(db_key, str(parsed.header["store_id"]), parsed.signed)
    if not hmac.compare_digest(expected, parsed.mac):
        raise BackupRefused(
            f"{path.name} was not made by this store, or its header was changed. "
            "Nothing was restored from it."
        )


@dataclass(frozen=True)
class BackupFile:
    """A backup read and checked whole (shape, size, checksum), with the key file
    inside it: who can open it."""

    path: Path
    parsed: _Parsed
    key_file: bytes
    keys: keyfile.KeyFile


def read(path: Path) -> BackupFile:
    parsed = _parse(path)
    try:
        data = base64.b64decode(parsed.header["keys"], validate=True)
        return BackupFile(path, parsed, data, keyfile.loads(data))
    except (ValueError, keyfile.KeyFileFormatError):
        raise BackupRefused(
            f"{path.name} is damaged: the key file inside it cannot be read."
        ) from None


@dataclass(frozen=True)
class Restored:
    folder: Path
    taken_at: str
    patients: int


def restore(
    source: Path | BackupFile,
    folder: Path,
    clock: Clock,
    *,
    user: str | None = None,
    passphrase: str | None = None,
    recovery_key: str | None = None,
) -> Restored:
    """Make a new store at folder from a backup (a path, or a file already read),
    opened with a user's passphrase or the recovery key, and checked before it is
    given its name."""
    held = source if isinstance(source, BackupFile) else read(source)
    path, parsed = held.path, held.parsed
    check_target(folder)
    building = folder.with_name(f".{folder.name}.restoring")
    shutil.rmtree(building, ignore_errors=True)  # left by a restore that was killed
    building.mkdir(mode=0o700, parents=False)
    try:
        paths = StorePaths(building)
        with atomic.open_private(paths.keys) as handle:
            handle.write(held.key_file)
        with atomic.open_private(paths.db) as out, open(path, "rb") as stored:
            stored.seek(parsed.db_offset)
            shutil.copyfileobj(stored, out, _CHUNK)
            out.flush()
            os.fsync(out.fileno())
        store = _open(building, clock, user, passphrase, recovery_key)
        with store:
            _check_mac(parsed, store.db_key, path)
            report = check_store(store)
            if not report.ok:
                raise BackupRefused(
                    f"The store inside {path.name} does not pass its check "
                    f"({len(report.cipher_problems)} page, {len(report.integrity_problems)} "
                    f"structure and {len(report.audit_problems)} audit problems). "
                    "Nothing was restored from it."
                )
            with store.session() as s, s.begin():
                people = s.connection().exec_driver_sql("SELECT count(*) FROM patient")
                patients = int(people.scalar_one())
                audit.log(s, "import", entity="backup", file=path.name,
                          taken_at=parsed.header["taken_at"])  # fmt: skip
        if folder.exists():
            folder.rmdir()
        os.replace(building, folder)
        atomic.fsync_dir(folder.parent)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return Restored(folder, str(parsed.header["taken_at"]), patients)


def check_target(folder: Path) -> None:
    """A restore makes a new store: never over files already there."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise errors.StoreExists(
            f"{folder} already holds files: restore into a new folder, so that nothing "
            "there is overwritten."
        )
    if not folder.parent.is_dir():
        raise errors.CannotWrite(f"The folder {folder.parent} does not exist: make it first.")


def _open(
    folder: Path,
    clock: Clock,
    user: str | None,
    passphrase: str | None,
    recovery_key: str | None,
) -> OpenStore:
    if recovery_key is not None:
        return lifecycle.open_with_recovery_key(folder, recovery_key, clock)
    if user is None or passphrase is None:
        raise ValueError("a user and passphrase, or the recovery key")
    return lifecycle.open_store(folder, user=user, passphrase=passphrase, clock=clock)


def last_backup(store: OpenStore) -> datetime | None:
    """When this store's newest backup was taken (from its audit log)."""
    with store.session() as s:
        at = s.execute(
            select(AuditEvent.at)
            .where(AuditEvent.action == "export", AuditEvent.entity == "backup")
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        ).scalar_one_or_none()
    return at


def reminder(at: datetime | None, now: datetime, remind_after_days: int) -> tuple[str, bool]:
    """What to say of the store's last backup, and whether one is due."""
    if at is None:
        return ("No backup yet: back up to another disk or a USB stick (Ctrl+Shift+B).", True)
    # Calendar days on the local clock: a backup at 23:00 was "yesterday" at 08:00.
    taken = at.astimezone().date()
    days = max(0, (now.astimezone().date() - taken).days)
    when = {0: "today", 1: "yesterday"}.get(days, f"{days} days ago")
    due = days >= remind_after_days
    text = f"Last backup {when} ({short_day(taken)})."
    if due:
        text += (f" That is over {remind_after_days} day{'s' if remind_after_days > 1 else ''}"
                 ": back up now (Ctrl+Shift+B).")  # fmt: skip
    return text, due
