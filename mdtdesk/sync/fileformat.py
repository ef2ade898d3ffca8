""".mdtsync files: age v1, encrypted to the receiver, around a signed manifest.

Inside the age encryption (which the standard `age` tool can open):

    MDTSYNC 1\\n
    <zlib stream of payload lines: JSON, one table header or record per line>
    MANIFEST <canonical JSON>\\n
    SIGNATURE <base64 Ed25519 signature of the manifest JSON>\\n

The manifest comes last so a file is written in one pass while its payload is hashed;
a reader hashes and checks every line as it streams by, and nothing is applied before
the manifest, the signature and the payload hash all agree. Both directions stream in
chunks, so neither the plaintext nor the ciphertext is ever held whole in memory.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyrage
from pyrage import x25519

from mdtdesk.store import atomic
from mdtdesk.store.errors import StoreError

MAGIC = b"MDTSYNC 1\n"
FORMAT = 1
_MANIFEST = b"MANIFEST "
_SIGNATURE = b"SIGNATURE "
_MAX_TRAILER = 64 * 1024


class SyncRefused(StoreError):
    """A sync file that cannot be taken in; nothing in the store was changed."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def canonical(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode("utf-8")


class _Plaintext:
    """A readable stream over the plaintext pieces, for age to pull from."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._buffer = bytearray()

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            try:
                self._buffer += next(self._pieces)
            except StopIteration:
                break
        if size < 0:
            size = len(self._buffer)
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out


class _HashingWriter:
    def __init__(self, target: BinaryIO) -> None:
        self.target = target
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self.target.write(data)

    def flush(self) -> None:
        self.target.flush()


@dataclass(frozen=True)
class Written:
    path: Path
    file_hash: str
    size: int
    manifest: dict[str, Any]


def write(
    path: Path,
    lines: Iterable[bytes],
    finish: Callable[[str, int, int], dict[str, Any]],
    sign: Callable[[bytes], bytes],
    recipient: str,
    before_publish: Callable[[Written], None],
) -> Written:
    """Stream `lines` into an age file at `path`, written atomically.

    `finish(payload_sha256, payload_bytes, payload_lines)` returns the manifest once
    the payload is known; it is signed and written after it. `before_publish` runs
    once the file is safely on disk under a temporary name and before it takes its
    real name: the exporter commits its bookkeeping there, so a file never appears
    whose sequence number the store has not used up.
    """
    manifest: dict[str, Any] = {}

    def pieces() -> Iterator[bytes]:
        yield MAGIC
        sha = hashlib.sha256()
        packer = zlib.compressobj(level=1)
        size = count = 0
        batch: list[bytes] = []
        for line in lines:
            batch.append(line)
            batch.append(b"\n")
            count += 1
            if len(batch) >= 2048:
                chunk = b"".join(batch)
                batch.clear()
                sha.update(chunk)
                size += len(chunk)
                yield packer.compress(chunk)
        chunk = b"".join(batch)
        sha.update(chunk)
        size += len(chunk)
        yield packer.compress(chunk) + packer.flush()
        manifest.update(finish(sha.hexdigest(), size, count))
        body = canonical(manifest)
        signature = base64.b64encode(sign(body))
        yield _MANIFEST + body + b"\n" + _SIGNATURE + signature + b"\n"

    target = x25519.Recipient.from_str(recipient)
    temp = path.with_name(f".{path.name}.{os.getpid()}.part")
    with suppress(FileNotFoundError):
        temp.unlink()  # left by a crash of a process that had this pid
    try:
        with atomic.open_private(temp) as raw:
            out = _HashingWriter(raw)
            pyrage.encrypt_io(_Plaintext(pieces()), out, [target])
            raw.flush()
            os.fsync(raw.fileno())
        written = Written(path, out.sha.hexdigest(), out.size, manifest)
        before_publish(written)
        os.replace(temp, path)
    finally:
        with suppress(FileNotFoundError):
            temp.unlink()
    return written


class _Reader:
    """Receives decrypted bytes from age, checks the framing, hands out payload lines."""

    def __init__(self, on_line: Callable[[bytes], None]) -> None:
        self.on_line = on_line
        self.head = b""
        self.started = False
        self.unpacker = zlib.decompressobj()
        self.partial = b""
        self.trailer = b""
        self.sha = hashlib.sha256()
        self.size = 0
        self.lines = 0
        self.error: SyncRefused | None = None

    def write(self, data: bytes) -> int:
        if self.error is None:
            try:
                self._take(bytes(data))
            except SyncRefused as exc:
                self.error = exc
            except zlib.error:
                self.error = SyncRefused("its payload is not a valid compressed stream")
        return len(data)

    def flush(self) -> None:
        pass

    def _take(self, data: bytes) -> None:
        if not self.started:
            self.head += data
            if len(self.head) < len(MAGIC):
                return
            if not self.head.startswith(MAGIC):
                raise SyncRefused("it is not an mdtdesk sync file (or a newer format)")
            self.started = True
            data, self.head = self.head[len(MAGIC) :], b""
        if self.unpacker.eof:
            self.trailer += data
        else:
            plain = self.unpacker.decompress(data)
            self._lines(plain)
            if self.unpacker.eof:
                self.trailer += self.unpacker.unused_data
        if len(self.trailer) > _MAX_TRAILER:
            raise SyncRefused("it has more after its manifest than a sync file can hold")

    def _lines(self, plain: bytes) -> None:
        if not plain:
            return
        self.sha.update(plain)
        self.size += len(plain)
        pieces = (self.partial + plain).split(b"\n")
        self.partial = pieces.pop()
        for line in pieces:
            self.lines += 1
            self.on_line(line)

    def manifest(self) -> tuple[bytes, bytes]:
        if not self.started or not self.unpacker.eof or self.partial:
            raise SyncRefused("it ends before its payload does (the file is cut short)")
        parts = self.trailer.split(b"\n")
        if (
            len(parts) != 3
            or parts[2]
            or not parts[0].startswith(_MANIFEST)
            or not parts[1].startswith(_SIGNATURE)
        ):
            raise SyncRefused("it has no signed manifest")
        return parts[0][len(_MANIFEST) :], parts[1][len(_SIGNATURE) :]


@dataclass(frozen=True)
class Opened:
    manifest: dict[str, Any]
    manifest_bytes: bytes
    signature: bytes
    payload_sha256: str
    payload_bytes: int
    payload_lines: int


def file_hash(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def read(path: Path, identity: str, on_line: Callable[[bytes], None]) -> Opened:
    """Decrypt `path` with this store's age identity, streaming payload lines to on_line.

    Raises SyncRefused when the file cannot be opened or its framing is wrong. The
    signature is not checked here (the caller knows the enrolled keys).
    """
    reader = _Reader(on_line)
    key = x25519.Identity.from_str(identity)
    try:
        with open(path, "rb") as f:
            pyrage.decrypt_io(f, reader, [key])
    except FileNotFoundError:
        raise SyncRefused("the file does not exist") from None
    except (pyrage.DecryptError, OSError) as exc:
        text = str(exc).lower()
        if "no matching keys" in text:
            raise SyncRefused(
                "it is addressed to another store (it was not encrypted to this one's key)"
            ) from None
        if "unknown age format" in text or "fill whole buffer" in text:
            raise SyncRefused(
                "it is not an age-encrypted mdtdesk sync file, or it is cut short"
            ) from None
        raise SyncRefused(
            "it cannot be decrypted: it was changed, cut short or has bytes added"
        ) from None
    if reader.error is not None:
        raise reader.error
    body, signature = reader.manifest()
    try:
        manifest = json.loads(body)
        sig = base64.b64decode(signature, validate=True)
    except ValueError:
        raise SyncRefused("its manifest cannot be read") from None
    if not isinstance(manifest, dict):
        raise SyncRefused("its manifest cannot be read")
    return Opened(manifest, body, sig, reader.sha.hexdigest(), reader.size, reader.lines)
