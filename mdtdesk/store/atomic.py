"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from mdtdesk.store.errors import CannotWrite


def fsync_dir(folder: Path) -> None:
    # Windows cannot open a directory for fsync; NTFS journals the rename itself.
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes(path: Path, data: bytes, *, backup: Path | None = None) -> None:
    """Write data to path via a temp file in the same folder, fsync, then replace.

    With backup, the previous file (if any) is first copied there, also atomically.
    """
    folder = path.parent
    if not folder.is_dir():
        # mkstemp would name its own temporary file, which the person never asked for.
        raise CannotWrite(
            f"The folder {folder} does not exist, so {path.name} was not written. "
            "Choose a folder that exists, or make it first."
        )
    if backup is not None and path.exists():
        write_bytes(backup, path.read_bytes())
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(folder)


def open_private(path: Path, append: bool = False) -> BinaryIO:
    """A new file for writing that only its owner can read (0600 whatever the umask):
    sync files and copies hold patient data. With append, an existing file is added to."""
    how = os.O_APPEND if append else os.O_EXCL
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | how | getattr(os, "O_BINARY", 0), 0o600)
    return os.fdopen(fd, "ab" if append else "wb")


def replace_file(source: Path, target: Path) -> None:
    """Move a finished file over target atomically (both in the same folder), readable
    by its owner only: SQLite makes a new database with the umask's mode (0644)."""
    os.chmod(source, 0o600)
    with open(source, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(source, target)
    fsync_dir(target.parent)


def copy_file(source: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.copy.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    with open(source, "rb") as src, open_private(tmp) as out:
        shutil.copyfileobj(src, out)
    replace_file(tmp, target)
