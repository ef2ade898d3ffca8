"""This device's sync keys: an Ed25519 key that signs what it sends and an age X25519
identity that opens what is sent to it.

Both private keys live in store_meta, inside the encrypted database, and are made the
first time they are needed. Their public halves go out in enrolment files.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyrage import x25519
from sqlalchemy import select
from sqlalchemy.orm import Session

from mdtdesk.store.models import StoreMeta

_SIGNING = "sync_signing_key"
_AGE = "sync_age_identity"
ROLE = "role"


@dataclass(frozen=True)
class DeviceKeys:
    signing: Ed25519PrivateKey
    identity: x25519.Identity

    @property
    def signing_public(self) -> str:
        raw = self.signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode("ascii")

    @property
    def age_recipient(self) -> str:
        return str(self.identity.to_public())

    def sign(self, data: bytes) -> bytes:
        return self.signing.sign(data)


def _meta(session: Session, key: str) -> str | None:
    return session.execute(select(StoreMeta.value).where(StoreMeta.key == key)).scalar()


def device_keys(session: Session) -> DeviceKeys:
    """This store's keys, made (in the session's transaction) if it has none yet."""
    signing_text, age_text = _meta(session, _SIGNING), _meta(session, _AGE)
    if signing_text is None or age_text is None:
        signing = Ed25519PrivateKey.generate()
        identity = x25519.Identity.generate()
        raw = signing.private_bytes_raw()
        session.add(StoreMeta(key=_SIGNING, value=base64.b64encode(raw).decode("ascii")))
        session.add(StoreMeta(key=_AGE, value=str(identity)))
        session.flush()
        return DeviceKeys(signing, identity)
    signing = Ed25519PrivateKey.from_private_bytes(base64.b64decode(signing_text))
    return DeviceKeys(signing, x25519.Identity.from_str(age_text))


def role(session: Session) -> str:
    return _meta(session, ROLE) or "practice"


def public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))


def fingerprint(signing_public: str, age_recipient: str) -> str:
    """Eight groups of four characters to read over the phone: both keys in one."""
    digest = hashlib.sha256(
        b"mdtdesk enrolment 1\n" + signing_public.encode() + b"\n" + age_recipient.encode()
    ).digest()
    text = base64.b32encode(digest[:20]).decode("ascii")
    return " ".join(text[i : i + 4] for i in range(0, 32, 4))
