"""Routes: reading pacts (by version, latest, tag, branch, sha), lists for a provider, diffs."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse
from sqlmodel import Session

from broker.context import RequestContext, request_context
from broker.hal import HalResponse, hal_response
from broker.services import pacts as service
from broker.views.pacts import render_latest_pacts, render_pact, render_pact_versions, render_provider_pacts

router = APIRouter(tags=["pacts"])
PAIR = "/pacts/provider/{provider:seg}/consumer/{consumer:seg}"
PROVIDER = "/pacts/provider/{provider:seg}"
Limit = Query(500, ge=1, le=5000, description="Newest first; at most this many.")


def _pact(ctx: RequestContext, view: service.PactView, metadata: str | None = None) -> HalResponse:
    # the Ruby broker names the consumer version of every single pact it serves in this header
    headers = {"X-Pact-Consumer-Version": view.consumer_version} if view.consumer_version.isascii() else {}
    return hal_response(render_pact(ctx.urls, view, metadata=metadata), headers=headers)


@router.get(
    "/pacts/latest", response_class=HalResponse, summary="The latest pact of every consumer/provider pair"
)
def latest_pacts(ctx: RequestContext = Depends(request_context)) -> HalResponse:
    return hal_response(render_latest_pacts(ctx.urls, ctx.db.read(service.latest_pacts)))


# ---- one pact


@router.get(PAIR + "/version/{version:seg}", response_class=HalResponse)
def pact_for_version(
    provider: str, consumer: str, version: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    return _pact(ctx, ctx.db.read(lambda s: service.pact_for_version(s, provider, consumer, version)))


@router.get(PAIR + "/version/{version:seg}/previous-distinct", response_class=HalResponse)
def previous_distinct(
    provider: str, consumer: str, version: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    return _pact(ctx, ctx.db.read(lambda s: service.previous_distinct(s, provider, consumer, version)))


@router.get(PAIR + "/version/{version:seg}/diff/previous-distinct", response_class=PlainTextResponse)
def diff_previous_distinct(
    provider: str, consumer: str, version: str, ctx: RequestContext = Depends(request_context)
) -> PlainTextResponse:
    def diff(session: Session) -> str:
        new = service.pact_for_version(session, provider, consumer, version)
        return service.diff_texts(service.previous_distinct(session, provider, consumer, version), new)

    return PlainTextResponse(ctx.db.read(diff))


@router.get(PAIR + "/latest", response_class=HalResponse)
def latest_pact(provider: str, consumer: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    return _pact(ctx, ctx.db.read(lambda s: service.latest_pact(s, provider, consumer)))


@router.get(PAIR + "/latest-untagged", response_class=HalResponse)
def latest_untagged_pact(
    provider: str, consumer: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    return _pact(ctx, ctx.db.read(lambda s: service.latest_pact(s, provider, consumer, untagged=True)))


@router.get(PAIR + "/latest/{tag:seg}", response_class=HalResponse)
def latest_tagged_pact(
    provider: str, consumer: str, tag: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    return _pact(ctx, ctx.db.read(lambda s: service.latest_pact(s, provider, consumer, tag=tag)))


@router.get(PAIR + "/branch/{branch:seg}/latest", response_class=HalResponse)
def latest_branch_pact(
    provider: str, consumer: str, branch: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    return _pact(ctx, ctx.db.read(lambda s: service.latest_pact(s, provider, consumer, branch=branch)))


@router.get(PAIR + "/pact-version/{sha:seg}", response_class=HalResponse)
def pact_by_sha(
    provider: str, consumer: str, sha: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    return _pact(ctx, ctx.db.read(lambda s: service.pact_by_sha(s, provider, consumer, sha)))


@router.get(PAIR + "/pact-version/{sha:seg}/metadata/{metadata:seg}", response_class=HalResponse)
def pact_by_sha_with_metadata(
    provider: str, consumer: str, sha: str, metadata: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    return _pact(ctx, ctx.db.read(lambda s: service.pact_by_sha(s, provider, consumer, sha)), metadata)


@router.get(PAIR + "/pact-version/{sha:seg}/diff/pact-version/{other:seg}", response_class=PlainTextResponse)
def diff_pact_versions(
    provider: str, consumer: str, sha: str, other: str, ctx: RequestContext = Depends(request_context)
) -> PlainTextResponse:
    def diff(session: Session) -> str:
        return service.diff_texts(
            service.pact_by_sha(session, provider, consumer, other),
            service.pact_by_sha(session, provider, consumer, sha),
        )

    return PlainTextResponse(ctx.db.read(diff))


# ---- lists for one consumer/provider pair


@router.get(PAIR + "/versions", response_class=HalResponse)
def pact_versions(
    provider: str, consumer: str, limit: int = Limit, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    _, views = ctx.db.read(lambda s: service.pacts_for_provider(s, provider, consumer=consumer, limit=limit))
    return hal_response(
        render_pact_versions(
            ctx.urls, views, ctx.urls.pact_versions(provider, consumer), "All versions of this pact"
        )
    )


@router.get(PAIR + "/tag/{tag:seg}", response_class=HalResponse)
def tagged_pact_versions(
    provider: str, consumer: str, tag: str, limit: int = Limit, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    _, views = ctx.db.read(
        lambda s: service.pacts_for_provider(s, provider, consumer=consumer, tag=tag, limit=limit)
    )
    href = ctx.urls.path("pacts", "provider", provider, "consumer", consumer, "tag", tag)
    return hal_response(
        render_pact_versions(ctx.urls, views, href, f"Pact versions with consumer version tag {tag}")
    )


@router.get(PAIR + "/branch/versions", response_class=HalResponse)
def main_branch_pact_versions(
    provider: str, consumer: str, limit: int = Limit, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    _, views = ctx.db.read(
        lambda s: service.pacts_for_provider(s, provider, consumer=consumer, main_branch=True, limit=limit)
    )
    href = ctx.urls.path("pacts", "provider", provider, "consumer", consumer, "branch", "versions")
    return hal_response(
        render_pact_versions(ctx.urls, views, href, "Pact versions from the consumer's main branch")
    )


@router.get(PAIR + "/branch/latest/versions", response_class=HalResponse)
def latest_main_branch_pact_versions(
    provider: str, consumer: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    _, views = ctx.db.read(
        lambda s: service.pacts_for_provider(s, provider, consumer=consumer, main_branch=True, limit=1)
    )
    href = ctx.urls.path("pacts", "provider", provider, "consumer", consumer, "branch", "latest", "versions")
    return hal_response(
        render_pact_versions(ctx.urls, views, href, "Latest pact version from the consumer's main branch")
    )


@router.get(PAIR + "/branch/{branch:seg}", response_class=HalResponse)
def branch_pact_versions(
    provider: str,
    consumer: str,
    branch: str,
    limit: int = Limit,
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    _, views = ctx.db.read(
        lambda s: service.pacts_for_provider(s, provider, consumer=consumer, branch=branch, limit=limit)
    )
    href = ctx.urls.path("pacts", "provider", provider, "consumer", consumer, "branch", branch)
    return hal_response(
        render_pact_versions(ctx.urls, views, href, f"Pact versions from consumer branch {branch}")
    )


@router.get(PAIR + "/branch/{branch:seg}/latest/versions", response_class=HalResponse)
def latest_branch_pact_versions(
    provider: str, consumer: str, branch: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    _, views = ctx.db.read(
        lambda s: service.pacts_for_provider(s, provider, consumer=consumer, branch=branch, limit=1)
    )
    href = ctx.urls.path(
        "pacts", "provider", provider, "consumer", consumer, "branch", branch, "latest", "versions"
    )
    return hal_response(
        render_pact_versions(ctx.urls, views, href, f"Latest pact version from consumer branch {branch}")
    )


# ---- lists for a provider


@router.get(
    PROVIDER + "/provider-states",
    response_class=HalResponse,
    summary="Provider states used by the latest pacts",
)
def provider_states(provider: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    states = ctx.db.read(lambda s: service.provider_states(s, provider))
    body = {
        "providerStates": [
            {
                "name": state.name,
                **({"params": state.params} if state.params else {}),
                "consumers": list(state.consumers),
            }
            for state in states
        ],
        "_links": {"self": {"href": ctx.urls.path("pacts", "provider", provider, "provider-states")}},
    }
    return hal_response(body)


@router.get(PROVIDER, response_class=HalResponse)
def provider_pacts(
    provider: str, limit: int = Limit, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    _, views = ctx.db.read(lambda s: service.pacts_for_provider(s, provider, limit=limit))
    href = ctx.urls.path("pacts", "provider", provider)
    return hal_response(
        render_provider_pacts(ctx.urls, provider, views, href, f"All pact versions for provider {provider}")
    )


@router.get(PROVIDER + "/latest", response_class=HalResponse)
def latest_provider_pacts(provider: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    _, views = ctx.db.read(lambda s: service.latest_pacts_for_provider(s, provider))
    href = ctx.urls.path("pacts", "provider", provider, "latest")
    return hal_response(
        render_provider_pacts(
            ctx.urls, provider, views, href, f"Latest pact versions for provider {provider}"
        )
    )


@router.get(PROVIDER + "/latest/{tag:seg}", response_class=HalResponse)
def latest_provider_pacts_with_tag(
    provider: str, tag: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    _, views = ctx.db.read(lambda s: service.latest_pacts_for_provider(s, provider, tag=tag))
    href = ctx.urls.path("pacts", "provider", provider, "latest", tag)
    return hal_response(
        render_provider_pacts(
            ctx.urls, provider, views, href, f"Latest pact versions for {provider} with tag {tag}"
        )
    )


@router.get(PROVIDER + "/tag/{tag:seg}", response_class=HalResponse)
def provider_pacts_with_tag(
    provider: str, tag: str, limit: int = Limit, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    _, views = ctx.db.read(lambda s: service.pacts_for_provider(s, provider, tag=tag, limit=limit))
    href = ctx.urls.path("pacts", "provider", provider, "tag", tag)
    return hal_response(
        render_provider_pacts(ctx.urls, provider, views, href, f"Pact versions for {provider} with tag {tag}")
    )


@router.get(PROVIDER + "/branch", response_class=HalResponse)
def provider_pacts_main_branch(
    provider: str, limit: int = Limit, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    _, views = ctx.db.read(lambda s: service.pacts_for_provider(s, provider, main_branch=True, limit=limit))
    href = ctx.urls.path("pacts", "provider", provider, "branch")
    return hal_response(
        render_provider_pacts(
            ctx.urls, provider, views, href, "Pact versions from the consumers' main branches"
        )
    )


@router.get(PROVIDER + "/branch/latest", response_class=HalResponse)
def latest_provider_pacts_main_branch(
    provider: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    _, views = ctx.db.read(lambda s: service.latest_pacts_for_provider(s, provider, main_branch=True))
    href = ctx.urls.path("pacts", "provider", provider, "branch", "latest")
    return hal_response(
        render_provider_pacts(
            ctx.urls, provider, views, href, "Latest pact versions from the consumers' main branches"
        )
    )


@router.get(PROVIDER + "/branch/{branch:seg}", response_class=HalResponse)
def provider_pacts_with_branch(
    provider: str, branch: str, limit: int = Limit, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    _, views = ctx.db.read(lambda s: service.pacts_for_provider(s, provider, branch=branch, limit=limit))
    href = ctx.urls.path("pacts", "provider", provider, "branch", branch)
    return hal_response(
        render_provider_pacts(ctx.urls, provider, views, href, f"Pact versions from consumer branch {branch}")
    )


@router.get(PROVIDER + "/branch/{branch:seg}/latest", response_class=HalResponse)
def latest_provider_pacts_with_branch(
    provider: str, branch: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    _, views = ctx.db.read(lambda s: service.latest_pacts_for_provider(s, provider, branch=branch))
    href = ctx.urls.path("pacts", "provider", provider, "branch", branch, "latest")
    return hal_response(
        render_provider_pacts(
            ctx.urls, provider, views, href, f"Latest pact versions from consumer branch {branch}"
        )
    )
