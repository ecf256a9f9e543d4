"""Routes: PactFlow-style provider contracts (bi-directional contract testing, broker-api.md §9)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends

from broker.context import RequestContext, request_context
from broker.errors import NotFound
from broker.hal import HalResponse, hal_response
from broker.services import provider_contracts as service
from broker.views import provider_contracts as views

router = APIRouter(tags=["provider contracts"])

PublishBody = Body(
    None,
    description="pacticipantVersionNumber, branch, tags, buildUrl and contract {content (base64 of the "
    "OpenAPI document), contentType (application/yaml|application/json), specification ('oas'), "
    "selfVerificationResults {success, content (base64), contentType, format, verifier, verifierVersion}}",
)


@router.post(
    "/provider-contracts/provider/{provider:seg}/publish",
    response_class=HalResponse,
    summary="Publish a provider contract (OpenAPI) with its self-verification result",
)
def publish_provider_contract(
    provider: str, body: dict[str, Any] | None = PublishBody, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    published = ctx.db.write(lambda s: service.publish_provider_contract(s, provider, body))
    return hal_response(views.render_published(ctx.urls, published))


@router.put(
    "/contracts/provider/{provider:seg}/version/{version:seg}",
    response_class=HalResponse,
    status_code=201,
    summary="Publish a provider contract (PactFlow's legacy endpoint)",
)
def publish_provider_contract_legacy(
    provider: str,
    version: str,
    body: dict[str, Any] | None = Body(None),
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    published = ctx.db.write(
        lambda s: service.publish_provider_contract(s, provider, body, version=version, legacy=True)
    )
    return hal_response(views.render_published(ctx.urls, published), status=201)


@router.get(
    "/contracts/bi-directional/provider/{provider:seg}/version/{version:seg}/provider-contract",
    response_class=HalResponse,
)
def get_provider_contract(
    provider: str, version: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    view = ctx.db.read(lambda s: service.get_contract(s, provider, version))
    return hal_response(views.render_contract(ctx.urls, view))


@router.get(
    "/contracts/bi-directional/provider/{provider:seg}/version/{version:seg}/provider-contract-verification-results",
    response_class=HalResponse,
)
def get_self_verification(
    provider: str, version: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    view = ctx.db.read(lambda s: service.get_contract(s, provider, version))
    return hal_response(views.render_self_verification(ctx.urls, view))


@router.get(
    "/contracts/bi-directional/provider/{provider:seg}/version/{version:seg}/cross-contract-verification-results",
    response_class=HalResponse,
)
def get_cross_results(
    provider: str, version: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    view, checks = service.read_checks(ctx.db, provider, version)
    return hal_response(views.render_cross_results(ctx.urls, view, checks))


@router.get(
    "/contracts/provider/{provider:seg}/version/{version:seg}/consumer/{consumer:seg}"
    "/pact-version/{sha:seg}/verification-results",
    response_class=HalResponse,
)
def get_pair_result(
    provider: str, version: str, consumer: str, sha: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    view, checks = service.read_checks(ctx.db, provider, version, consumer=consumer, sha=sha)
    if not checks:
        raise NotFound(f"No cross-contract result for {consumer} pact {sha} and {provider} version {version}")
    return hal_response(views.render_pair(ctx.urls, view, checks[0]))
