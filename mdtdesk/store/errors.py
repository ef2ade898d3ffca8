"""Errors a person can act on. Each message says what is wrong and what to do."""

from __future__ import annotations

import errno

from sqlalchemy.exc import DBAPIError

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


class StoreDamaged(StoreError):
    """SQLCipher or SQLite found pages of store.db that cannot be read."""


class DiskFull(StoreError):
    """A write failed for want of space; the transaction or file was not finished."""


class CannotWrite(StoreError):
    """A file could not be written where it was asked for (no such folder, no
    permission, a read-only disk); nothing was written there."""


_NO_ROOM = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
DAMAGED = (
    "store.db is damaged: part of it cannot be read ({what}). Nothing more was changed. "
    "Run 'mdtdesk check' to see which parts, and restore store.db from a backup."
)
FULL = (
    "There is no room left on the disk{where}, or it could not be written to, so this was "
    "not done and nothing was changed. Free some space (or check the disk or stick is "
    "still there) and try again."
)


def for_people(exc: BaseException) -> Refusal | None:
    """The refusal a person can act on behind an unexpected exception, if there is one.

    A full disk and a damaged database reach the code as OS and driver errors at any
    write or read; each command and the app's worker ask here before calling anything
    unexpected.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, Refusal):
            return seen
        if isinstance(seen, OSError) and seen.errno in _NO_ROOM:
            where = f" ({seen.filename})" if seen.filename else ""
            return DiskFull(FULL.format(where=where))
        if isinstance(seen, OSError) and seen.errno in _NOT_THERE and seen.filename:
            return CannotWrite(
                f"{seen.filename} could not be used: {seen.strerror or 'refused'}. "
                "Nothing was changed; choose another place and try again."
            )
        text = str(seen).lower()
        if isinstance(seen, DBAPIError) and seen.orig is not None:
            text = str(seen.orig).lower()
            # SQLite reports a write the OS refused (no space, file too large, a stick
            # pulled out) as a full disk or a disk I/O error: neither is damage.
            if "disk is full" in text or "disk i/o error" in text:
                return DiskFull(FULL.format(where=""))
            if any(words in text for words in _DAMAGE_WORDS):
                return StoreDamaged(DAMAGED.format(what=text[:120]))
        seen = seen.__cause__ or seen.__context__
    return None


_NOT_THERE = {
    errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EACCES, errno.EPERM, errno.EROFS,
}  # fmt: skip
_DAMAGE_WORDS = ("malformed", "not a database", "hmac", "corrupt")
