"""Environments, and which pacticipant versions are deployed to or released in them.

* ``deployed_version``: one row per record-deployment. ``currently_deployed`` is cleared (and
  ``undeployed_at`` set) by record-undeployment or when another version of the same pacticipant is
  deployed to the same environment and application instance. ``instance_key`` is the application
  instance with ``""`` for "none", so a partial unique index can guarantee one current deployment per
  (pacticipant, environment, instance) even under concurrent requests.
* ``released_version``: one row per (version, environment); several versions can be supported at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from broker.clock import now
from broker.tables.core import NAME_LENGTH


def _ts() -> datetime:
    return now()


class Environment(SQLModel, table=True):
    __tablename__ = "environment"
    __table_args__ = (
        UniqueConstraint("uuid", name="uq_environment_uuid"),
        UniqueConstraint("name", name="uq_environment_name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(sa_type=String(36), nullable=False)
    name: str = Field(sa_type=String(NAME_LENGTH), nullable=False)
    display_name: str | None = Field(default=None, sa_type=String(NAME_LENGTH))
    production: bool = Field(default=False, sa_type=Boolean, nullable=False)
    contacts: Any = Field(default=None, sa_type=JSON)
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
    updated_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)


class DeployedVersion(SQLModel, table=True):
    __tablename__ = "deployed_version"
    __table_args__ = (
        UniqueConstraint("uuid", name="uq_deployed_version_uuid"),
        Index(
            "uq_deployed_version_current",
            "pacticipant_id",
            "environment_id",
            "instance_key",
            unique=True,
            sqlite_where=text("currently_deployed = 1"),
            postgresql_where=text("currently_deployed"),
        ),
        Index(
            "ix_deployed_version_environment_current",
            "environment_id",
            "currently_deployed",
            "pacticipant_id",
        ),
        Index("ix_deployed_version_version", "version_id", "environment_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(sa_type=String(36), nullable=False)
    pacticipant_id: int = Field(
        sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    version_id: int = Field(
        sa_column_args=[ForeignKey("version.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    environment_id: int = Field(
        sa_column_args=[ForeignKey("environment.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    application_instance: str | None = Field(default=None, sa_type=String(NAME_LENGTH))
    instance_key: str = Field(default="", sa_type=String(NAME_LENGTH), nullable=False)
    currently_deployed: bool = Field(default=True, sa_type=Boolean, nullable=False)
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
    updated_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
    undeployed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class ReleasedVersion(SQLModel, table=True):
    __tablename__ = "released_version"
    __table_args__ = (
        UniqueConstraint("uuid", name="uq_released_version_uuid"),
        UniqueConstraint("version_id", "environment_id", name="uq_released_version_version_environment"),
        Index(
            "ix_released_version_environment_current",
            "environment_id",
            "currently_supported",
            "pacticipant_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(sa_type=String(36), nullable=False)
    pacticipant_id: int = Field(
        sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    version_id: int = Field(
        sa_column_args=[ForeignKey("version.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    environment_id: int = Field(
        sa_column_args=[ForeignKey("environment.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    currently_supported: bool = Field(default=True, sa_type=Boolean, nullable=False)
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
    updated_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
    support_ended_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
