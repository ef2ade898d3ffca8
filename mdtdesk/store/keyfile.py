"""Key slots (the LUKS model) kept in a small versioned JSON file beside the database.

Each slot has an X25519 key pair. The private key is wrapped with AES-256-GCM under a
key derived from the slot's secret (a staff passphrase or the recovery key) by
Argon2id; the associated data is the slot's metadata, so editing a user name or the
KDF settings in the file breaks the slot instead of fooling it. The database key is
sealed to each slot's public key, once per key generation.

Why seal to a public key rather than wrap the database key with each passphrase
directly: removing a person re-keys the database, and the new key must then reach
every remaining slot. Sealing needs only the public keys, so the person doing the
removal does not need everyone else's passphrase.
"""

from __future__ import annotations

import base64
import json
import math
import os
import time
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from mdtdesk.errors import Refusal

FORMAT = "mdtdesk-keyfile"
VERSION = 1
MIN_MEMORY_KIB = 64 * 1024
MIN_ITERATIONS = 3
_SEAL_INFO = b"mdtdesk key slot seal v1"


class KeyFileFormatError(Refusal, ValueError):
    """The key file cannot be read as a key file of this version."""


class SlotLocked(Exception):
    """The secret given does not open this slot."""


@dataclass(frozen=True)
class KdfParams:
    salt: bytes
    memory_kib: int = MIN_MEMORY_KIB
    iterations: int = MIN_ITERATIONS
    lanes: int = 4

    def derive(self, secret: bytes) -> bytes:
        kdf = Argon2id(
            salt=self.salt,
            length=32,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return kdf.derive(secret)


@dataclass(frozen=True)
class KdfCost:
    """How hard Argon2id should be: tuned to target_seconds, never below the floor."""

    target_seconds: float = 0.5
    memory_kib: int = MIN_MEMORY_KIB

    def tune(self) -> tuple[int, int]:
        """(memory_kib, iterations) that take about target_seconds on this machine."""
        if self.target_seconds <= 0:
            return self.memory_kib, MIN_ITERATIONS

        def timed(iterations: int) -> float:
            probe = KdfParams(os.urandom(16), self.memory_kib, iterations)
            start = time.perf_counter()
            probe.derive(b"tuning")
            return time.perf_counter() - start

        timed(MIN_ITERATIONS)  # warm-up: the first run also pays for page faults
        # Time grows linearly with passes after a fixed cost (filling memory): fit both.
        short, long = timed(MIN_ITERATIONS), timed(3 * MIN_ITERATIONS)
        per_pass = max((long - short) / (2 * MIN_ITERATIONS), 1e-4)
        fixed = max(short - MIN_ITERATIONS * per_pass, 0.0)
        passes = math.ceil((self.target_seconds - fixed) / per_pass)
        return self.memory_kib, max(MIN_ITERATIONS, passes)


@dataclass(frozen=True)
class Boxed:
    nonce: bytes
    ciphertext: bytes
    ephemeral: bytes = b""


@dataclass(frozen=True)
class Slot:
    slot_id: str
    kind: str  # "passphrase" or "recovery"
    user: str | None
    staff_id: str | None
    created_at: str
    kdf: KdfParams
    public_key: bytes
    wrapped_private_key: Boxed
    sealed_keys: dict[int, Boxed] = field(default_factory=dict)

    def identity(self, store_id: str) -> dict[str, Any]:
        """Who this slot is; fixed for the slot's life (a passphrase change keeps it)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "store_id": store_id,
            "slot_id": self.slot_id,
            "kind": self.kind,
            "user": self.user,
            "staff_id": self.staff_id,
            "public_key": _b64(self.public_key),
        }

    def header(self, store_id: str) -> bytes:
        """Associated data of the private-key wrap: identity and the KDF settings."""
        return _canonical({**self.identity(store_id), "kdf": _kdf_json(self.kdf)})


@dataclass(frozen=True)
class KeyFile:
    store_id: str
    generation: int
    slots: tuple[Slot, ...]

    def passphrase_slot(self, user: str) -> Slot | None:
        wanted = user.casefold().strip()
        for slot in self.slots:
            if slot.kind == "passphrase" and (slot.user or "").casefold() == wanted:
                return slot
        return None

    def recovery_slot(self) -> Slot | None:
        return next((s for s in self.slots if s.kind == "recovery"), None)

    def users(self) -> list[str]:
        return [s.user for s in self.slots if s.kind == "passphrase" and s.user]


def passphrase_secret(passphrase: str) -> bytes:
    # NFC so that the same passphrase typed on Windows and macOS gives the same bytes.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def new_slot(
    *,
    store_id: str,
    slot_id: str,
    kind: str,
    user: str | None,
    staff_id: str | None,
    created_at: str,
    secret: bytes,
    cost: tuple[int, int],
    db_keys: dict[int, bytes],
) -> Slot:
    private = X25519PrivateKey.generate()
    memory_kib, iterations = cost
    slot = Slot(
        slot_id=slot_id,
        kind=kind,
        user=user,
        staff_id=staff_id,
        created_at=created_at,
        kdf=KdfParams(salt=os.urandom(16), memory_kib=memory_kib, iterations=iterations),
        public_key=private.public_key().public_bytes_raw(),
        wrapped_private_key=Boxed(b"", b""),
    )
    slot = _wrap(slot, store_id, private, secret)
    return seal_keys(slot, store_id, db_keys)


def _wrap(slot: Slot, store_id: str, private: X25519PrivateKey, secret: bytes) -> Slot:
    kek = slot.kdf.derive(secret)
    nonce = os.urandom(12)
    raw = private.private_bytes_raw()
    wrapped = Boxed(nonce, AESGCM(kek).encrypt(nonce, raw, slot.header(store_id)))
    return replace(slot, wrapped_private_key=wrapped)


def rewrap(
    slot: Slot, store_id: str, private: X25519PrivateKey, secret: bytes, cost: tuple[int, int]
) -> Slot:
    """The same slot under a new secret (fresh salt); its sealed keys stay as they are."""
    memory_kib, iterations = cost
    fresh = replace(
        slot, kdf=KdfParams(salt=os.urandom(16), memory_kib=memory_kib, iterations=iterations)
    )
    return _wrap(fresh, store_id, private, secret)


def open_slot(slot: Slot, store_id: str, secret: bytes) -> X25519PrivateKey:
    kek = slot.kdf.derive(secret)
    box = slot.wrapped_private_key
    try:
        raw = AESGCM(kek).decrypt(box.nonce, box.ciphertext, slot.header(store_id))
    except InvalidTag as exc:
        raise SlotLocked from exc
    return X25519PrivateKey.from_private_bytes(raw)


def seal_keys(slot: Slot, store_id: str, db_keys: dict[int, bytes]) -> Slot:
    """The slot with exactly these database key generations sealed to it."""
    public = X25519PublicKey.from_public_bytes(slot.public_key)
    sealed = {
        gen: _seal(public, key, _seal_ad(slot, store_id, gen)) for gen, key in db_keys.items()
    }
    return replace(slot, sealed_keys=sealed)


def unseal(slot: Slot, store_id: str, private: X25519PrivateKey, generation: int) -> bytes:
    box = slot.sealed_keys[generation]
    shared = private.exchange(X25519PublicKey.from_public_bytes(box.ephemeral))
    key = _seal_kek(shared, box.ephemeral, slot.public_key)
    try:
        return AESGCM(key).decrypt(box.nonce, box.ciphertext, _seal_ad(slot, store_id, generation))
    except InvalidTag as exc:
        raise SlotLocked from exc


def _seal_ad(slot: Slot, store_id: str, generation: int) -> bytes:
    return _canonical({**slot.identity(store_id), "generation": generation})


def _seal(public: X25519PublicKey, db_key: bytes, ad: bytes) -> Boxed:
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    key = _seal_kek(ephemeral.exchange(public), ephemeral_public, public.public_bytes_raw())
    nonce = os.urandom(12)
    return Boxed(nonce, AESGCM(key).encrypt(nonce, db_key, ad), ephemeral_public)


def _seal_kek(shared: bytes, ephemeral_public: bytes, slot_public: bytes) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + slot_public, info=_SEAL_INFO
    )
    return hkdf.derive(shared)


# --- serialisation ---------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: Any, where: str) -> bytes:
    if not isinstance(value, str):
        raise KeyFileFormatError(f"{where} is not base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise KeyFileFormatError(f"{where} is not valid base64") from exc


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _kdf_json(kdf: KdfParams) -> dict[str, Any]:
    return {
        "name": "argon2id",
        "salt": _b64(kdf.salt),
        "memory_kib": kdf.memory_kib,
        "iterations": kdf.iterations,
        "lanes": kdf.lanes,
    }


def _box_json(box: Boxed) -> dict[str, str]:
    out = {"nonce": _b64(box.nonce), "ciphertext": _b64(box.ciphertext)}
    if box.ephemeral:
        out["ephemeral"] = _b64(box.ephemeral)
    return out


def dumps(keyfile: KeyFile) -> bytes:
    slots = []
    for s in keyfile.slots:
        slots.append(
            {
                "slot_id": s.slot_id,
                "kind": s.kind,
                "user": s.user,
                "staff_id": s.staff_id,
                "created_at": s.created_at,
                "kdf": _kdf_json(s.kdf),
                "public_key": _b64(s.public_key),
                "wrapped_private_key": _box_json(s.wrapped_private_key),
                "sealed_keys": {str(g): _box_json(b) for g, b in sorted(s.sealed_keys.items())},
            }
        )
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "store_id": keyfile.store_id,
        "generation": keyfile.generation,
        "slots": slots,
    }
    return json.dumps(doc, indent=2, sort_keys=True).encode("utf-8") + b"\n"


def _field(obj: dict[str, Any], name: str, kind: type, where: str) -> Any:
    value = obj.get(name)
    if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
        raise KeyFileFormatError(f"{where}: field {name!r} is missing or of the wrong type")
    return value


def _box(obj: Any, where: str, *, sealed: bool) -> Boxed:
    if not isinstance(obj, dict):
        raise KeyFileFormatError(f"{where} is not an object")
    return Boxed(
        nonce=_unb64(obj.get("nonce"), f"{where}.nonce"),
        ciphertext=_unb64(obj.get("ciphertext"), f"{where}.ciphertext"),
        ephemeral=_unb64(obj.get("ephemeral"), f"{where}.ephemeral") if sealed else b"",
    )


def _slot(obj: Any, index: int) -> Slot:
    where = f"slot {index + 1}"
    if not isinstance(obj, dict):
        raise KeyFileFormatError(f"{where} is not an object")
    kind = _field(obj, "kind", str, where)
    if kind not in ("passphrase", "recovery"):
        raise KeyFileFormatError(f"{where}: unknown slot kind {kind!r}")
    kdf = obj.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
        raise KeyFileFormatError(f"{where}: kdf is not argon2id")
    params = KdfParams(
        salt=_unb64(kdf.get("salt"), f"{where}.kdf.salt"),
        memory_kib=_field(kdf, "memory_kib", int, f"{where}.kdf"),
        iterations=_field(kdf, "iterations", int, f"{where}.kdf"),
        lanes=_field(kdf, "lanes", int, f"{where}.kdf"),
    )
    if params.memory_kib < MIN_MEMORY_KIB or params.iterations < MIN_ITERATIONS:
        raise KeyFileFormatError(f"{where}: KDF settings are below the minimum")
    sealed_raw = obj.get("sealed_keys")
    if not isinstance(sealed_raw, dict) or not all(k.isdigit() for k in sealed_raw):
        raise KeyFileFormatError(f"{where}: sealed_keys is not a map of generations")
    user = obj.get("user")
    staff_id = obj.get("staff_id")
    if kind == "passphrase" and not (isinstance(user, str) and isinstance(staff_id, str)):
        raise KeyFileFormatError(f"{where}: a passphrase slot needs user and staff_id")
    return Slot(
        slot_id=_field(obj, "slot_id", str, where),
        kind=kind,
        user=user if isinstance(user, str) else None,
        staff_id=staff_id if isinstance(staff_id, str) else None,
        created_at=_field(obj, "created_at", str, where),
        kdf=params,
        public_key=_unb64(obj.get("public_key"), f"{where}.public_key"),
        wrapped_private_key=_box(obj.get("wrapped_private_key"), f"{where}.wrapped", sealed=False),
        sealed_keys={
            int(g): _box(b, f"{where}.sealed_keys.{g}", sealed=True) for g, b in sealed_raw.items()
        },
    )


def loads(data: bytes) -> KeyFile:
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KeyFileFormatError(f"it is not valid JSON ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise KeyFileFormatError("it is not an mdtdesk key file")
    version = doc.get("version")
    if not isinstance(version, int):
        raise KeyFileFormatError("it has no version number")
    if version > VERSION:
        raise KeyFileFormatError(
            f"it is version {version}, newer than this app reads ({VERSION}): update mdtdesk"
        )
    slots_raw = doc.get("slots")
    if not isinstance(slots_raw, list) or not slots_raw:
        raise KeyFileFormatError("it has no key slots")
    return KeyFile(
        store_id=_field(doc, "store_id", str, "key file"),
        generation=_field(doc, "generation", int, "key file"),
        slots=tuple(_slot(s, i) for i, s in enumerate(slots_raw)),
    )


def replace_sealed(slot: Slot, sealed: dict[int, Boxed]) -> Slot:
    return replace(slot, sealed_keys=sealed)
