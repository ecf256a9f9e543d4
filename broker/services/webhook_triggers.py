"""Triggered webhooks: their views and logs, the status summary of an integration, the outbox counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from broker.clock import aware
from broker.errors import NotFound
from broker.services.verifications import MAX_ID
from broker.services.webhook_delivery import PENDING_STATUSES
from broker.services.webhook_events import default_description
from broker.services.webhooks import require_pacticipants
from broker.tables.webhooks import TriggeredWebhook, Webhook, WebhookExecution


@dataclass(frozen=True)
class TriggeredView:
    row: TriggeredWebhook
    webhook_title: str | None
    executions: tuple[WebhookExecution, ...] = field(default_factory=tuple)

    @property
    def attempts_remaining(self) -> int:
        if self.row.status in ("success", "failure"):
            return 0
        return max(0, self.row.max_attempts - self.row.attempts_made)


def _views(
    session: Session, rows: Sequence[TriggeredWebhook], *, with_executions: bool
) -> list[TriggeredView]:
    webhook_ids = {r.webhook_id for r in rows if r.webhook_id is not None}
    titles: dict[int, str] = {}
    if webhook_ids:
        for webhook in session.execute(select(Webhook).where(col(Webhook.id).in_(webhook_ids))).scalars():
            assert webhook.id is not None
            titles[webhook.id] = webhook.description or default_description(webhook.method, webhook.url)
    executions: dict[int, list[WebhookExecution]] = {}
    if with_executions and rows:
        for execution in session.execute(
            select(WebhookExecution)
            .where(col(WebhookExecution.triggered_webhook_id).in_([r.id for r in rows]))
            .order_by(col(WebhookExecution.id))
        ).scalars():
            executions.setdefault(execution.triggered_webhook_id, []).append(execution)
    return [
        TriggeredView(
            r,
            titles.get(r.webhook_id) if r.webhook_id is not None else None,
            tuple(executions.get(r.id or 0, ())),
        )
        for r in rows
    ]


def get_triggered(session: Session, triggered_uuid: str) -> TriggeredView:
    row = session.execute(
        select(TriggeredWebhook).where(col(TriggeredWebhook.uuid) == triggered_uuid)
    ).scalar()
    if row is None:
        raise NotFound(f"No triggered webhook with uuid {triggered_uuid!r}")
    return _views(session, [row], with_executions=True)[0]


def triggered_logs(session: Session, triggered_uuid: str) -> str:
    view = get_triggered(session, triggered_uuid)
    if not view.executions:
        due = view.row.next_attempt_at
        when = f" (next attempt due at {aware(due).isoformat()})" if due is not None else ""
        return f"Webhook {view.row.webhook_uuid} for event {view.row.event_name} has not run yet{when}.\n"
    parts = []
    for execution in view.executions:
        verdict = "succeeded" if execution.success else "failed"
        parts.append(f"--- attempt {execution.attempt} {verdict} ---\n{execution.logs}")
    return "\n".join(parts)


def list_triggered(
    session: Session,
    *,
    webhook_uuid: str | None = None,
    consumer: str | None = None,
    provider: str | None = None,
    consumer_version: str | None = None,
    verification_id: int | None = None,
    event_names: Sequence[str] | None = None,
    limit: int = 100,
) -> list[TriggeredView]:
    if verification_id is not None and not 0 <= verification_id <= MAX_ID:
        raise NotFound(f"No verification result {verification_id}: ids are at most {MAX_ID}.")
    query = select(TriggeredWebhook).order_by(col(TriggeredWebhook.id).desc()).limit(limit)
    if webhook_uuid is not None:
        query = query.where(col(TriggeredWebhook.webhook_uuid) == webhook_uuid)
    if consumer is not None:
        query = query.where(col(TriggeredWebhook.consumer_name) == consumer)
    if provider is not None:
        query = query.where(col(TriggeredWebhook.provider_name) == provider)
    if consumer_version is not None:
        query = query.where(col(TriggeredWebhook.consumer_version_number) == consumer_version)
    if verification_id is not None:
        query = query.where(col(TriggeredWebhook.verification_id) == verification_id)
    if event_names is not None:
        query = query.where(col(TriggeredWebhook.event_name).in_(list(event_names)))
    rows = list(session.execute(query).scalars())
    return _views(session, rows, with_executions=False)


@dataclass(frozen=True)
class WebhookStatusSummary:
    counts: dict[str, int]
    triggered: list[TriggeredView]


def webhook_status(session: Session, consumer: str, provider: str) -> WebhookStatusSummary:
    """The triggered webhooks of the pair's most recent consumer version that has any."""
    require_pacticipants(session, consumer, provider)
    latest = session.execute(
        select(col(TriggeredWebhook.consumer_version_number))
        .where(
            col(TriggeredWebhook.consumer_name) == consumer,
            col(TriggeredWebhook.provider_name) == provider,
            col(TriggeredWebhook.trigger_type) == "resource_creation",
        )
        .order_by(col(TriggeredWebhook.id).desc())
        .limit(1)
    ).scalar()
    views = (
        list_triggered(session, consumer=consumer, provider=provider, consumer_version=latest)
        if latest is not None
        else []
    )
    counts = {"successful": 0, "failed": 0, "retrying": 0, "notRun": 0}
    key = {"success": "successful", "failure": "failed", "retrying": "retrying", "not_run": "notRun"}
    for view in views:
        counts[key.get(view.row.status, "notRun")] += 1
    return WebhookStatusSummary(counts, views)


def outbox_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(col(TriggeredWebhook.status), func.count()).group_by(col(TriggeredWebhook.status))
    ).all()
    return {status: int(count) for status, count in rows}


def next_due_at(session: Session) -> datetime | None:
    return session.execute(
        select(func.min(TriggeredWebhook.next_attempt_at)).where(
            col(TriggeredWebhook.status).in_(PENDING_STATUSES)
        )
    ).scalar()
