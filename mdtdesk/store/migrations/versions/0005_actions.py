"""Actions: the history of every change, referrals to services, follow-ups from
contacts, and who a contact was with.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


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


def _new_table(name: str, *columns: sa.Column[object] | sa.ForeignKeyConstraint) -> None:
    op.create_table(name, *_record_columns(), *columns, sa.PrimaryKeyConstraint("id"))
    op.create_index(f"ix_{name}_sync_seq", name, ["sync_seq"])


def upgrade() -> None:
    _new_table(
        "service",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    # Added in place: rebuilding action (batch mode) would drop its foreign keys'
    # meaning for rows that already hold them. Both databases accept these statements.
    op.execute("ALTER TABLE action ADD COLUMN service_id VARCHAR(36) REFERENCES service (id)")
    op.execute(
        "ALTER TABLE action ADD COLUMN contact_id VARCHAR(36) REFERENCES contact_log_entry (id)"
    )
    op.add_column("action", sa.Column("referral_status", sa.String(length=20), nullable=True))
    for name in ("referral_sent_on", "referral_replied_on", "referral_seen_on"):
        op.add_column("action", sa.Column(name, sa.Date(), nullable=True))
    op.add_column("contact_log_entry", sa.Column("with_whom", sa.String(length=200), nullable=True))
    _new_table(
        "action_event",
        sa.Column("action_id", sa.String(length=36), nullable=False),
        sa.Column("patient_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=True),
        sa.Column("field", sa.String(length=30), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["action_id"], ["action.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_member.id"]),
    )
    op.create_index("ix_action_event_action_id", "action_event", ["action_id"])
    op.create_index("ix_action_event_patient_id", "action_event", ["patient_id"])


def downgrade() -> None:
    op.drop_table("action_event")
    with op.batch_alter_table("contact_log_entry") as batch:
        batch.drop_column("with_whom")
    with op.batch_alter_table("action") as batch:
        for name in (
            "referral_seen_on",
            "referral_replied_on",
            "referral_sent_on",
            "referral_status",
            "contact_id",
            "service_id",
        ):
            batch.drop_column(name)
    op.drop_table("service")
