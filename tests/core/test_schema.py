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


def test_head_and_known_are_the_migration_scripts() -> None:
    # Opening a current store reads HEAD instead of the scripts: they must agree.
    from mdtdesk.store import migrate

    scripts = migrate.scripts()
    assert scripts.get_current_head() == migrate.HEAD
    assert {s.revision for s in scripts.walk_revisions()} == set(migrate.KNOWN)


def test_opening_a_current_store_does_not_load_alembic(tmp_path) -> None:
    import subprocess
    import sys

    from mdtdesk.clock import SystemClock
    from tests.helpers import PASSPHRASE, USER, new_store

    new_store(tmp_path / "s", SystemClock()).store.close()
    code = (
        "import sys\nfrom pathlib import Path\nfrom mdtdesk.clock import SystemClock\n"
        "from mdtdesk.store import lifecycle\n"
        f"s = lifecycle.open_store(Path({str(tmp_path / 's')!r}), user={USER!r}, "
        f"passphrase={PASSPHRASE!r}, clock=SystemClock())\ns.close()\n"
        "assert not [m for m in sys.modules if m.startswith('alembic')], 'alembic loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                   env={**__import__("os").environ, "MDTDESK_KDF_SECONDS": "0"})  # fmt: skip
