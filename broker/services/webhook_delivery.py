"""Webhook delivery: the background job that claims due outbox rows, renders and sends them,
records each attempt, and schedules a retry with back-off or gives up after the last attempt."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, update
from sqlmodel import Session, SQLModel, col

from broker.clock import now
from broker.db import Database
from broker.tables.webhooks import TriggeredWebhook, Webhook, WebhookExecution
from broker.webhooks.config import WebhookSettings
from broker.webhooks.delivery import DeliveryOutcome, RenderedRequest, deliver
from broker.webhooks.outbox import any_due, claim
from broker.webhooks.secrets import SecretBox, SecretUnavailable
from broker.webhooks.templates import render_body, render_text

PENDING_STATUSES = ("not_run", "retrying")


# --------------------------------------------------------------------------- rendering and delivery


def render_request(
    webhook: Webhook, values: Mapping[str, str], secrets: SecretBox | None = None
) -> RenderedRequest:
    """The request to send; encrypted credentials are opened (``SecretUnavailable`` without the key)."""
    box = secrets or SecretBox(None)
    password = box.open(webhook.password)
    return RenderedRequest(
        method=webhook.method,
        url=render_text(webhook.url, values, escape_for_url=True),
        headers={
            render_text(k, values): render_text(box.open(v) or "", values)
            for k, v in (webhook.headers or {}).items()
        },
        body=render_body(webhook.body, values),
        username=render_text(webhook.username, values) if webhook.username is not None else None,
        password=render_text(password, values) if password is not None else None,
    )


def refused(reason: str) -> DeliveryOutcome:
    """An attempt that could not be made at all."""
    outcome = DeliveryOutcome(success=False, error=reason)
    outcome.log(f"Not executed: {reason}", "ERROR")
    return outcome


@dataclass
class _Claimed:
    triggered: TriggeredWebhook
    webhook: Webhook | None


def _triggered_table() -> Any:
    return SQLModel.metadata.tables["triggered_webhook"]


def deliver_due(db: Database, settings: WebhookSettings, token: str) -> int:
    """The background job: claim due deliveries, send them, record each attempt. Returns the count."""
    table = _triggered_table()

    def due() -> Any:
        return and_(table.c.status.in_(PENDING_STATUSES), table.c.next_attempt_at <= now())

    if not db.read(lambda s: any_due(s, table, due())):
        return 0
    ids = db.write(
        lambda s: claim(
            s,
            table,
            due(),
            order_by=table.c.next_attempt_at,
            lease_seconds=settings.lease_seconds,
            limit=settings.batch_size,
            token=token,
        )
    )
    if len(ids) <= 1 or settings.concurrency <= 1:
        for triggered_id in ids:
            _deliver_one(db, settings, triggered_id, token)
        return len(ids)
    # a slow target must not hold up the others: deliver the batch concurrently
    with ThreadPoolExecutor(
        max_workers=min(len(ids), settings.concurrency), thread_name_prefix="webhook"
    ) as pool:
        for future in [pool.submit(_deliver_one, db, settings, triggered_id, token) for triggered_id in ids]:
            future.result()
    return len(ids)


def _deliver_one(db: Database, settings: WebhookSettings, triggered_id: int, token: str) -> None:
    def load(session: Session) -> _Claimed | None:
        triggered = session.get(TriggeredWebhook, triggered_id)
        if triggered is None:
            return None
        webhook = session.get(Webhook, triggered.webhook_id) if triggered.webhook_id is not None else None
        return _Claimed(triggered, webhook)

    claimed = db.read(load)
    if claimed is None:
        return
    triggered, webhook = claimed.triggered, claimed.webhook
    final = True
    if webhook is None or not webhook.enabled:
        outcome = refused("the webhook was deleted" if webhook is None else "the webhook is disabled")
    else:
        try:
            request = render_request(webhook, dict(triggered.context.get("values", {})), settings.secrets)
        except SecretUnavailable as exc:
            outcome = refused(str(exc))
        else:
            outcome = deliver(request, settings.policy, timeout=settings.timeout_seconds)
            final = False
    db.write(lambda s: complete_attempt(s, settings, triggered_id, token, outcome, give_up=final))


def complete_attempt(
    session: Session,
    settings: WebhookSettings,
    triggered_id: int,
    token: str | None,
    outcome: DeliveryOutcome,
    *,
    give_up: bool = False,
) -> TriggeredWebhook | None:
    triggered = session.get(TriggeredWebhook, triggered_id)
    if triggered is None:
        return None
    attempt = triggered.attempts_made + 1
    at = now()
    lines = list(outcome.lines)
    values: dict[str, Any] = {
        "attempts_made": attempt,
        "lease_until": None,
        "claimed_by": None,
        "updated_at": at,
    }
    stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if outcome.success:
        values.update(status="success", next_attempt_at=None)
        lines.append(f"[{stamp}] INFO: Webhook succeeded (attempt {attempt} of {triggered.max_attempts})")
    else:
        delay = None if give_up else settings.delay_after(attempt)
        if delay is not None and attempt < triggered.max_attempts:
            next_at = at + timedelta(seconds=delay)
            values.update(status="retrying", next_attempt_at=next_at)
            lines.append(
                f"[{stamp}] INFO: Webhook failed (attempt {attempt} of {triggered.max_attempts}); "
                f"retry scheduled in {delay:g} seconds, at {next_at.isoformat(timespec='milliseconds')}"
            )
        else:
            values.update(status="failure", next_attempt_at=None)
            lines.append(
                f"[{stamp}] ERROR: Webhook failed (attempt {attempt} of {triggered.max_attempts}); giving up"
            )
    logs = "\n".join(lines) + "\n"
    statement = update(TriggeredWebhook).where(col(TriggeredWebhook.id) == triggered_id)
    if token is not None:
        statement = statement.where(col(TriggeredWebhook.claimed_by) == token)
    applied = session.execute(statement.values(**values)).rowcount  # type: ignore[attr-defined]
    if not applied:
        logs += f"[{stamp}] WARN: the lease ran out before this attempt finished; another worker took over\n"
    session.add(
        WebhookExecution(
            triggered_webhook_id=triggered_id,
            attempt=attempt,
            success=outcome.success,
            status_code=outcome.status,
            error=outcome.error,
            logs=logs,
        )
    )
    session.flush()
    session.refresh(triggered)
    return triggered
