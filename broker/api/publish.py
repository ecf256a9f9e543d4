"""Routes: ``POST /contracts/publish`` and the legacy ``PUT|PATCH /pacts/provider/{p}/consumer/{c}/version/{v}``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session

from broker.context import RequestContext, request_context
from broker.hal import HalResponse, hal_response
from broker.json_guard import ParsedJsonRoute, parsed_body
from broker.openapi_document import CREATED_OR_UPDATED
from broker.services import pacts as pact_service
from broker.services import publish as service
from broker.views.pacts import render_pact, render_publish_outcome

router = APIRouter(tags=["publishing"], route_class=ParsedJsonRoute)  # the body is parsed once

RAW_PACT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["consumer", "provider"],
                    "properties": {
                        "consumer": {"type": "object", "properties": {"name": {"type": "string"}}},
                        "provider": {"type": "object", "properties": {"name": {"type": "string"}}},
                        "interactions": {"type": "array", "items": {"type": "object"}},
                        "messages": {"type": "array", "items": {"type": "object"}},
                        "metadata": {"type": "object"},
                    },
                }
            }
        },
    }
}


async def raw_body(request: Request) -> bytes:
    """The request body exactly as sent (the pact is stored byte for byte)."""
    return await request.body()


@router.post("/contracts/publish", response_class=HalResponse, summary="Publish pacts for a consumer version")
def publish_contracts(
    body: service.PublishContractsIn, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    allow = ctx.settings.allow_dangerous_contract_modification
    check = ctx.settings.check_for_potential_duplicate_pacticipant_names
    outcome = ctx.db.write(
        lambda s: service.publish_contracts(
            s, ctx.urls, body, allow_modification=allow, check_duplicate_names=check
        )
    )
    return hal_response(render_publish_outcome(ctx.urls, outcome))


def _legacy(
    ctx: RequestContext,
    provider: str,
    consumer: str,
    version: str,
    raw: bytes,
    parsed: object,
    *,
    merge: bool,
) -> HalResponse:
    allow = ctx.settings.allow_dangerous_contract_modification

    def publish(session: Session) -> tuple[pact_service.PactView, bool]:
        _, created = service.publish_pact_legacy(
            session, provider, consumer, version, raw, merge=merge, allow_modification=allow, parsed=parsed
        )
        return pact_service.pact_for_version(session, provider, consumer, version), created

    view, created = ctx.db.write(publish)
    headers = {"Location": ctx.urls.pact_for_version(provider, consumer, version)} if created else None
    return hal_response(render_pact(ctx.urls, view), status=201 if created else 200, headers=headers)


@router.put(
    "/pacts/provider/{provider:seg}/consumer/{consumer:seg}/version/{version:seg}",
    response_class=HalResponse,
    openapi_extra=RAW_PACT_BODY,
    summary="Publish a pact (legacy): 201 on create, 200 on update",
    responses=CREATED_OR_UPDATED,
)
def put_pact(
    provider: str,
    consumer: str,
    version: str,
    raw: bytes = Depends(raw_body),
    parsed: object = Depends(parsed_body),
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    return _legacy(ctx, provider, consumer, version, raw, parsed, merge=False)


@router.patch(
    "/pacts/provider/{provider:seg}/consumer/{consumer:seg}/version/{version:seg}",
    response_class=HalResponse,
    openapi_extra=RAW_PACT_BODY,
    summary="Merge interactions into a published pact (legacy)",
    responses=CREATED_OR_UPDATED,
)
def patch_pact(
    provider: str,
    consumer: str,
    version: str,
    raw: bytes = Depends(raw_body),
    parsed: object = Depends(parsed_body),
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    return _legacy(ctx, provider, consumer, version, raw, parsed, merge=True)
