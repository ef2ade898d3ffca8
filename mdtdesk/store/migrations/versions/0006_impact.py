"""Impact: a patient's date of death, and the risk register with its hospital events
(the comparison pool, local to the store).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("patient", sa.Column("date_of_death", sa.Date(), nullable=True))
    op.create_table(
        "register_person",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("nhs_number", sa.String(length=10), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=True),
        sa.Column("given_name", sa.String(length=100), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=10), nullable=False),
        sa.Column("efi_score", sa.Float(), nullable=True),
        sa.Column("date_of_death", sa.Date(), nullable=True),
        sa.Column("postcode", sa.String(length=8), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nhs_number"),
    )
    op.create_table(
        "register_event",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("register_id", sa.String(length=36), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("provider", sa.String(length=10), nullable=True),
        sa.Column("diagnosis", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(["register_id"], ["register_person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_register_event_register_id", "register_event", ["register_id"])


def downgrade() -> None:
    op.drop_index("ix_register_event_register_id", table_name="register_event")
    op.drop_table("register_event")
    op.drop_table("register_person")
    op.drop_column("patient", "date_of_death")
