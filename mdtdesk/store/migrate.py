"""Schema migrations, bundled in the package and run when a store is opened."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

_SCRIPTS = Path(__file__).parent / "migrations"


class SchemaTooNew(Exception):
    def __init__(self, found: str, newest_known: str) -> None:
        super().__init__(found)
        self.found = found
        self.newest_known = newest_known


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    # Read once a run: reading the migration scripts took ~35 ms of every unlock.
    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {s.revision for s in _scripts().walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the store to this app's schema. Returns (revision before, revision after).

    Raises SchemaTooNew, changing nothing, when the store was written by a newer app.
    """
    with engine.connect() as conn:
        before = current_revision(conn)
    if before is not None and before not in known_revisions():
        raise SchemaTooNew(before, head_revision())
    head = head_revision()
    if before != head:
        with engine.begin() as conn:
            command.upgrade(_config(conn), "head")
    return before, head
