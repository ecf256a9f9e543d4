"""Core tables: pacticipant, version, branch, branch_version, tag, pact_version, pact_publication, integration.

Revision ID: 0001_core
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pacticipant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("repository_url", sa.Text(), nullable=True),
        sa.Column("repository_name", sa.String(length=255), nullable=True),
        sa.Column("repository_namespace", sa.String(length=255), nullable=True),
        sa.Column("main_branch", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", name="uq_pacticipant_name"),
    )
    op.create_table(
        "branch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pacticipant_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pacticipant_id", "name", name="uq_branch_pacticipant_name"),
    )
    op.create_table(
        "integration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contract_data_updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["consumer_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["provider_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("consumer_id", "provider_id", name="uq_integration_pair"),
    )
    op.create_index("ix_integration_provider", "integration", ["provider_id"], unique=False)
    op.create_table(
        "pact_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("sha", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["consumer_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["provider_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("consumer_id", "provider_id", "sha", name="uq_pact_version_sha"),
    )
    op.create_index("ix_pact_version_sha", "pact_version", ["sha"], unique=False)
    op.create_table(
        "version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=255), nullable=False),
        sa.Column("build_url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pacticipant_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pacticipant_id", "number", name="uq_version_pacticipant_number"),
    )
    op.create_index("ix_version_pacticipant_order", "version", ["pacticipant_id", "id"], unique=False)
    op.create_table(
        "branch_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("branch_name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["pacticipant_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("branch_id", "version_id", name="uq_branch_version"),
    )
    op.create_index("ix_branch_version_branch_order", "branch_version", ["branch_id", "id"], unique=False)
    op.create_index(
        "ix_branch_version_pacticipant_branch_name",
        "branch_version",
        ["pacticipant_id", "branch_name", "id"],
        unique=False,
    )
    op.create_index(
        "ix_branch_version_version_branch_name", "branch_version", ["version_id", "branch_name"], unique=False
    )
    op.create_table(
        "pact_publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("consumer_version_id", sa.Integer(), nullable=False),
        sa.Column("pact_version_id", sa.Integer(), nullable=False),
        sa.Column("revision_number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["consumer_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["consumer_version_id"], ["version.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["pact_version_id"], ["pact_version.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["provider_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "consumer_version_id", "provider_id", name="uq_pact_publication_version_provider"
        ),
    )
    op.create_index("ix_pact_publication_pact_version", "pact_publication", ["pact_version_id"], unique=False)
    op.create_index(
        "ix_pact_publication_pair_version",
        "pact_publication",
        ["provider_id", "consumer_id", "consumer_version_id"],
        unique=False,
    )
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pacticipant_id"], ["pacticipant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "name", name="uq_tag_version_name"),
    )
    op.create_index(
        "ix_tag_pacticipant_name_version", "tag", ["pacticipant_id", "name", "version_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_tag_pacticipant_name_version", table_name="tag")
    op.drop_table("tag")
    op.drop_index("ix_pact_publication_pair_version", table_name="pact_publication")
    op.drop_index("ix_pact_publication_pact_version", table_name="pact_publication")
    op.drop_table("pact_publication")
    op.drop_index("ix_branch_version_version_branch_name", table_name="branch_version")
    op.drop_index("ix_branch_version_pacticipant_branch_name", table_name="branch_version")
    op.drop_index("ix_branch_version_branch_order", table_name="branch_version")
    op.drop_table("branch_version")
    op.drop_index("ix_version_pacticipant_order", table_name="version")
    op.drop_table("version")
    op.drop_index("ix_pact_version_sha", table_name="pact_version")
    op.drop_table("pact_version")
    op.drop_index("ix_integration_provider", table_name="integration")
    op.drop_table("integration")
    op.drop_table("branch")
    op.drop_table("pacticipant")
