"""Verification results: a provider version's verdict on one pact version (content).

* ``verification`` keeps every published result (several per (pact version, provider version) are
  allowed). ``provider_version_branch`` / ``provider_version_tags`` record what the provider version
  carried at the time, ``wip`` / ``pending`` come from the pact URL metadata the verifier used, and
  ``consumer_version_ids`` names the consumer versions the verifier was asked to verify.
* ``latest_verification`` holds the newest result per (pact version, provider version), maintained on
  publish, so the matrix and can-i-deploy never need "latest per group" sub-queries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from broker.clock import now
from broker.tables.core import NAME_LENGTH


def _ts() -> datetime:
    return now()


class Verification(SQLModel, table=True):
    __tablename__ = "verification"
    __table_args__ = (
        Index(
            "ix_verification_pact_version_provider_version", "pact_version_id", "provider_version_id", "id"
        ),
        Index("ix_verification_provider_version", "provider_version_id"),
        Index("ix_verification_pact_version_success", "pact_version_id", "success", "wip"),
        Index("ix_verification_provider_consumer", "provider_id", "consumer_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pact_version_id: int = Field(
        sa_column_args=[ForeignKey("pact_version.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    consumer_id: int = Field(
        sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    provider_id: int = Field(
        sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    provider_version_id: int = Field(
        sa_column_args=[ForeignKey("version.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    success: bool = Field(sa_type=Boolean, nullable=False)
    build_url: str | None = Field(default=None, sa_type=Text)
    test_results: Any = Field(default=None, sa_type=JSON)
    verified_by: Any = Field(default=None, sa_type=JSON)
    provider_version_branch: str | None = Field(default=None, sa_type=String(NAME_LENGTH))
    provider_version_tags: Any = Field(default=None, sa_type=JSON)
    consumer_version_ids: Any = Field(default=None, sa_type=JSON)
    wip: bool = Field(default=False, sa_type=Boolean, nullable=False)
    pending: bool = Field(default=False, sa_type=Boolean, nullable=False)
    execution_date: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)


class LatestVerification(SQLModel, table=True):
    __tablename__ = "latest_verification"
    __table_args__ = (
        Index("ix_latest_verification_provider_version", "provider_version_id", "pact_version_id"),
    )

    pact_version_id: int = Field(
        sa_column_args=[ForeignKey("pact_version.id", ondelete="CASCADE")],
        sa_type=Integer,
        primary_key=True,
    )
    provider_version_id: int = Field(
        sa_column_args=[ForeignKey("version.id", ondelete="CASCADE")], sa_type=Integer, primary_key=True
    )
    verification_id: int = Field(
        sa_column_args=[ForeignKey("verification.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    success: bool = Field(sa_type=Boolean, nullable=False)
