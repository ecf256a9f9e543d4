"""Bi-directional contracts: provider_contract and provider_contract_check.

Revision ID: 0004_provider_contracts
Revises: 0001_core
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_provider_contracts"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider_contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("provider_version_id", sa.Integer(), nullable=False),
        sa.Column("specification", sa.String(length=32), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_sha", sa.String(length=64), nullable=False),
        sa.Column("self_verification_success", sa.Boolean(), nullable=True),
        sa.Column("self_verification_content", sa.Text(), nullable=True),
        sa.Column("self_verification_content_type", sa.String(length=100), nullable=True),
        sa.Column("self_verification_format", sa.String(length=100), nullable=True),
        sa.Column("verifier", sa.String(length=255), nullable=True),
        sa.Column("verifier_version", sa.String(length=255), nullable=True),
        sa.Column("build_url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["provider_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["provider_version_id"], ["version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider_version_id", name="uq_provider_contract_version"),
    )
    op.create_index("ix_provider_contract_provider", "provider_contract", ["provider_id", "id"], unique=False)
    op.create_table(
        "provider_contract_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_contract_id", sa.Integer(), nullable=False),
        sa.Column("pact_version_id", sa.Integer(), nullable=False),
        sa.Column("provider_version_id", sa.Integer(), nullable=False),
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("checker", sa.String(length=255), nullable=True),
        sa.Column("checker_version", sa.String(length=255), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["provider_contract_id"], ["provider_contract.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["pact_version_id"], ["pact_version.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["provider_version_id"], ["version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider_contract_id", "pact_version_id", name="uq_provider_contract_check"),
    )
    op.create_index(
        "ix_provider_contract_check_pact_version",
        "provider_contract_check",
        ["pact_version_id", "provider_version_id"],
        unique=False,
    )
    op.create_index(
        "ix_provider_contract_check_status", "provider_contract_check", ["status", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("provider_contract_check")
    op.drop_table("provider_contract")
