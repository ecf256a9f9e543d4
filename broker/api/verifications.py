"""Routes: pacts for verification, and publishing / reading verification results."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends
from starlette.requests import Request

from broker.context import RequestContext, request_context
from broker.hal import HalResponse, hal_response
from broker.nested_query import parse_nested_query
from broker.services.for_verification import pacts_for_verification, provider_id_for
from broker.services.pact_metadata import decode_metadata
from broker.services.verification_selectors import body_from_get_query, parse_request
from broker.services.verifications import get_verification, latest_for_consumer_version, publish_verification
from broker.views.verification import (
    render_consumer_version_summary,
    render_for_verification_index,
    render_pacts_for_verification,
    render_verification,
    verification_url,
)

router = APIRouter(tags=["verification"])

PACT_VERSION_PATH = "/pacts/provider/{provider:seg}/consumer/{consumer:seg}/pact-version/{sha:seg}"


@router.get(
    "/pacts/provider/{provider:seg}/for-verification",
    response_class=HalResponse,
    summary="Pacts for verification (deprecated GET form; without a query it links to the POST)",
)
def get_pacts_for_verification(
    provider: str, request: Request, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    query = parse_nested_query(request.url.query)
    if not query:
        ctx.db.read(lambda session: provider_id_for(session, provider))
        return hal_response(render_for_verification_index(ctx.urls, provider))
    parsed = parse_request(body_from_get_query(query), from_get=True)
    result = ctx.db.read(lambda session: pacts_for_verification(session, provider=provider, request=parsed))
    return hal_response(render_pacts_for_verification(ctx.urls, result))


@router.post(
    "/pacts/provider/{provider:seg}/for-verification",
    response_class=HalResponse,
    summary="Pacts for verification: consumer version selectors, pending and WIP pacts",
)
def post_pacts_for_verification(
    provider: str,
    body: dict[str, Any] | None = Body(default=None),
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    parsed = parse_request(body or {})
    result = ctx.db.read(lambda session: pacts_for_verification(session, provider=provider, request=parsed))
    return hal_response(render_pacts_for_verification(ctx.urls, result))


def _publish(
    ctx: RequestContext, provider: str, consumer: str, sha: str, metadata: str | None, body: Any
) -> HalResponse:
    decoded = decode_metadata(metadata)
    result = ctx.db.write(
        lambda session: publish_verification(
            session, provider=provider, consumer=consumer, sha=sha, metadata=decoded, body=body
        )
    )
    return hal_response(
        render_verification(ctx.urls, result),
        status=201,
        headers={"Location": verification_url(ctx.urls, result)},
    )


@router.post(
    PACT_VERSION_PATH + "/verification-results",
    response_class=HalResponse,
    status_code=201,
    summary="Publish a verification result",
)
def publish_result(
    provider: str,
    consumer: str,
    sha: str,
    body: dict[str, Any] | None = Body(default=None),
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    return _publish(ctx, provider, consumer, sha, None, body)


@router.post(
    PACT_VERSION_PATH + "/metadata/{metadata:seg}/verification-results",
    response_class=HalResponse,
    status_code=201,
    summary="Publish a verification result (pact fetched with metadata)",
)
def publish_result_with_metadata(
    provider: str,
    consumer: str,
    sha: str,
    metadata: str,
    body: dict[str, Any] | None = Body(default=None),
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    return _publish(ctx, provider, consumer, sha, metadata, body)


@router.get(
    PACT_VERSION_PATH + "/verification-results/{number:seg}",
    response_class=HalResponse,
    summary="A verification result (a number, or 'latest')",
)
def get_result(
    provider: str, consumer: str, sha: str, number: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    result = ctx.db.read(
        lambda session: get_verification(
            session, provider=provider, consumer=consumer, sha=sha, number=number
        )
    )
    return hal_response(render_verification(ctx.urls, result))


@router.get(
    PACT_VERSION_PATH + "/metadata/{metadata:seg}/verification-results/{number:seg}",
    response_class=HalResponse,
    summary="A verification result, addressed through the pact's metadata URL",
)
def get_result_with_metadata(
    provider: str,
    consumer: str,
    sha: str,
    metadata: str,
    number: str,
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    del metadata
    result = ctx.db.read(
        lambda session: get_verification(
            session, provider=provider, consumer=consumer, sha=sha, number=number
        )
    )
    return hal_response(render_verification(ctx.urls, result))


@router.get(
    "/verification-results/consumer/{consumer:seg}/version/{version:seg}/latest",
    response_class=HalResponse,
    summary="The latest verification result of each pact of a consumer version",
)
def latest_results_for_consumer_version(
    consumer: str, version: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    summary = ctx.db.read(
        lambda session: latest_for_consumer_version(session, consumer=consumer, version=version)
    )
    return hal_response(render_consumer_version_summary(ctx.urls, summary))
