"""Webhooks: webhook, webhook_event, triggered_webhook (the delivery outbox), webhook_execution.

Revision ID: 0003_webhooks
Revises: 0001_core
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_webhooks"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("consumer_name", sa.String(length=255), nullable=True),
        sa.Column("consumer_label", sa.String(length=255), nullable=True),
        sa.Column("provider_name", sa.String(length=255), nullable=True),
        sa.Column("provider_label", sa.String(length=255), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=True),
        sa.Column("username", sa.Text(), nullable=True),
        sa.Column("password", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid", name="uq_webhook_uuid"),
    )
    op.create_table(
        "webhook_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["webhook_id"], ["webhook.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("webhook_id", "name", name="uq_webhook_event"),
    )
    op.create_index("ix_webhook_event_name", "webhook_event", ["name", "webhook_id"], unique=False)
    op.create_table(
        "triggered_webhook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=64), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=True),
        sa.Column("webhook_uuid", sa.String(length=64), nullable=False),
        sa.Column("event_name", sa.String(length=64), nullable=False),
        sa.Column("trigger_type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts_made", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("consumer_name", sa.String(length=255), nullable=True),
        sa.Column("provider_name", sa.String(length=255), nullable=True),
        sa.Column("consumer_version_number", sa.String(length=255), nullable=True),
        sa.Column("provider_version_number", sa.String(length=255), nullable=True),
        sa.Column("pact_version_sha", sa.String(length=64), nullable=True),
        sa.Column("verification_id", sa.Integer(), nullable=True),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["webhook_id"], ["webhook.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid", name="uq_triggered_webhook_uuid"),
    )
    op.create_index(
        "ix_triggered_webhook_due", "triggered_webhook", ["status", "next_attempt_at"], unique=False
    )
    op.create_index("ix_triggered_webhook_webhook", "triggered_webhook", ["webhook_id", "id"], unique=False)
    op.create_index(
        "ix_triggered_webhook_pair_version",
        "triggered_webhook",
        ["provider_name", "consumer_name", "consumer_version_number"],
        unique=False,
    )
    op.create_index(
        "ix_triggered_webhook_verification", "triggered_webhook", ["verification_id"], unique=False
    )
    op.create_table(
        "webhook_execution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("triggered_webhook_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("logs", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["triggered_webhook_id"], ["triggered_webhook.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_webhook_execution_triggered", "webhook_execution", ["triggered_webhook_id", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("webhook_execution")
    op.drop_table("triggered_webhook")
    op.drop_table("webhook_event")
    op.drop_table("webhook")
