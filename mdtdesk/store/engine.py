"""The SQLCipher engine: keyed with a raw 256-bit key, WAL, synchronous=FULL.

SQLite pragmas live here and only here, so a hub can run the same models on
PostgreSQL.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError
from sqlalchemy.pool import QueuePool

_PRAGMAS = (
    # SQLCipher writes every page it cannot decrypt to stderr (hundreds of lines for
    # one damaged store); the damage is reported by the app instead.
    "PRAGMA cipher_log_level = NONE",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    # Sorts and temporary tables stay in memory, never in a temp file on disk.
    "PRAGMA temp_store = MEMORY",
    "PRAGMA busy_timeout = 5000",
    # 64 MiB of decrypted pages (the default is 8 MiB): a 10,000-person store's worklist
    # and caseload then stay in memory instead of being decrypted again on every read.
    "PRAGMA cache_size = -65536",
)


WRITE_NOW = "mdtdesk_write_now"  # Session.connection(execution_options={WRITE_NOW: True})

_PAGE = re.compile(r"page (\d+)")


class KeyRejected(Exception):
    """SQLCipher could not read the database with this key (or it is not SQLCipher)."""


def raw_key_literal(key: bytes) -> str:
    # x'..' makes SQLCipher use the bytes as the key itself, skipping its own PBKDF2.
    return f"x'{key.hex()}'"


def make_engine(db_path: Path, key: bytes) -> Engine:
    """An engine on db_path, with the key checked by a first read."""
    if len(key) != 32:
        raise ValueError("the database key is 32 bytes")
    url = URL.create("sqlite+pysqlcipher", password=raw_key_literal(key), database=str(db_path))
    # The dialect's default SingletonThreadPool hands a nested connect() the same
    # connection, already inside a transaction; a small queue pool does not, and a raw
    # key makes each new connection cheap (no key derivation).
    engine = create_engine(
        url,
        module=sqlcipher3,
        poolclass=QueuePool,
        pool_size=4,
        connect_args={"check_same_thread": False},
        # An error's text then never carries the values of a statement (patient data)
        # into a message or the log.
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # The driver's own implicit transactions skip DDL; SQLAlchemy issues BEGIN
        # itself (below) so migrations and imports are truly all-or-nothing.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in _PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A transaction that must write whatever another connection does meanwhile
        # takes the write lock first (and waits for it): a deferred one that read and
        # then wrote after another commit is refused, however long it waits.
        immediate = conn.get_execution_options().get(WRITE_NOW, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    except DatabaseError as exc:
        engine.dispose()
        raise KeyRejected(str(exc.orig)) from exc
    return engine


def export_with_new_key(engine: Engine, target: Path, new_key: bytes) -> None:
    """Copy the whole database to target, encrypted with new_key (sqlcipher_export)."""
    # A raw connection runs in autocommit; ATTACH/DETACH cannot happen inside BEGIN.
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute(
            f'ATTACH DATABASE ? AS rekeyed KEY "{raw_key_literal(new_key)}"', (str(target),)
        )
        cursor.execute("SELECT sqlcipher_export('rekeyed')")
        version = cursor.execute("PRAGMA user_version").fetchone()[0]
        cursor.execute(f"PRAGMA rekeyed.user_version = {int(version)}")
        cursor.execute("DETACH DATABASE rekeyed")
        cursor.close()
    finally:
        raw.close()


def damaged_pages(db_path: Path, key: bytes) -> tuple[list[int], int]:
    """(pages whose HMAC fails with this key, pages in the file), read-only.

    With the right key only damaged pages fail; with a wrong key every page does.
    """
    pages = max(1, db_path.stat().st_size // 4096)
    conn = sqlcipher3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f'PRAGMA key = "{raw_key_literal(key)}"')
        rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
    except sqlcipher3.DatabaseError:
        return list(range(1, pages + 1)), pages
    finally:
        conn.close()
    bad = [int(m.group(1)) for (text,) in rows if (m := _PAGE.search(str(text)))]
    return bad, pages
