"""Errors a person can act on. Each message says what is wrong and what to do."""

from __future__ import annotations

from mdtdesk.errors import Refusal


class StoreError(Refusal):
    """A problem with a store that the user must fix; nothing was changed."""


class NoStore(StoreError):
    pass


class StoreExists(StoreError):
    pass


class KeyFileMissing(StoreError):
    pass


class KeyFileDamaged(StoreError):
    pass


class UnknownUser(StoreError):
    pass


class WrongPassphrase(StoreError):
    pass


class WrongRecoveryKey(StoreError):
    pass


class NotAStore(StoreError):
    pass


class StoreTooNew(StoreError):
    pass


class NotAllowed(StoreError):
    pass


class WeakPassphrase(StoreError):
    pass


class StoreBusy(StoreError):
    """Another window or command has the store; the work was not started."""
