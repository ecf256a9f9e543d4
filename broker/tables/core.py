"""Core tables: pacticipants, their versions, branches and tags, and published pacts.

* ``version.id`` is the creation order of a pacticipant's versions ("latest" = highest id).
* ``branch_version.id`` is the order versions joined a branch (the branch head = highest id).
* ``pact_version`` is unique content per (consumer, provider), identified by ``sha``.
* ``pact_publication`` is one row per (consumer version, provider) pointing at its *current* pact
  version; an allowed overwrite bumps ``revision_number`` in place, so "latest revision" never needs a
  sub-query.
* ``integration`` is one row per (consumer, provider) pair that has a pact, maintained on publish.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from broker.clock import now

NAME_LENGTH = 255


def _ts() -> datetime:
    return now()


class Pacticipant(SQLModel, table=True):
    __tablename__ = "pacticipant"
    __table_args__ = (UniqueConstraint("name", name="uq_pacticipant_name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(NAME_LENGTH), nullable=False)
    display_name: str | None = Field(default=None, sa_type=String(NAME_LENGTH))
    repository_url: str | None = Field(default=None, sa_type=Text)
    repository_name: str | None = Field(default=None, sa_type=String(NAME_LENGTH))
    repository_namespace: str | None = Field(default=None, sa_type=String(NAME_LENGTH))
    main_branch: str | None = Field(default=None, sa_type=String(NAME_LENGTH))
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
    updated_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)


class Version(SQLModel, table=True):
    __tablename__ = "version"
    __table_args__ = (
        UniqueConstraint("pacticipant_id", "number", name="uq_version_pacticipant_number"),
        Index("ix_version_pacticipant_order", "pacticipant_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pacticipant_id: int = Field(
        sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    number: str = Field(sa_type=String(NAME_LENGTH), nullable=False)
    build_url: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
    updated_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)


class Branch(SQLModel, table=True):
    __tablename__ = "branch"
    __table_args__ = (UniqueConstraint("pacticipant_id", "name", name="uq_branch_pacticipant_name"),)

    id: int | None = Field(default=None, primary_key=True)
    pacticipant_id: int = Field(
        sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    name: str = Field(sa_type=String(NAME_LENGTH), nullable=False)
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
    updated_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)


class BranchVersion(SQLModel, table=True):
    __tablename__ = "branch_version"
    __table_args__ = (
        UniqueConstraint("branch_id", "version_id", name="uq_branch_version"),
        Index("ix_branch_version_version_branch_name", "version_id", "branch_name"),
        Index("ix_branch_version_branch_order", "branch_id", "id"),
        Index("ix_branch_version_pacticipant_branch_name", "pacticipant_id", "branch_name", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(
        sa_column_args=[ForeignKey("branch.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    version_id: int = Field(
        sa_column_args=[ForeignKey("version.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    pacticipant_id: int = Field(
        sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    branch_name: str = Field(sa_type=String(NAME_LENGTH), nullable=False)
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)


class Tag(SQLModel, table=True):
    __tablename__ = "tag"
    __table_args__ = (
        UniqueConstraint("version_id", "name", name="uq_tag_version_name"),
        Index("ix_tag_pacticipant_name_version", "pacticipant_id", "name", "version_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(
        sa_column_args=[ForeignKey("version.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    pacticipant_id: int = Field(
        sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    name: str = Field(sa_type=String(NAME_LENGTH), nullable=False)
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)


class PactVersion(SQLModel, table=True):
    __tablename__ = "pact_version"
    __table_args__ = (
        UniqueConstraint("consumer_id", "provider_id", "sha", name="uq_pact_version_sha"),
        Index("ix_pact_version_sha", "sha"),
    )

    id: int | None = Field(default=None, primary_key=True)
    consumer_id: int = Field(
        sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    provider_id: int = Field(
        sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    sha: str = Field(sa_type=String(64), nullable=False)
    content: str = Field(sa_type=Text, nullable=False)
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)


class PactPublication(SQLModel, table=True):
    __tablename__ = "pact_publication"
    __table_args__ = (
        UniqueConstraint("consumer_version_id", "provider_id", name="uq_pact_publication_version_provider"),
        Index("ix_pact_publication_pair_version", "provider_id", "consumer_id", "consumer_version_id"),
        Index("ix_pact_publication_pact_version", "pact_version_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    consumer_id: int = Field(
        sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    provider_id: int = Field(
        sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    consumer_version_id: int = Field(
        sa_column_args=[ForeignKey("version.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    pact_version_id: int = Field(
        sa_column_args=[ForeignKey("pact_version.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    revision_number: int = Field(default=1, nullable=False)
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
    updated_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)


class Integration(SQLModel, table=True):
    __tablename__ = "integration"
    __table_args__ = (
        UniqueConstraint("consumer_id", "provider_id", name="uq_integration_pair"),
        Index("ix_integration_provider", "provider_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    consumer_id: int = Field(
        sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    provider_id: int = Field(
        sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
    contract_data_updated_at: datetime = Field(
        default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False
    )
