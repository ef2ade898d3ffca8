"""Sync: per-field clocks and change numbers on every record, patient redirects, and
the local sync bookkeeping (peers, file history, conflicts, duplicates, remote audit).

Records that exist already get one clock per record, taken from when they were last
written, and change number 1: the first export to a hub carries all of them.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RECORD_TABLES = (
    "practice",
    "staff_member",
    "patient",
    "condition",
    "risk_score",
    "key_contact",
    "care_plan",
    "meeting",
    "agenda_item",
    "outcome",
    "action",
    "contact_log_entry",
    "hospital_event",
)


def _record_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("node_id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.Column("sync_seq", sa.Integer(), nullable=False),
        sa.Column("sync_from", sa.String(length=36), nullable=True),
        sa.Column("home", sa.String(length=10), nullable=True),
        sa.Column("updated_by", sa.String(length=200), nullable=True),
    ]


def _clock(updated_at: datetime | str, node: str) -> str:
    if isinstance(updated_at, str):
        updated_at = datetime.fromisoformat(updated_at)
    ms = int(updated_at.replace(tzinfo=UTC).timestamp() * 1000)
    return f"{ms:015d}.{0:06d}.{node}"


def upgrade() -> None:
    bind = op.get_bind()
    newest = ""
    for table in RECORD_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("clocks", sa.Text(), nullable=False, server_default="{}"))
            batch.add_column(
                sa.Column("sync_seq", sa.Integer(), nullable=False, server_default="0")
            )
            batch.add_column(sa.Column("sync_from", sa.String(length=36), nullable=True))
            batch.add_column(sa.Column("home", sa.String(length=10), nullable=True))
            batch.add_column(sa.Column("updated_by", sa.String(length=200), nullable=True))
            batch.create_index(f"ix_{table}_sync_seq", ["sync_seq"], unique=False)
        rows = bind.execute(sa.text(f"SELECT id, updated_at, node_id FROM {table}")).all()
        stamped = [
            {"id": row[0], "clocks": '{"*":"' + _clock(row[1], row[2]) + '"}'} for row in rows
        ]
        for item in stamped:
            newest = max(newest, item["clocks"][6:-2])
        if stamped:
            bind.execute(
                sa.text(f"UPDATE {table} SET clocks = :clocks, sync_seq = 1 WHERE id = :id"),
                stamped,
            )

    op.create_table(
        "patient_redirect",
        *_record_columns(),
        sa.Column("from_patient_id", sa.String(length=36), nullable=False),
        sa.Column("to_patient_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_patient_redirect_from_patient_id", "patient_redirect", ["from_patient_id"])
    op.create_index("ix_patient_redirect_sync_seq", "patient_redirect", ["sync_seq"])

    op.create_table(
        "sync_peer",
        sa.Column("node_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("ods_code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("signing_key", sa.String(length=64), nullable=False),
        sa.Column("age_recipient", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        sa.Column("enrolled_by", sa.String(length=200), nullable=False),
        sa.Column("in_seq", sa.Integer(), nullable=False),
        sa.Column("in_hash", sa.String(length=64), nullable=False),
        sa.Column("in_changes", sa.Integer(), nullable=False),
        sa.Column("in_gaps", sa.Text(), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("audit_head", sa.String(length=64), nullable=False),
        sa.Column("last_in_at", sa.DateTime(), nullable=True),
        sa.Column("out_seq", sa.Integer(), nullable=False),
        sa.Column("out_hash", sa.String(length=64), nullable=False),
        sa.Column("acked_changes", sa.Integer(), nullable=False),
        sa.Column("acked_audit", sa.Integer(), nullable=False),
        sa.Column("last_out_at", sa.DateTime(), nullable=True),
        sa.Column("withheld", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("node_id"),
    )
    op.create_index("ix_sync_peer_ods_code", "sync_peer", ["ods_code"])
    op.create_table(
        "sync_file",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("peer", sa.String(length=200), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sync_file_at", "sync_file", ["at"])
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("patient_id", sa.String(length=36), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("kept_value", sa.Text(), nullable=False),
        sa.Column("kept_clock", sa.String(length=64), nullable=False),
        sa.Column("kept_by", sa.String(length=200), nullable=False),
        sa.Column("kept_from", sa.String(length=200), nullable=False),
        sa.Column("other_value", sa.Text(), nullable=False),
        sa.Column("other_clock", sa.String(length=64), nullable=False),
        sa.Column("other_by", sa.String(length=200), nullable=False),
        sa.Column("other_from", sa.String(length=200), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sync_conflict_record_id", "sync_conflict", ["record_id"])
    op.create_table(
        "sync_duplicate",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("nhs_number", sa.String(length=10), nullable=False),
        sa.Column("patient_ids", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.Column("kept_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sync_duplicate_nhs_number", "sync_duplicate", ["nhs_number"])
    op.create_table(
        "remote_audit_event",
        sa.Column("device", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=True),
        sa.Column("record_id", sa.String(length=36), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("device", "seq"),
    )
    meta = sa.table("store_meta", sa.column("key"), sa.column("value"))
    op.bulk_insert(meta, [{"key": "change_seq", "value": "1"}, {"key": "hlc", "value": newest}])


def downgrade() -> None:
    raise NotImplementedError("sync bookkeeping cannot be taken out of a store")
