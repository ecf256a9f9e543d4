"""Pacticipant labels: pacticipant_label (webhooks can select pacticipants by label)

Revision ID: 0005_pacticipant_labels
Revises: 0001_core
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_pacticipant_labels"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pacticipant_label",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pacticipant_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pacticipant_id", "name", name="uq_pacticipant_label"),
    )
    op.create_index("ix_pacticipant_label_name", "pacticipant_label", ["name"], unique=False)


def downgrade() -> None:
    op.drop_table("pacticipant_label")
