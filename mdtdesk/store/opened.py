"""An unlocked store: its engine, who is acting, this device, and a clock."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from types import TracebackType

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from mdtdesk.clock import Clock
from mdtdesk.store import lock, writes
from mdtdesk.store.audit import Actor
from mdtdesk.store.keyfile import KeyFile
from mdtdesk.store.layout import StorePaths
from mdtdesk.store.models import Practice, StaffMember
from mdtdesk.store.staff import StaffChoice, staff_choices

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PracticeInfo:
    ods_code: str
    name: str


@dataclass
class OpenStore:
    paths: StorePaths
    engine: Engine
    keyfile: KeyFile
    db_key: bytes = field(repr=False)
    node_id: str
    actor: Actor
    clock: Clock
    _factory: sessionmaker[Session] = field(init=False, repr=False)
    _practice: PracticeInfo | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.rebind()

    def rebind(self) -> None:
        """Make sessions on the current engine (after a re-key replaced it)."""
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        writes.install(self._factory)

    @property
    def store_id(self) -> str:
        return self.keyfile.store_id

    def session(self) -> Session:
        """A session whose writes are stamped and audited as this store's actor."""
        session = self._factory()
        session.info.update(actor=self.actor, node_id=self.node_id, clock=self.clock)
        return session

    def practice(self) -> PracticeInfo:
        """This store's own practice, read once: opening a store reads it on the thread
        that opens it, so a window can show it without touching the store itself."""
        if self._practice is not None:
            return self._practice
        with self.session() as s:
            row = s.execute(select(Practice).where(Practice.deleted.is_(False))).scalars().first()
        if row is None:
            return PracticeInfo("", "")
        self._practice = PracticeInfo(row.ods_code, row.name)
        return self._practice

    def staff_list(self) -> list[StaffChoice]:
        """Active staff by name, for the pick lists a screen reads with its own data."""
        with self.session() as s:
            return staff_choices(s)

    def acting_staff(self, session: Session) -> StaffMember | None:
        if self.actor.staff_id is None:
            return None
        return session.get(StaffMember, self.actor.staff_id)

    def checkpoint(self) -> None:
        """Move committed work from store.db-wal into store.db: after an import, merge
        or re-key, work must not live only in a -wal file a person or an antivirus
        might delete."""
        raw = self.engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception as exc:  # a reader in the way: the next checkpoint does it
            log.info("checkpoint deferred: %s", type(exc).__name__)
        finally:
            raw.close()

    def close(self) -> None:
        self.engine.dispose()
        if self.db_key:
            lock.release(self.paths)
        # Drop our reference to the key; Python cannot wipe the bytes themselves.
        self.db_key = b""

    def __enter__(self) -> OpenStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
