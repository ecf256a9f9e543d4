"""Webhook tables: definitions, their events, the delivery outbox and every attempt's log.

* ``webhook`` is one definition. Consumer/provider filters are a pacticipant name or a label (both
  empty = any). The request template keeps placeholders; ``password`` is stored as given and never
  rendered back (the API masks it).
* ``webhook_event`` lists the events a webhook listens to (indexed by name for the event lookup).
* ``triggered_webhook`` is the **outbox**: one row per (webhook, event occurrence), written in the
  transaction that caused the event. ``status`` is ``not_run`` → ``retrying`` → ``success`` |
  ``failure``. A worker claims a due row by setting ``lease_until``/``claimed_by``; a row whose lease
  ran out (its process died mid-delivery) is due again, which gives at-least-once delivery.
  ``context`` holds the ``${pactbroker.*}`` values captured when the event happened.
* ``webhook_execution`` is one delivery attempt with its (redacted) log text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from broker.clock import now

NAME_LENGTH = 255


def _ts() -> datetime:
    return now()


class Webhook(SQLModel, table=True):
    __tablename__ = "webhook"
    __table_args__ = (UniqueConstraint("uuid", name="uq_webhook_uuid"),)

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(sa_type=String(64), nullable=False)
    description: str | None = Field(default=None, sa_type=Text)
    consumer_name: str | None = Field(default=None, sa_type=String(NAME_LENGTH))
    consumer_label: str | None = Field(default=None, sa_type=String(NAME_LENGTH))
    provider_name: str | None = Field(default=None, sa_type=String(NAME_LENGTH))
    provider_label: str | None = Field(default=None, sa_type=String(NAME_LENGTH))
    enabled: bool = Field(default=True, sa_type=Boolean, nullable=False)
    method: str = Field(sa_type=String(16), nullable=False)
    url: str = Field(sa_type=Text, nullable=False)
    headers: dict[str, str] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    body: Any = Field(default=None, sa_type=JSON, nullable=True)
    username: str | None = Field(default=None, sa_type=Text)
    password: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
    updated_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)


class WebhookEvent(SQLModel, table=True):
    __tablename__ = "webhook_event"
    __table_args__ = (
        UniqueConstraint("webhook_id", "name", name="uq_webhook_event"),
        Index("ix_webhook_event_name", "name", "webhook_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(
        sa_column_args=[ForeignKey("webhook.id", ondelete="CASCADE")], sa_type=Integer, nullable=False
    )
    name: str = Field(sa_type=String(64), nullable=False)


class TriggeredWebhook(SQLModel, table=True):
    __tablename__ = "triggered_webhook"
    __table_args__ = (
        UniqueConstraint("uuid", name="uq_triggered_webhook_uuid"),
        Index("ix_triggered_webhook_due", "status", "next_attempt_at"),
        Index("ix_triggered_webhook_webhook", "webhook_id", "id"),
        Index(
            "ix_triggered_webhook_pair_version", "provider_name", "consumer_name", "consumer_version_number"
        ),
        Index("ix_triggered_webhook_verification", "verification_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(sa_type=String(64), nullable=False)
    webhook_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("webhook.id", ondelete="SET NULL")], sa_type=Integer
    )
    webhook_uuid: str = Field(sa_type=String(64), nullable=False)
    event_name: str = Field(sa_type=String(64), nullable=False)
    trigger_type: str = Field(default="resource_creation", sa_type=String(32), nullable=False)
    status: str = Field(default="not_run", sa_type=String(16), nullable=False)
    attempts_made: int = Field(default=0, sa_type=Integer, nullable=False)
    max_attempts: int = Field(default=1, sa_type=Integer, nullable=False)
    next_attempt_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    lease_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    claimed_by: str | None = Field(default=None, sa_type=String(64))
    consumer_name: str | None = Field(default=None, sa_type=String(NAME_LENGTH))
    provider_name: str | None = Field(default=None, sa_type=String(NAME_LENGTH))
    consumer_version_number: str | None = Field(default=None, sa_type=String(NAME_LENGTH))
    provider_version_number: str | None = Field(default=None, sa_type=String(NAME_LENGTH))
    pact_version_sha: str | None = Field(default=None, sa_type=String(64))
    verification_id: int | None = Field(default=None, sa_type=Integer)
    context: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
    updated_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)


class WebhookExecution(SQLModel, table=True):
    __tablename__ = "webhook_execution"
    __table_args__ = (Index("ix_webhook_execution_triggered", "triggered_webhook_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    triggered_webhook_id: int = Field(
        sa_column_args=[ForeignKey("triggered_webhook.id", ondelete="CASCADE")],
        sa_type=Integer,
        nullable=False,
    )
    attempt: int = Field(sa_type=Integer, nullable=False)
    success: bool = Field(sa_type=Boolean, nullable=False)
    status_code: int | None = Field(default=None, sa_type=Integer)
    error: str | None = Field(default=None, sa_type=Text)
    logs: str = Field(sa_type=Text, nullable=False)
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
