"""Bi-directional contract testing: provider contracts (OpenAPI specs) and cross-check results.

* ``provider_contract`` is the spec a provider version published, with the provider's own
  self-verification result (the tool that checked the running provider against the spec). One per
  provider version; re-publishing replaces it.
* ``provider_contract_check`` is the static comparison of one pact version with one provider
  contract: ``status`` ``pending`` (queued; computed by the background worker or on demand) →
  ``success`` | ``failure`` | ``unknown`` (no checker installed, or the spec could not be read;
  ``failure_reason`` says which). ``errors``/``warnings`` are the findings in PactFlow's JSON shape.
  ``provider_version_id`` and ``consumer_id``/``provider_id`` are copied for the matrix query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from broker.clock import now


def _ts() -> datetime:
    return now()


class ProviderContract(SQLModel, table=True):
    __tablename__ = "provider_contract"
    __table_args__ = (
        UniqueConstraint("provider_version_id", name="uq_provider_contract_version"),
        Index("ix_provider_contract_provider", "provider_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(
        sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    provider_version_id: int = Field(
        sa_column_args=[ForeignKey("version.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    specification: str = Field(default="oas", sa_type=String(32), nullable=False)
    content_type: str = Field(sa_type=String(100), nullable=False)
    content: str = Field(sa_type=Text, nullable=False)
    content_sha: str = Field(sa_type=String(64), nullable=False)
    self_verification_success: bool | None = Field(default=None, sa_type=Boolean)
    self_verification_content: str | None = Field(default=None, sa_type=Text)
    self_verification_content_type: str | None = Field(default=None, sa_type=String(100))
    self_verification_format: str | None = Field(default=None, sa_type=String(100))
    verifier: str | None = Field(default=None, sa_type=String(255))
    verifier_version: str | None = Field(default=None, sa_type=String(255))
    build_url: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
    updated_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)


class ProviderContractCheck(SQLModel, table=True):
    __tablename__ = "provider_contract_check"
    __table_args__ = (
        UniqueConstraint("provider_contract_id", "pact_version_id", name="uq_provider_contract_check"),
        Index("ix_provider_contract_check_pact_version", "pact_version_id", "provider_version_id"),
        Index("ix_provider_contract_check_status", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    provider_contract_id: int = Field(
        sa_column_args=[ForeignKey("provider_contract.id", ondelete="CASCADE")],
        sa_type=Integer,
        nullable=False,
    )
    pact_version_id: int = Field(
        sa_column_args=[ForeignKey("pact_version.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    provider_version_id: int = Field(
        sa_column_args=[ForeignKey("version.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    consumer_id: int = Field(sa_type=Integer, nullable=False)
    provider_id: int = Field(sa_type=Integer, nullable=False)
    status: str = Field(default="pending", sa_type=String(16), nullable=False)
    success: bool | None = Field(default=None, sa_type=Boolean)
    errors: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON, nullable=False)
    warnings: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON, nullable=False)
    failure_reason: str | None = Field(default=None, sa_type=Text)
    checker: str | None = Field(default=None, sa_type=String(255))
    checker_version: str | None = Field(default=None, sa_type=String(255))
    checked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    lease_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
