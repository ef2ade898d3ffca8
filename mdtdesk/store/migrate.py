"""Schema migrations, bundled in the package and run when a store is opened.

Opening a store whose schema is already this app's needs no Alembic at all: the
version is read with one query and compared with HEAD. Alembic (about 0.2 s to import,
and 35 ms to read the scripts) is loaded only when a store must be migrated or made;
a test holds HEAD and KNOWN to the scripts themselves."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

_SCRIPTS = Path(__file__).parent / "migrations"
# This app's schema, and every schema it knows (a store from a newer app has another).
HEAD = "0008"
KNOWN = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008")


class SchemaTooNew(Exception):
    def __init__(self, found: str, newest_known: str) -> None:
        super().__init__(found)
        self.found = found
        self.newest_known = newest_known


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def scripts() -> ScriptDirectory:
    """The migration scripts as Alembic reads them (read once a run)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    return HEAD


def known_revisions() -> set[str]:
    return set(KNOWN)


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if value is None else str(value)


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the store to this app's schema. Returns (revision before, revision after).

    Raises SchemaTooNew, changing nothing, when the store was written by a newer app.
    """
    with engine.connect() as conn:
        before = current_revision(conn)
    if before == HEAD:
        return before, HEAD
    if before is not None and before not in KNOWN:
        raise SchemaTooNew(before, HEAD)
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_config(conn), "head")
    return before, HEAD
