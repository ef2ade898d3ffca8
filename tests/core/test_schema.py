"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from mdtdesk.store.models import Base
from mdtdesk.store.opened import OpenStore


def test_migrations_match_the_models(store: OpenStore) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    # alembic's own version table is the only thing the models do not describe.
    assert [d for d in differences if "alembic_version" not in repr(d)] == []
