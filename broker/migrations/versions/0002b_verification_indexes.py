"""Indexes for work-in-progress pacts: pact publications of a provider by creation time.

Lives with the verification area because only "pacts for verification" (WIP look-back) needs it; it is
not declared on the core ``PactPublication`` model.

Revision ID: 0002b_verification_indexes
Revises: 0002_verification_env
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0002b_verification_indexes"
down_revision = "0002_verification_env"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_pact_publication_provider_created", "pact_publication", ["provider_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_pact_publication_provider_created", table_name="pact_publication")
