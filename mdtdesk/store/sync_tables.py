"""Local sync bookkeeping: enrolled peers, file history, conflict and duplicate queues,
and the audit rows practices sent to a hub.

None of these are synced records: each store keeps its own. Conflict resolutions and
duplicate merges change real records, and those changes sync.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mdtdesk.store.ids import new_id
from mdtdesk.store.models import Base
from mdtdesk.store.types import UtcDateTime


class SyncPeer(Base):
    """The other side of a sync channel, taken in from its enrolment file."""

    __tablename__ = "sync_peer"

    node_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))
    ods_code: Mapped[str] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(200))
    signing_key: Mapped[str] = mapped_column(String(64))
    age_recipient: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64))
    enrolled_at: Mapped[datetime] = mapped_column(UtcDateTime)
    enrolled_by: Mapped[str] = mapped_column(String(200))
    # Files from the peer: the last sequence taken, that file's hash, the peer's change
    # number it covered, sequences that never arrived, the peer's audit chain head.
    in_seq: Mapped[int] = mapped_column(Integer, default=0)
    in_hash: Mapped[str] = mapped_column(String(64), default="")
    in_changes: Mapped[int] = mapped_column(Integer, default=0)
    in_gaps: Mapped[str] = mapped_column(Text, default="[]")
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_head: Mapped[str] = mapped_column(String(64), default="")
    last_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Files to the peer: the last sequence written and its hash; what the peer has
    # acknowledged of our changes and our audit rows.
    out_seq: Mapped[int] = mapped_column(Integer, default=0)
    out_hash: Mapped[str] = mapped_column(String(64), default="")
    acked_changes: Mapped[int] = mapped_column(Integer, default=0)
    acked_audit: Mapped[int] = mapped_column(Integer, default=0)
    last_out_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Patients whose consent was declined when sent (id -> 0), or since released (id ->
    # the change number of the file that sent them in full, kept until acknowledged).
    withheld: Mapped[str] = mapped_column(Text, default="{}")


class SyncFile(Base):
    """One line of sync history: a file written, taken in, or refused."""

    __tablename__ = "sync_file"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    direction: Mapped[str] = mapped_column(String(10))
    peer: Mapped[str] = mapped_column(String(200))
    sequence: Mapped[int | None] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(Text)
    file_hash: Mapped[str] = mapped_column(String(64))
    by: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="{}")
    message: Mapped[str] = mapped_column(Text, default="")


class SyncConflict(Base):
    """Two concurrent values of a clinically significant field, or an edit and a delete."""

    __tablename__ = "sync_conflict"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    patient_id: Mapped[str | None] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))
    kept_value: Mapped[str] = mapped_column(Text)
    kept_clock: Mapped[str] = mapped_column(String(64))
    kept_by: Mapped[str] = mapped_column(String(200))
    kept_from: Mapped[str] = mapped_column(String(200))
    other_value: Mapped[str] = mapped_column(Text)
    other_clock: Mapped[str] = mapped_column(String(64))
    other_by: Mapped[str] = mapped_column(String(200))
    other_from: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolution: Mapped[str | None] = mapped_column(Text)


class SyncDuplicate(Base):
    """One NHS number found under more than one patient id."""

    __tablename__ = "sync_duplicate"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    nhs_number: Mapped[str] = mapped_column(String(10), index=True)
    patient_ids: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    kept_id: Mapped[str | None] = mapped_column(String(36))


class RemoteAuditEvent(Base):
    """An audit row a practice device sent to the hub, chain intact."""

    __tablename__ = "remote_audit_event"

    device: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(30))
    entity: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class PracticeFigures(Base):
    """A practice's impact report counts (never people), as its newest file sent them:
    what the hub pools (mdtdesk.impact.pooling)."""

    __tablename__ = "practice_figures"

    ods_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    practice: Mapped[str] = mapped_column(String(200))
    device: Mapped[str] = mapped_column(String(36))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    figures: Mapped[str] = mapped_column(Text)


SYNC_TABLES = (SyncPeer, SyncFile, SyncConflict, SyncDuplicate, RemoteAuditEvent, PracticeFigures)
