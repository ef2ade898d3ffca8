"""A corpus of damaged and forged sync files, built from a real one.

Every mutant must be refused: nothing in it is valid. Three kinds of attacker:
- the wire or the disk: bits flipped, the file cut short or added to;
- anyone holding the hub's public enrolment file, who can encrypt to the hub but not
  sign: decompression bombs, a line of a gigabyte, malformed or deeply nested
  manifests, the old layout with its manifest last;
- an enrolled device gone wrong (its key signs): a manifest that understates its
  payload, records with values no store holds (year 1, 9999, NUL, too long, wrong
  types, nested 60,000 deep).
The corpus is built, never hand-written: `build(...)` makes `count` files from a seed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
from pyrage import x25519

from mdtdesk.sync import fileformat
from mdtdesk.sync.wire import SPECS

MiB = 1 << 20


@dataclass(frozen=True)
class Source:
    """A real file, what is inside it, and the keys a forger may or may not hold."""

    good: Path
    hub_identity: str
    sign: Callable[[bytes], bytes]
    manifest: dict[str, Any]
    lines: list[bytes]

    @property
    def recipient(self) -> x25519.Recipient:
        return x25519.Identity.from_str(self.hub_identity).to_public()


def open_source(good: Path, hub_identity: str, sign: Callable[[bytes], bytes]) -> Source:
    lines: list[bytes] = []
    opened = fileformat.read(good, hub_identity, lambda *_: None, lines.append)
    return Source(good, hub_identity, sign, opened.manifest, lines)


def _deflate(pieces: Iterator[bytes]) -> bytes:
    packer = zlib.compressobj(level=9)
    return b"".join(packer.compress(p) for p in pieces) + packer.flush()


def _repeat(block: bytes, total: int) -> Iterator[bytes]:
    while total > 0:
        yield block[:total]
        total -= len(block)


def _frame(manifest: dict[str, Any], signature: bytes, payload: bytes) -> bytes:
    body = fileformat.canonical(manifest)
    return (
        fileformat.MAGIC
        + b"MANIFEST " + body + b"\n"
        + b"SIGNATURE " + base64.b64encode(signature) + b"\n"
        + payload
    )  # fmt: skip


def _stated(manifest: dict[str, Any], payload_size: int, lines: int) -> dict[str, Any]:
    m = dict(manifest)
    m["payload"] = {"sha256": "0" * 64, "bytes": payload_size, "lines": lines}
    return m


# Plaintexts an unsigned forger can make (the signature is random bytes).
def _newline_bomb(src: Source, rng: random.Random, big: bool) -> bytes:
    size = (64 if big else 16) * MiB
    payload = _deflate(_repeat(b"\n" * MiB, size))
    return _frame(_stated(src.manifest, size, size), rng.randbytes(64), payload)


def _one_huge_line(src: Source, rng: random.Random, big: bool) -> bytes:
    size = (1024 if big else 64) * MiB
    payload = _deflate(_repeat(b"x" * MiB, size))
    return _frame(_stated(src.manifest, size, 1), rng.randbytes(64), payload)


def _old_layout(src: Source, rng: random.Random, big: bool) -> bytes:
    payload = _deflate(_repeat(b"\n" * MiB, (64 if big else 8) * MiB))
    body = fileformat.canonical(src.manifest)
    return b"MDTSYNC 1\n" + payload + b"MANIFEST " + body + b"\nSIGNATURE AAAA\n"


def _nested_manifest(src: Source, rng: random.Random, big: bool) -> bytes:
    depth = 60_000 if rng.random() < 0.5 else 30_000
    body = b"[" * depth + b"]" * depth
    return fileformat.MAGIC + b"MANIFEST " + body + b"\nSIGNATURE AAAA\n"


def _malformed_manifest(src: Source, rng: random.Random, big: bool) -> bytes:
    m = dict(src.manifest)
    key = rng.choice(sorted(m))
    m[key] = rng.choice([[], {}, None, 1e308, "x" * 1000, -1, [[[[]]]], True])
    if rng.random() < 0.3:
        m["schema"] = []
    return _frame(m, rng.randbytes(64), _deflate(iter(src.lines)))


def _not_a_manifest(src: Source, rng: random.Random, big: bool) -> bytes:
    choices = [
        fileformat.MAGIC + b"MANIFEST [1,2,3]\nSIGNATURE AAAA\n",
        fileformat.MAGIC + b"MANIFEST {}\nSIGNATURE !!!not base64\n",
        fileformat.MAGIC + b"MANIFEST " + b"{" * 70_000,  # no line end, ever
        fileformat.MAGIC + b"SIGNATURE AAAA\nMANIFEST {}\n",
        fileformat.MAGIC + b"MANIFEST \xff\xfe\nSIGNATURE AAAA\n",
        fileformat.MAGIC,
        b"",
    ]
    return rng.choice(choices)


def _dates_out_of_range(src: Source, rng: random.Random, big: bool) -> bytes:
    m = dict(src.manifest)
    m["exported_at"] = rng.choice(["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00"])
    return _frame(m, rng.randbytes(64), _deflate(iter(src.lines)))


UNSIGNED = [
    _newline_bomb,
    _one_huge_line,
    _old_layout,
    _nested_manifest,
    _malformed_manifest,
    _not_a_manifest,
    _dates_out_of_range,
]


# Plaintexts signed with the practice's own key: an enrolled app gone wrong.
def _signed(src: Source, lines: list[bytes], stated: dict[str, int] | None = None) -> bytes:
    payload = b"".join(line + b"\n" for line in lines)

    m = dict(src.manifest)
    m["payload"] = stated or {
        "sha256": hashlib.sha256(payload).hexdigest(),
        "bytes": len(payload),
        "lines": len(lines),
    }
    body = fileformat.canonical(m)
    return _frame(m, src.sign(body), _deflate(iter([payload])))


def understated(src: Source, rng: random.Random, big: bool) -> bytes:
    size = (256 if big else 32) * MiB
    m = _stated(src.manifest, 1000, 10)
    body = fileformat.canonical(m)
    return _frame(m, src.sign(body), _deflate(_repeat(b"\n" * MiB, size)))


_BAD_VALUES: dict[str, list[Any]] = {
    "text": [5, [], {"a": 1}, "\x00", "a\x1bb", "\u202eevil", True],
    "date": ["0001-01-01", "9999-12-31", "2026-13-01", 20261203, "yesterday"],
    "time": ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "2026-12-03T10:00"],
    "number": ["1", [1], True, {"n": 1}],
    "boolean": ["true", 1, 0, [True]],
}


def _kind(spec_name: str, field: str) -> str:
    spec = SPECS[spec_name]
    converter = spec.converters[spec.fields.index(field)]
    name = getattr(converter, "__qualname__", "")
    if "date" in name:
        return "date"
    if "utc_time" in name:
        return "time"
    if "_text" in name or "_vocab" in name or "_nhs" in name:
        return "text"
    if "_boolean" in name:
        return "boolean"
    return "number"


def _bad_record(src: Source, rng: random.Random, big: bool) -> bytes:
    lines = list(src.lines)
    table = None
    candidates: list[tuple[int, str, list[str]]] = []
    for i, raw in enumerate(lines):
        item = json.loads(raw)
        if isinstance(item, dict):
            table = item.get("t")
            fields = item.get("f", [])
        elif table in SPECS and isinstance(item, list):
            candidates.append((i, table, fields))
    i, table_name, fields = rng.choice(candidates)
    record = json.loads(lines[i])
    how = rng.randrange(5)
    if how == 0 and fields:
        j = rng.randrange(len(fields))
        kind = _kind(table_name, fields[j])
        if kind == "text" and rng.random() < 0.3:
            record[3 + j] = "x" * 300_000
        else:
            record[3 + j] = rng.choice(_BAD_VALUES[kind])
    elif how == 1:
        record[1] = rng.choice(_BAD_VALUES["time"])
    elif how == 2:
        record[-1] = rng.choice([{}, [], "clocks", {"*": "0001"}])
    elif how == 3:
        record = record[:-2]
    else:
        lines[i] = b"[" * 60_000 + b"]" * 60_000
        return _signed(src, lines)
    lines[i] = json.dumps(record).encode()
    return _signed(src, lines)


SIGNED = [understated, _bad_record]


# Damage to the real file as it lies on a disk or a stick.
def _damaged(src: Source, rng: random.Random) -> bytes:
    data = bytearray(src.good.read_bytes())
    how = rng.randrange(4)
    if how == 0:
        for _ in range(rng.randint(1, 4)):
            position = rng.randrange(len(data))
            data[position] ^= 1 << rng.randrange(8)
    elif how == 1:
        data = data[: rng.randrange(len(data))]
    elif how == 2:
        data += rng.randbytes(rng.randint(1, 5000))
    else:
        start = rng.randrange(len(data))
        data[start : start + rng.randint(1, 4096)] = bytes(rng.randint(1, 4096))
    return bytes(data)


@dataclass(frozen=True)
class Mutant:
    path: Path
    kind: str


def build(src: Source, folder: Path, count: int, seed: int, big: bool = False) -> list[Mutant]:
    """`count` mutants of src in folder: every kind at least once, then at random."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    makers: list[tuple[str, Callable[[random.Random], bytes]]] = []
    for f in UNSIGNED:
        makers.append((f.__name__.strip("_"), _encrypting(src, f, big)))
    for f in SIGNED:
        makers.append((f.__name__.strip("_"), _encrypting(src, f, big)))
    makers.append(("damaged", lambda r: _damaged(src, r)))
    out: list[Mutant] = []
    for n in range(count):
        kind, make = makers[n] if n < len(makers) else _weighted(rng, makers)
        path = folder / f"{n:04d}-{kind}.mdtsync"
        path.write_bytes(make(rng))
        out.append(Mutant(path, kind))
    return out


def _weighted(
    rng: random.Random, makers: list[tuple[str, Callable[[random.Random], bytes]]]
) -> tuple[str, Callable[[random.Random], bytes]]:
    # Bombs are slow to build; most of the corpus is damage, bad records and manifests.
    cheap = [m for m in makers if m[0] not in {"newline_bomb", "one_huge_line", "understated"}]
    return rng.choice(cheap) if rng.random() < 0.9 else rng.choice(makers)


def _encrypting(
    src: Source, f: Callable[[Source, random.Random, bool], bytes], big: bool
) -> Callable[[random.Random], bytes]:
    def make(rng: random.Random) -> bytes:
        return bytes(pyrage.encrypt(f(src, rng, big), [src.recipient]))

    return make
