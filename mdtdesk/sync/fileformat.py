""".mdtsync files: age v1, encrypted to the receiver, around a signed manifest.

Inside the age encryption (which the standard `age` tool can open):

    MDTSYNC 2\\n
    MANIFEST <canonical JSON>\\n
    SIGNATURE <base64 Ed25519 signature of the manifest JSON>\\n
    <zlib stream of payload lines: JSON, one table header or record per line>

Anyone holding a hub's public enrolment file can encrypt a file to it, so a reader
trusts nothing before the signature: the manifest comes first, is checked against the
enrolled keys before one byte of payload is decompressed, and then bounds the reading
(the payload's size, its line count, and a longest line). A forged file is refused
after its first age chunk; a file that says one size and holds another is refused as
soon as it passes what it said. Version 1 put the manifest last, which let a forger's
64 KB file decompress into gigabytes before its signature was looked at.

The writer compresses the payload once into a spool (encrypted with a key that lives
only in memory) while hashing it, then signs the manifest and writes the real file in
a second pass. Neither the plaintext nor the ciphertext is ever held whole in memory.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeGuard

import pyrage
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pyrage import x25519

from mdtdesk.store import atomic
from mdtdesk.store.errors import StoreError

MAGIC = b"MDTSYNC 2\n"
_OLD_MAGIC = b"MDTSYNC 1\n"
FORMAT = 2
_MANIFEST = b"MANIFEST "
_SIGNATURE = b"SIGNATURE "
MAX_HEADER = 64 * 1024
# A record's text fields are each at most limits.TEXT_LIMIT characters; no real
# record line comes near this.
MAX_LINE = 8 * 1024 * 1024
_PIECE = 1 << 20


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


class _Spool:
    """The compressed payload between the two passes, in a temporary file, sealed
    with AES-GCM under a key held only in memory: patient data never reaches the disk
    in the clear, and a crash leaves nothing anyone can read."""

    def __init__(self, folder: Path) -> None:
        # Closed by close(): the spool outlives the function that opens it.
        self.file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115
        self.aead = AESGCM(AESGCM.generate_key(bit_length=256))
        self.chunks = 0

    def add(self, data: bytes) -> None:
        if not data:
            return
        sealed = self.aead.encrypt(self.chunks.to_bytes(12, "big"), data, None)
        self.file.write(struct.pack(">I", len(sealed)) + sealed)
        self.chunks += 1

    def read_back(self) -> Iterator[bytes]:
        self.file.seek(0)
        for number in range(self.chunks):
            (size,) = struct.unpack(">I", self.file.read(4))
            yield self.aead.decrypt(number.to_bytes(12, "big"), self.file.read(size), None)

    def close(self) -> None:
        self.file.close()


def _compress(lines: Iterable[bytes], spool: _Spool) -> tuple[str, int, int]:
    sha = hashlib.sha256()
    packer = zlib.compressobj(level=1)
    size = count = 0
    batch: list[bytes] = []

    def send() -> None:
        nonlocal size
        chunk = b"".join(batch)
        batch.clear()
        sha.update(chunk)
        size += len(chunk)
        spool.add(packer.compress(chunk))

    for line in lines:
        batch.append(line)
        batch.append(b"\n")
        count += 1
        if len(batch) >= 2048:
            send()
    send()
    spool.add(packer.flush())
    return sha.hexdigest(), size, count


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
    the payload is known; it is signed and written ahead of it. `before_publish` runs
    once the file is safely on disk under a temporary name and before it takes its
    real name: the exporter commits its bookkeeping there, so a file never appears
    whose sequence number the store has not used up.
    """
    target = x25519.Recipient.from_str(recipient)
    temp = path.with_name(f".{path.name}.{os.getpid()}.part")
    with suppress(FileNotFoundError):
        temp.unlink()  # left by a crash of a process that had this pid
    spool = _Spool(path.parent)
    try:
        manifest = finish(*_compress(lines, spool))
        body = canonical(manifest)
        header = (
            MAGIC + _MANIFEST + body + b"\n" + _SIGNATURE + base64.b64encode(sign(body)) + b"\n"
        )

        def pieces() -> Iterator[bytes]:
            yield header
            yield from spool.read_back()

        with atomic.open_private(temp) as raw:
            out = _HashingWriter(raw)
            pyrage.encrypt_io(_Plaintext(pieces()), out, [target])
            raw.flush()
            os.fsync(raw.fileno())
        written = Written(path, out.sha.hexdigest(), out.size, manifest)
        before_publish(written)
        os.replace(temp, path)
    finally:
        spool.close()
        with suppress(FileNotFoundError):
            temp.unlink()
    return written


@dataclass(frozen=True)
class Opened:
    manifest: dict[str, Any]
    manifest_bytes: bytes
    signature: bytes
    payload_sha256: str
    payload_bytes: int
    payload_lines: int


# Called with the manifest, its exact bytes and the signature, before any payload is
# read; raises SyncRefused unless the file is what it claims to be.
Authenticate = Callable[[dict[str, Any], bytes, bytes], None]


def _count(value: Any) -> TypeGuard[int]:
    return type(value) is int and value >= 0


def _stated(manifest: dict[str, Any]) -> tuple[str, int, int]:
    payload = manifest.get("payload")
    if isinstance(payload, dict):
        sha, size, lines = payload.get("sha256"), payload.get("bytes"), payload.get("lines")
        if isinstance(sha, str) and _count(size) and _count(lines):
            return sha, size, lines
    raise SyncRefused("its manifest does not say how large its payload is")


class _Reader:
    """Receives decrypted bytes from age: the header first, then payload lines.

    Every refusal is raised from `write`, which stops age decrypting at once.
    """

    def __init__(self, authenticate: Authenticate, on_line: Callable[[bytes], None]) -> None:
        self.authenticate = authenticate
        self.on_line = on_line
        self.head = b""
        self.opened: Opened | None = None
        self.limits = ("", 0, 0)
        self.unpacker = zlib.decompressobj()
        self.partial = b""
        self.sha = hashlib.sha256()
        self.size = 0
        self.lines = 0

    def write(self, data: bytes) -> int:
        try:
            self._take(bytes(data))
        except zlib.error:
            raise SyncRefused("its payload is not a valid compressed stream") from None
        return len(data)

    def flush(self) -> None:
        pass

    def _take(self, data: bytes) -> None:
        if self.opened is None:
            self.head += data
            data = self._header()
            if self.opened is None:
                return
        if self.unpacker.eof:
            if data:
                raise SyncRefused("it has more after its payload than a sync file holds")
            return
        while data:
            plain = self.unpacker.decompress(data, _PIECE)
            data = self.unpacker.unconsumed_tail
            self._lines(plain)
            if self.unpacker.eof:
                if self.unpacker.unused_data or data:
                    raise SyncRefused("it has more after its payload than a sync file holds")
                return

    def _header(self) -> bytes:
        """Take the magic, manifest and signature once all there; return what follows."""
        if len(self.head) >= len(MAGIC) and not self.head.startswith(MAGIC):
            if self.head.startswith(_OLD_MAGIC):
                raise SyncRefused(
                    "it was written by an older mdtdesk (sync format 1): update the "
                    "sending app and export again"
                )
            raise SyncRefused("it is not an mdtdesk sync file (or a newer format)")
        parts = self.head[len(MAGIC) :].split(b"\n", 2)
        if len(parts) < 3:
            if len(self.head) > MAX_HEADER:
                raise SyncRefused("it has no signed manifest where one belongs")
            return b""
        if not parts[0].startswith(_MANIFEST) or not parts[1].startswith(_SIGNATURE):
            raise SyncRefused("it has no signed manifest")
        body, signature = parts[0][len(_MANIFEST) :], parts[1][len(_SIGNATURE) :]
        try:
            manifest = json.loads(body)
            sig = base64.b64decode(signature, validate=True)
        except (ValueError, RecursionError):
            raise SyncRefused("its manifest cannot be read") from None
        if not isinstance(manifest, dict):
            raise SyncRefused("its manifest cannot be read")
        self.authenticate(manifest, body, sig)
        # Only a signed manifest's figures are trusted to bound the reading.
        self.limits = _stated(manifest)
        self.opened = Opened(manifest, body, sig, "", 0, 0)
        self.head = b""
        return parts[2]

    def _lines(self, plain: bytes) -> None:
        if not plain:
            return
        self.sha.update(plain)
        self.size += len(plain)
        if self.size > self.limits[1]:
            raise SyncRefused("its payload is larger than its manifest says")
        pieces = (self.partial + plain).split(b"\n")
        self.partial = pieces.pop()
        if len(self.partial) > MAX_LINE:
            raise SyncRefused(f"it has a line longer than {MAX_LINE // (1 << 20)} MiB")
        for line in pieces:
            self.lines += 1
            if self.lines > self.limits[2]:
                raise SyncRefused("its payload has more lines than its manifest says")
            self.on_line(line)

    def finish(self) -> Opened:
        if self.opened is None or not self.unpacker.eof or self.partial:
            raise SyncRefused("it ends before its payload does (the file is cut short)")
        if (self.sha.hexdigest(), self.size, self.lines) != self.limits:
            raise SyncRefused("its payload does not match its manifest (hash, size or lines)")
        o = self.opened
        return Opened(o.manifest, o.manifest_bytes, o.signature, *self.limits)


def file_hash(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def read(
    path: Path, identity: str, authenticate: Authenticate, on_line: Callable[[bytes], None]
) -> Opened:
    """Decrypt `path` with this store's age identity, streaming payload lines to on_line.

    `authenticate` sees the manifest before any payload is read. Raises SyncRefused
    when the file cannot be opened, is not authentic, or its framing is wrong; nothing
    is applied by this function, so the caller decides what to do with the lines.
    """
    reader = _Reader(authenticate, on_line)
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
    return reader.finish()
