"""Routes: webhooks (create, create-or-update, read, delete, list, test execution) and triggered
webhooks with their logs (broker-api.md §7)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Request, Response
from fastapi.responses import PlainTextResponse

from broker.context import RequestContext, request_context
from broker.hal import HalResponse, hal_response
from broker.openapi_document import CREATED_OR_UPDATED
from broker.services import webhook_triggers as triggers
from broker.services import webhooks as service
from broker.services.webhook_events import CONTRACT_EVENTS
from broker.views import webhooks as views
from broker.webhooks.config import WebhookSettings

router = APIRouter(tags=["webhooks"])

WebhookBody = Body(
    None,
    description="A webhook: description, consumer/provider ({name}), enabled, events ([{name}]), "
    "request {method, url, headers, body, username, password}. ${pactbroker.*} placeholders are "
    "substituted in url, headers, body, username and password when it runs.",
    examples=[
        {
            "description": "Trigger the provider build",
            "consumer": {"name": "OrderWeb"},
            "provider": {"name": "OrderApi"},
            "events": [{"name": "contract_content_changed"}],
            "request": {
                "method": "POST",
                "url": "https://ci.example/build?pact=${pactbroker.pactUrl}",
                "headers": {"Content-Type": "application/json"},
                "body": {"pact": "${pactbroker.pactUrl}"},
            },
        }
    ],
)


def webhook_settings(request: Request) -> WebhookSettings:
    settings: WebhookSettings = request.app.state.webhook_settings
    return settings


def _created(ctx: RequestContext, stored: service.StoredWebhook, status: int = 201) -> HalResponse:
    headers = {"Location": views.webhook_url(ctx.urls, stored.row.uuid)} if status == 201 else None
    return hal_response(views.render_webhook(ctx.urls, stored), status=status, headers=headers)


@router.get("/webhooks", response_class=HalResponse, summary="All webhooks")
def list_webhooks(ctx: RequestContext = Depends(request_context)) -> HalResponse:
    found = ctx.db.read(service.list_webhooks)
    return hal_response(views.render_webhooks(ctx.urls, ctx.urls.path("webhooks"), found, "Webhooks"))


@router.post("/webhooks", response_class=HalResponse, status_code=201, summary="Create a webhook")
def create_webhook(
    body: dict[str, Any] | None = WebhookBody,
    ctx: RequestContext = Depends(request_context),
    settings: WebhookSettings = Depends(webhook_settings),
) -> HalResponse:
    stored = ctx.db.write(
        lambda s: service.create_webhook(s, body or {}, settings.policy, secrets=settings.secrets)
    )
    return _created(ctx, stored)


@router.post(
    "/webhooks/execute", response_class=HalResponse, summary="Try an unsaved webhook (nothing stored)"
)
def execute_unsaved_webhook(
    body: dict[str, Any] | None = WebhookBody,
    ctx: RequestContext = Depends(request_context),
    settings: WebhookSettings = Depends(webhook_settings),
) -> HalResponse:
    result = service.execute_unsaved(ctx.db, body or {}, ctx.urls, settings)
    return hal_response(views.render_execution(ctx.urls, result))


def _scoped_list(ctx: RequestContext, consumer: str | None, provider: str | None) -> HalResponse:
    def read(session: Any) -> list[service.StoredWebhook]:
        service.require_pacticipants(session, consumer, provider)
        return service.list_webhooks(session, consumer=consumer, provider=provider)

    parts = ["webhooks"]
    if provider is not None:
        parts += ["provider", provider]
    if consumer is not None:
        parts += ["consumer", consumer]
    return hal_response(views.render_webhooks(ctx.urls, ctx.urls.path(*parts), ctx.db.read(read), "Webhooks"))


def _scoped_create(
    ctx: RequestContext,
    settings: WebhookSettings,
    body: dict[str, Any] | None,
    consumer: str | None,
    provider: str | None,
) -> HalResponse:
    stored = ctx.db.write(
        lambda s: service.create_webhook(
            s, body or {}, settings.policy, consumer=consumer, provider=provider, secrets=settings.secrets
        )
    )
    return _created(ctx, stored)


@router.get("/webhooks/provider/{provider:seg}/consumer/{consumer:seg}", response_class=HalResponse)
def list_pair_webhooks(
    provider: str, consumer: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    return _scoped_list(ctx, consumer, provider)


@router.post(
    "/webhooks/provider/{provider:seg}/consumer/{consumer:seg}", response_class=HalResponse, status_code=201
)
def create_pair_webhook(
    provider: str,
    consumer: str,
    body: dict[str, Any] | None = WebhookBody,
    ctx: RequestContext = Depends(request_context),
    settings: WebhookSettings = Depends(webhook_settings),
) -> HalResponse:
    return _scoped_create(ctx, settings, body, consumer, provider)


@router.get("/webhooks/provider/{provider:seg}", response_class=HalResponse)
def list_provider_webhooks(provider: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    return _scoped_list(ctx, None, provider)


@router.post("/webhooks/provider/{provider:seg}", response_class=HalResponse, status_code=201)
def create_provider_webhook(
    provider: str,
    body: dict[str, Any] | None = WebhookBody,
    ctx: RequestContext = Depends(request_context),
    settings: WebhookSettings = Depends(webhook_settings),
) -> HalResponse:
    return _scoped_create(ctx, settings, body, None, provider)


@router.get("/webhooks/consumer/{consumer:seg}", response_class=HalResponse)
def list_consumer_webhooks(consumer: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    return _scoped_list(ctx, consumer, None)


@router.post("/webhooks/consumer/{consumer:seg}", response_class=HalResponse, status_code=201)
def create_consumer_webhook(
    consumer: str,
    body: dict[str, Any] | None = WebhookBody,
    ctx: RequestContext = Depends(request_context),
    settings: WebhookSettings = Depends(webhook_settings),
) -> HalResponse:
    return _scoped_create(ctx, settings, body, consumer, None)


@router.get("/pacts/provider/{provider:seg}/consumer/{consumer:seg}/webhooks", response_class=HalResponse)
def list_pact_webhooks(
    provider: str, consumer: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    return _scoped_list(ctx, consumer, provider)


@router.get("/webhooks/{uuid:seg}", response_class=HalResponse, summary="A webhook (password masked)")
def get_webhook(uuid: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    return hal_response(views.render_webhook(ctx.urls, ctx.db.read(lambda s: service.get_webhook(s, uuid))))


@router.put(
    "/webhooks/{uuid:seg}",
    response_class=HalResponse,
    summary="Create (201) or replace (200) a webhook",
    responses=CREATED_OR_UPDATED,
)
def put_webhook(
    uuid: str,
    body: dict[str, Any] | None = WebhookBody,
    ctx: RequestContext = Depends(request_context),
    settings: WebhookSettings = Depends(webhook_settings),
) -> HalResponse:
    stored, created = ctx.db.write(
        lambda s: service.upsert_webhook(s, uuid, body or {}, settings.policy, settings.secrets)
    )
    return _created(ctx, stored, 201 if created else 200)


@router.delete("/webhooks/{uuid:seg}", status_code=204, response_class=Response)
def delete_webhook(uuid: str, ctx: RequestContext = Depends(request_context)) -> Response:
    ctx.db.write(lambda s: service.delete_webhook(s, uuid))
    return Response(status_code=204)


@router.post("/webhooks/{uuid:seg}/execute", response_class=HalResponse, summary="Run the webhook now (test)")
def execute_webhook(
    uuid: str,
    ctx: RequestContext = Depends(request_context),
    settings: WebhookSettings = Depends(webhook_settings),
) -> HalResponse:
    result = service.execute_webhook(ctx.db, uuid, ctx.urls, settings)
    return hal_response(views.render_execution(ctx.urls, result))


@router.get("/webhooks/{uuid:seg}/triggered-webhooks", response_class=HalResponse)
def webhook_deliveries(uuid: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    def read(session: Any) -> list[triggers.TriggeredView]:
        service.get_webhook(session, uuid)
        return triggers.list_triggered(session, webhook_uuid=uuid)

    href = views.webhook_url(ctx.urls, uuid) + "/triggered-webhooks"
    return hal_response(views.render_triggered_list(ctx.urls, href, ctx.db.read(read)))


@router.get("/triggered-webhooks/{uuid:seg}", response_class=HalResponse)
def get_triggered(uuid: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    view = ctx.db.read(lambda s: triggers.get_triggered(s, uuid))
    return hal_response(views.render_triggered(ctx.urls, view, with_executions=True))


@router.get("/triggered-webhooks/{uuid:seg}/logs", response_class=PlainTextResponse)
def triggered_logs(uuid: str, ctx: RequestContext = Depends(request_context)) -> PlainTextResponse:
    return PlainTextResponse(ctx.db.read(lambda s: triggers.triggered_logs(s, uuid)))


@router.get(
    "/pacts/provider/{provider:seg}/consumer/{consumer:seg}/version/{version:seg}/triggered-webhooks",
    response_class=HalResponse,
)
def version_deliveries(
    provider: str, consumer: str, version: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    views_ = ctx.db.read(
        lambda s: triggers.list_triggered(
            s,
            consumer=consumer,
            provider=provider,
            consumer_version=version,
            event_names=CONTRACT_EVENTS,
        )
    )
    href = ctx.urls.pact_for_version(provider, consumer, version) + "/triggered-webhooks"
    return hal_response(views.render_triggered_list(ctx.urls, href, views_))


@router.get(
    "/pacts/provider/{provider:seg}/consumer/{consumer:seg}/pact-version/{sha:seg}"
    "/metadata/{metadata:seg}/verification-results/{number:int}/triggered-webhooks",
    response_class=HalResponse,
)
def verification_deliveries_with_metadata(
    provider: str,
    consumer: str,
    sha: str,
    metadata: str,
    number: int,
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    # declares ``metadata`` so the OpenAPI document names every path parameter (schemathesis checks it)
    return verification_deliveries(provider, consumer, sha, number, ctx)


@router.get(
    "/pacts/provider/{provider:seg}/consumer/{consumer:seg}/pact-version/{sha:seg}"
    "/verification-results/{number:int}/triggered-webhooks",
    response_class=HalResponse,
)
def verification_deliveries(
    provider: str, consumer: str, sha: str, number: int, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    views_ = ctx.db.read(
        lambda s: triggers.list_triggered(s, consumer=consumer, provider=provider, verification_id=number)
    )
    href = ctx.urls.verification_results(provider, consumer, sha) + f"/{number}/triggered-webhooks"
    return hal_response(views.render_triggered_list(ctx.urls, href, views_))


@router.get(
    "/pacts/provider/{provider:seg}/consumer/{consumer:seg}/webhooks/status", response_class=HalResponse
)
def webhook_status(
    provider: str, consumer: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    summary = ctx.db.read(lambda s: triggers.webhook_status(s, consumer, provider))
    href = ctx.urls.path("pacts", "provider", provider, "consumer", consumer, "webhooks", "status")
    return hal_response(views.render_status(ctx.urls, href, consumer, provider, summary))
