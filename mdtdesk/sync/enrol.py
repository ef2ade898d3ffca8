"""Enrolment: the public file each side gives the other, and taking one in.

A practice takes in its hub's file; a hub takes in each practice's. The file holds
public keys only and is signed with the key it announces; the fingerprint printed on
both sides is what people compare over the phone before saying yes.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from sqlalchemy import select

from mdtdesk.store import atomic, audit
from mdtdesk.store.errors import StoreError
from mdtdesk.store.opened import OpenStore
from mdtdesk.store.sync_tables import SyncPeer
from mdtdesk.sync import keys
from mdtdesk.sync.fileformat import canonical

FORMAT = 1


class EnrolmentRefused(StoreError):
    pass


@dataclass(frozen=True)
class Enrolment:
    role: str
    ods_code: str
    name: str
    node_id: str
    signing_key: str
    age_recipient: str

    @property
    def fingerprint(self) -> str:
        return keys.fingerprint(self.signing_key, self.age_recipient)

    def body(self) -> dict[str, Any]:
        return {
            "mdtdesk_enrolment": FORMAT,
            "role": self.role,
            "ods_code": self.ods_code,
            "name": self.name,
            "node_id": self.node_id,
            "signing_key": self.signing_key,
            "age_recipient": self.age_recipient,
        }


def own_enrolment(store: OpenStore) -> Enrolment:
    practice = store.practice()
    with store.session() as s, s.begin():
        device = keys.device_keys(s)
        role = keys.role(s)
    return Enrolment(
        role,
        practice.ods_code,
        practice.name,
        store.node_id,
        device.signing_public,
        device.age_recipient,
    )


def export_enrolment(store: OpenStore, out: Path) -> Enrolment:
    mine = own_enrolment(store)
    with store.session() as s, s.begin():
        device = keys.device_keys(s)
        body = mine.body()
        body["signature"] = base64.b64encode(device.sign(canonical(body))).decode("ascii")
        audit.log(s, "export", entity="enrolment", file=out.name)
    atomic.write_bytes(out, json.dumps(body, indent=2).encode("utf-8") + b"\n")
    return mine


def read_enrolment(path: Path) -> Enrolment:
    """The file's contents, or EnrolmentRefused saying what is wrong with it."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EnrolmentRefused(f"Cannot read {path}: {exc.strerror}.") from None
    except (ValueError, UnicodeDecodeError):
        raise EnrolmentRefused(f"{path} is not an mdtdesk enrolment file.") from None
    if not isinstance(body, dict) or "mdtdesk_enrolment" not in body:
        raise EnrolmentRefused(f"{path} is not an mdtdesk enrolment file.")
    if body["mdtdesk_enrolment"] != FORMAT:
        raise EnrolmentRefused(
            f"{path} is enrolment format {body['mdtdesk_enrolment']}; "
            f"this app reads format {FORMAT}. Update mdtdesk."
        )
    names = ("role", "ods_code", "name", "node_id", "signing_key", "age_recipient", "signature")
    missing = [n for n in names if not isinstance(body.get(n), str)]
    if missing:
        raise EnrolmentRefused(f"{path} lacks {', '.join(missing)}.")
    signature = body.pop("signature")
    try:
        keys.public_key(body["signing_key"]).verify(base64.b64decode(signature), canonical(body))
    except (InvalidSignature, ValueError):
        raise EnrolmentRefused(
            f"{path} is not signed by the key it announces: it was changed or damaged."
        ) from None
    if body["role"] not in ("hub", "practice"):
        raise EnrolmentRefused(f"{path}: role {body['role']!r} is not hub or practice.")
    return Enrolment(*(body[n] for n in names[:-1]))


@dataclass(frozen=True)
class Enrolled:
    peer: Enrolment
    already: bool


def import_enrolment(store: OpenStore, theirs: Enrolment) -> Enrolled:
    """Take in the other side's enrolment (after a person compared fingerprints)."""
    with store.session() as s, s.begin():
        mine = keys.role(s)
        wanted = "practice" if mine == "hub" else "hub"
        if theirs.role != wanted:
            raise EnrolmentRefused(
                f"This is a {mine} store: it takes a {wanted}'s enrolment file, "
                f"not a {theirs.role}'s ({theirs.name})."
            )
        if theirs.node_id == store.node_id:
            raise EnrolmentRefused("That is this store's own enrolment file.")
        known = s.get(SyncPeer, theirs.node_id)
        if known is not None:
            if (known.signing_key, known.age_recipient) != (
                theirs.signing_key,
                theirs.age_recipient,
            ):
                raise EnrolmentRefused(
                    f"{theirs.name} is already enrolled with different keys; nothing was "
                    "changed. Ask them where the new keys came from before going further."
                )
            return Enrolled(theirs, already=True)
        if mine == "practice":
            other = s.execute(select(SyncPeer).where(SyncPeer.role == "hub")).scalars().first()
            if other is not None:
                raise EnrolmentRefused(
                    f"This practice already syncs with {other.name}; a practice has one hub."
                )
        s.add(
            SyncPeer(
                node_id=theirs.node_id,
                role=theirs.role,
                ods_code=theirs.ods_code,
                name=theirs.name,
                signing_key=theirs.signing_key,
                age_recipient=theirs.age_recipient,
                fingerprint=theirs.fingerprint,
                enrolled_at=store.clock.now(),
                enrolled_by=store.actor.name,
                in_seq=0,
                in_hash="",
                in_changes=0,
                in_gaps="[]",
                audit_seq=0,
                audit_head="",
                out_seq=0,
                out_hash="",
                acked_changes=0,
                acked_audit=0,
                withheld="{}",
            )
        )
        audit.log(
            s,
            "import",
            entity="enrolment",
            record_id=theirs.node_id,
            peer=theirs.name,
            ods=theirs.ods_code,
            fingerprint=theirs.fingerprint,
        )
    return Enrolled(theirs, already=False)
