"""Verification results and environments: verification, latest_verification, environment,
deployed_version, released_version.

Revision ID: 0002_verification_env
Revises: 0001_core
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_verification_env"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pact_version_id", sa.Integer(), nullable=False),
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("provider_version_id", sa.Integer(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("build_url", sa.Text(), nullable=True),
        sa.Column("test_results", sa.JSON(), nullable=True),
        sa.Column("verified_by", sa.JSON(), nullable=True),
        sa.Column("provider_version_branch", sa.String(length=255), nullable=True),
        sa.Column("provider_version_tags", sa.JSON(), nullable=True),
        sa.Column("consumer_version_ids", sa.JSON(), nullable=True),
        sa.Column("wip", sa.Boolean(), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.Column("execution_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pact_version_id"], ["pact_version.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["consumer_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["provider_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["provider_version_id"], ["version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_verification_pact_version_provider_version",
        "verification",
        ["pact_version_id", "provider_version_id", "id"],
    )
    op.create_index("ix_verification_provider_version", "verification", ["provider_version_id"])
    op.create_index(
        "ix_verification_pact_version_success", "verification", ["pact_version_id", "success", "wip"]
    )
    op.create_index("ix_verification_provider_consumer", "verification", ["provider_id", "consumer_id", "id"])
    op.create_table(
        "latest_verification",
        sa.Column("pact_version_id", sa.Integer(), nullable=False),
        sa.Column("provider_version_id", sa.Integer(), nullable=False),
        sa.Column("verification_id", sa.Integer(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["pact_version_id"], ["pact_version.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["provider_version_id"], ["version.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["verification_id"], ["verification.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pact_version_id", "provider_version_id"),
    )
    op.create_index(
        "ix_latest_verification_provider_version",
        "latest_verification",
        ["provider_version_id", "pact_version_id"],
    )
    op.create_table(
        "environment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("production", sa.Boolean(), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid", name="uq_environment_uuid"),
        sa.UniqueConstraint("name", name="uq_environment_name"),
    )
    op.create_table(
        "deployed_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("environment_id", sa.Integer(), nullable=False),
        sa.Column("application_instance", sa.String(length=255), nullable=True),
        sa.Column("instance_key", sa.String(length=255), nullable=False),
        sa.Column("currently_deployed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undeployed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["pacticipant_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["version.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["environment_id"], ["environment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid", name="uq_deployed_version_uuid"),
    )
    op.create_index(
        "uq_deployed_version_current",
        "deployed_version",
        ["pacticipant_id", "environment_id", "instance_key"],
        unique=True,
        sqlite_where=sa.text("currently_deployed = 1"),
        postgresql_where=sa.text("currently_deployed"),
    )
    op.create_index(
        "ix_deployed_version_environment_current",
        "deployed_version",
        ["environment_id", "currently_deployed", "pacticipant_id"],
    )
    op.create_index("ix_deployed_version_version", "deployed_version", ["version_id", "environment_id"])
    op.create_table(
        "released_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("environment_id", sa.Integer(), nullable=False),
        sa.Column("currently_supported", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("support_ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["pacticipant_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["version.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["environment_id"], ["environment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid", name="uq_released_version_uuid"),
        sa.UniqueConstraint("version_id", "environment_id", name="uq_released_version_version_environment"),
    )
    op.create_index(
        "ix_released_version_environment_current",
        "released_version",
        ["environment_id", "currently_supported", "pacticipant_id"],
    )


def downgrade() -> None:
    op.drop_table("released_version")
    op.drop_table("deployed_version")
    op.drop_table("environment")
    op.drop_table("latest_verification")
    op.drop_table("verification")
