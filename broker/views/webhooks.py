"""HAL representations of webhooks, test executions and triggered webhooks (credentials masked)."""

from __future__ import annotations

from typing import Any

from broker.clock import aware, iso
from broker.hal import Urls, curies, link
from broker.services.webhook_triggers import TriggeredView, WebhookStatusSummary
from broker.services.webhooks import ExecutionResult, StoredWebhook
from broker.webhooks.redaction import redact_headers, redact_password


def webhook_url(urls: Urls, webhook_uuid: str) -> str:
    return urls.path("webhooks", webhook_uuid)


def triggered_url(urls: Urls, triggered_uuid: str) -> str:
    return urls.path("triggered-webhooks", triggered_uuid)


def render_webhook(urls: Urls, stored: StoredWebhook) -> dict[str, Any]:
    row = stored.row
    request: dict[str, Any] = {
        "method": row.method,
        "url": row.url,
        "headers": redact_headers(row.headers or {}),
    }
    if row.body is not None:
        request["body"] = row.body
    if row.username is not None:
        request["username"] = row.username
    if row.password is not None:
        request["password"] = redact_password(row.password)
    body: dict[str, Any] = {"uuid": row.uuid, "description": stored.title}
    if row.consumer_name is not None:
        body["consumer"] = {"name": row.consumer_name}
    elif row.consumer_label is not None:
        body["consumer"] = {"label": row.consumer_label}
    if row.provider_name is not None:
        body["provider"] = {"name": row.provider_name}
    elif row.provider_label is not None:
        body["provider"] = {"label": row.provider_label}
    body.update(
        enabled=row.enabled,
        request=request,
        events=[{"name": name} for name in stored.events],
        createdAt=iso(row.created_at),
    )
    if abs((aware(row.updated_at) - aware(row.created_at)).total_seconds()) > 0.001:
        body["updatedAt"] = iso(row.updated_at)
    links: dict[str, Any] = {
        "self": link(webhook_url(urls, row.uuid), title=stored.title),
        "pb:execute": link(
            webhook_url(urls, row.uuid) + "/execute",
            title="Test the execution of the webhook with the latest matching pact or verification "
            "by sending a POST request to this URL",
        ),
        "pb:triggered-webhooks": link(
            webhook_url(urls, row.uuid) + "/triggered-webhooks", title="Recent deliveries of this webhook"
        ),
        "pb:webhooks": link(urls.path("webhooks"), title="All webhooks"),
    }
    if row.consumer_name is not None:
        links["pb:consumer"] = link(
            urls.pacticipant(row.consumer_name), title="Consumer", name=row.consumer_name
        )
    if row.provider_name is not None:
        links["pb:provider"] = link(
            urls.pacticipant(row.provider_name), title="Provider", name=row.provider_name
        )
    if row.consumer_name is not None and row.provider_name is not None:
        links["pb:pact-webhooks"] = link(
            urls.path("webhooks", "provider", row.provider_name, "consumer", row.consumer_name),
            title=f"All webhooks for consumer {row.consumer_name} and provider {row.provider_name}",
        )
    body["_links"] = links
    return body


def render_webhooks(urls: Urls, self_href: str, webhooks: list[StoredWebhook], title: str) -> dict[str, Any]:
    return {
        "_embedded": {"webhooks": [render_webhook(urls, w) for w in webhooks]},
        "_links": {
            "self": link(self_href, title=title),
            "pb:create": link(self_href, title="POST to create a webhook"),
            "pb:webhooks": [
                link(webhook_url(urls, w.row.uuid), title=w.title, name=w.title) for w in webhooks
            ],
            "curies": curies(urls.base, "webhooks"),
        },
    }


def render_execution(urls: Urls, result: ExecutionResult) -> dict[str, Any]:
    outcome = result.outcome
    body: dict[str, Any] = {
        "request": {
            "method": result.request.method,
            "url": result.request.url,
            "headers": redact_headers(result.request.all_headers(), keep_templated=False),
            "body": result.request.body,
        },
        "success": outcome.success,
        "logs": result.logs,
    }
    if outcome.status is not None:
        response: dict[str, Any] = {"status": outcome.status, "headers": outcome.response_headers}
        if outcome.response_body is not None:
            response["body"] = outcome.response_body
        body["response"] = response
    if outcome.error is not None:
        body["error"] = {"message": outcome.error}
    body["message"] = "Webhook executed successfully" if outcome.success else "Webhook execution failed"
    if not result.triggered_uuid:  # an unsaved webhook: nothing to link to
        body["_links"] = {"pb:webhooks": link(urls.path("webhooks"), title="Save it with POST or PUT")}
        return body
    body["_links"] = {
        "webhook": link(webhook_url(urls, result.webhook.row.uuid), title=result.webhook.title),
        "try-again": link(
            webhook_url(urls, result.webhook.row.uuid) + "/execute", title="Execute the webhook again"
        ),
        "pb:triggered-webhook": link(triggered_url(urls, result.triggered_uuid), title="This execution"),
        "pb:logs": link(triggered_url(urls, result.triggered_uuid) + "/logs", title="Logs of this execution"),
    }
    return body


def render_triggered(urls: Urls, view: TriggeredView, *, with_executions: bool = False) -> dict[str, Any]:
    row = view.row
    logs = link(triggered_url(urls, row.uuid) + "/logs", title="Webhook execution logs")
    body: dict[str, Any] = {
        "uuid": row.uuid,
        "name": view.webhook_title or f"deleted webhook {row.webhook_uuid}",
        "status": row.status,
        "attemptsMade": row.attempts_made,
        "attemptsRemaining": view.attempts_remaining,
        "triggerType": row.trigger_type,
        "eventName": row.event_name,
        "triggeredAt": iso(row.created_at),
        "nextAttemptAt": iso(row.next_attempt_at) if row.status in ("not_run", "retrying") else None,
        "consumerName": row.consumer_name,
        "providerName": row.provider_name,
        "consumerVersionNumber": row.consumer_version_number,
        "providerVersionNumber": row.provider_version_number,
        "_links": {
            "self": link(triggered_url(urls, row.uuid), title="Triggered webhook"),
            "pb:logs": logs,
            "logs": logs,
            "pb:webhook": link(webhook_url(urls, row.webhook_uuid), title=view.webhook_title or "Webhook"),
        },
    }
    if with_executions:
        body["executions"] = [
            {
                "attempt": e.attempt,
                "success": e.success,
                "status": e.status_code,
                "error": e.error,
                "executedAt": iso(e.created_at),
                "logs": e.logs,
            }
            for e in view.executions
        ]
    return body


def render_triggered_list(urls: Urls, self_href: str, views: list[TriggeredView]) -> dict[str, Any]:
    return {
        "_embedded": {"triggeredWebhooks": [render_triggered(urls, v) for v in views]},
        "_links": {"self": link(self_href, title="Webhooks triggered by this resource")},
    }


def render_status(
    urls: Urls, self_href: str, consumer: str, provider: str, summary: WebhookStatusSummary
) -> dict[str, Any]:
    return {
        "summary": summary.counts,
        "_embedded": {"triggeredWebhooks": [render_triggered(urls, v) for v in summary.triggered]},
        "_links": {
            "self": link(self_href, title="Webhooks status"),
            "pb:webhooks": link(
                urls.path("webhooks", "provider", provider, "consumer", consumer),
                title=f"Webhooks for consumer {consumer} and provider {provider}",
            ),
            "pb:pact-webhooks": link(
                urls.path("webhooks", "provider", provider, "consumer", consumer),
                title=f"Webhooks for consumer {consumer} and provider {provider}",
            ),
        },
    }
