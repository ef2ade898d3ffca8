"""Meetings: weekly series, attendance, GP time slots, time spent per case, and
requests to discuss a person.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
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
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("series_id", sa.String(length=36), nullable=True))
        batch.create_index("ix_meeting_series_id", ["series_id"], unique=False)
    # Added in place: rebuilding agenda_item (batch mode) would break the foreign keys
    # that outcomes and actions hold to it. Both databases accept this statement.
    op.execute("ALTER TABLE agenda_item ADD COLUMN gp_id VARCHAR(36) REFERENCES staff_member (id)")
    with op.batch_alter_table("agenda_item") as batch:
        batch.add_column(
            sa.Column("seconds_spent", sa.Integer(), nullable=False, server_default="0")
        )
    _new_table(
        "meeting_attendee",
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("discipline", sa.String(length=40), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_member.id"]),
    )
    op.create_index("ix_meeting_attendee_meeting_id", "meeting_attendee", ["meeting_id"])
    _new_table(
        "discussion_request",
        sa.Column("patient_id", sa.String(length=36), nullable=False),
        sa.Column("requested_by_id", sa.String(length=36), nullable=True),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.ForeignKeyConstraint(["requested_by_id"], ["staff_member.id"]),
    )
    op.create_index("ix_discussion_request_patient_id", "discussion_request", ["patient_id"])


def downgrade() -> None:
    op.drop_table("discussion_request")
    op.drop_table("meeting_attendee")
    with op.batch_alter_table("agenda_item") as batch:
        batch.drop_column("seconds_spent")
        batch.drop_column("gp_id")
    with op.batch_alter_table("meeting") as batch:
        batch.drop_index("ix_meeting_series_id")
        batch.drop_column("series_id")
