"""Where passphrases, recovery keys and the acting user come from.

A secret comes from a file named on the command line, else an environment variable
(for scripts), else a prompt on the terminal; with no terminal the command stops and
says how to give it.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from mdtdesk.store.errors import StoreError
from mdtdesk.store.keyfile import KdfCost


class MissingInput(StoreError):
    pass


class _NoTerminal(Exception):
    pass


def _from_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MissingInput(f"Cannot read {path}: {exc.strerror}.") from None
    first = text.splitlines()[0] if text else ""
    if not first:
        raise MissingInput(f"{path} is empty: put the passphrase on its first line.")
    return first


def _prompt(label: str, *, confirm: bool) -> str:
    if not sys.stdin.isatty():
        raise _NoTerminal
    value = getpass.getpass(f"{label}: ")
    if confirm and getpass.getpass(f"{label} again: ") != value:
        raise MissingInput(f"The two {label.lower()}s do not match; nothing was changed.")
    return value


def secret(file: Path | None, env: str, label: str, flag: str, *, confirm: bool = False) -> str:
    if file is not None:
        return _from_file(file)
    value = os.environ.get(env)
    if value:
        return value
    try:
        return _prompt(label, confirm=confirm)
    except _NoTerminal:
        raise MissingInput(
            f"No {label.lower()} given and no terminal to ask on: use {flag} FILE or set {env}."
        ) from None


def passphrase(file: Path | None, *, confirm: bool = False) -> str:
    return secret(file, "MDTDESK_PASSPHRASE", "Passphrase", "--passphrase-file", confirm=confirm)


def new_passphrase(file: Path | None) -> str:
    return secret(
        file, "MDTDESK_NEW_PASSPHRASE", "New passphrase", "--new-passphrase-file", confirm=True
    )


def recovery_key(file: Path | None) -> str:
    return secret(file, "MDTDESK_RECOVERY_KEY", "Recovery key", "--recovery-key-file")


def user(given: str | None, known: list[str]) -> str:
    name = given or os.environ.get("MDTDESK_USER")
    if name:
        return name
    if len(known) == 1:
        return known[0]
    raise MissingInput(
        f"Say who you are with --user NAME or MDTDESK_USER (users: {', '.join(known)})."
    )


def kdf_cost() -> KdfCost:
    """Argon2id is tuned to ~0.5 s; MDTDESK_KDF_SECONDS=0 uses the floor (for tests)."""
    raw = os.environ.get("MDTDESK_KDF_SECONDS", "0.5")
    try:
        return KdfCost(target_seconds=float(raw))
    except ValueError:
        raise MissingInput(f"MDTDESK_KDF_SECONDS={raw!r} is not a number of seconds.") from None
