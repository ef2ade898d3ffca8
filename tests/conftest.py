"""Shared fixtures. Qt runs offscreen; Argon2id uses its floor (64 MiB, 3 passes)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["MDTDESK_KDF_SECONDS"] = "0"

from mdtdesk.clock import FixedClock
from mdtdesk.store import lifecycle
from mdtdesk.store.keyfile import KdfParams
from mdtdesk.store.opened import OpenStore
from tests.helpers import new_store, new_test

# Argon2id is a pure function of its salt, cost and secret, and the suite derives the
# same key from the same copied template store hundreds of times. Each different
# derivation still runs Argon2id; a repeat is answered from memory (a wrong passphrase
# is a different secret, so it is derived and fails as it would). Commands run in a
# separate process always run it.
_derived: dict[tuple[bytes, int, int, int, bytes], bytes] = {}
_argon2id = KdfParams.derive


def _remembered(self: KdfParams, secret: bytes) -> bytes:
    key = (self.salt, self.memory_kib, self.iterations, self.lanes, secret)
    if key not in _derived:
        _derived[key] = _argon2id(self, secret)
    return _derived[key]


KdfParams.derive = _remembered  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _no_secrets_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # This device's own keys (the audit journal's) go to the test's folder, not ~.
    monkeypatch.setenv("MDTDESK_DEVICE_DIR", str(tmp_path / "device"))
    monkeypatch.setenv("MDTDESK_LOG_DIR", str(tmp_path / "log"))
    # Commands and windows a test starts keep their settings in its folder, not ~/.config.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    new_test()
    for name in (
        "MDTDESK_PASSPHRASE",
        "MDTDESK_NEW_PASSPHRASE",
        "MDTDESK_USER",
        "MDTDESK_RECOVERY_KEY",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def created(store_dir: Path, clock: FixedClock) -> Iterator[lifecycle.Created]:
    result = new_store(store_dir, clock)
    yield result
    result.store.close()


@pytest.fixture
def store(created: lifecycle.Created) -> OpenStore:
    return created.store


@pytest.fixture
def uk_time() -> Iterator[None]:
    """The machine's clock set to UK time (GMT in winter, BST in summer)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/London"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()
