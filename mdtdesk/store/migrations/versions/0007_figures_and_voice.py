"""The hub's practice figures (the impact report counts each practice sends, pooled
per practice and for the locality) and the person's voice (experience questionnaire
responses, a synced record).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practice_figures",
        sa.Column("ods_code", sa.String(length=10), nullable=False),
        sa.Column("practice", sa.String(length=200), nullable=False),
        sa.Column("device", sa.String(length=36), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("ods_code"),
    )
    # A synced record: the columns every record has (models.Record), then its own.
    op.create_table(
        "questionnaire_response",
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
        sa.Column("patient_id", sa.String(length=36), nullable=False),
        sa.Column("timepoint", sa.String(length=12), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("questionnaire", sa.String(length=40), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("person_centred", sa.Float(), nullable=True),
        sa.Column("coordinated", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_questionnaire_response_patient_id", "questionnaire_response", ["patient_id"]
    )
    op.create_index("ix_questionnaire_response_sync_seq", "questionnaire_response", ["sync_seq"])


def downgrade() -> None:
    op.drop_index("ix_questionnaire_response_sync_seq", table_name="questionnaire_response")
    op.drop_index("ix_questionnaire_response_patient_id", table_name="questionnaire_response")
    op.drop_table("questionnaire_response")
    op.drop_table("practice_figures")
