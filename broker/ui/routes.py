"""The web UI's routes under ``/ui``: each parses its parameters, names one view-model builder of
:mod:`broker.ui.pages` and a template. Reads go through ``ctx.db.read`` like the API's handlers, and
the auth middleware guards ``/ui`` exactly as it guards the API (pages are GETs: the read role)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from broker.context import RequestContext, request_context
from broker.ui import pages, render
from broker.ui.render import page, static_file

router = APIRouter(prefix="/ui", include_in_schema=False)
PAIR = "/pacts/provider/{provider:seg}/consumer/{consumer:seg}"


@router.get("", response_class=HTMLResponse)
def dashboard(
    request: Request,
    name: str | None = None,
    branch: str | None = None,
    environment: str | None = None,
    page_number: int = Query(1, alias="page", ge=1, le=1_000_000),
    ctx: RequestContext = Depends(request_context),
) -> HTMLResponse:
    return page(
        request,
        ctx,
        "dashboard.html",
        lambda links: ctx.db.read(
            lambda s: pages.dashboard_page(
                s, links, name=name, branch=branch, environment=environment, page=page_number
            )
        ),
        title="Integrations",
        section="dashboard",
    )


@router.get(PAIR, response_class=HTMLResponse)
def pact(
    request: Request,
    provider: str,
    consumer: str,
    version: str | None = None,
    compare: str | None = None,
    ctx: RequestContext = Depends(request_context),
) -> HTMLResponse:
    return page(
        request,
        ctx,
        "pact.html",
        lambda links: ctx.db.read(
            lambda s: pages.pact_page(
                s, links, provider=provider, consumer=consumer, version=version, compare=compare
            )
        ),
        title=f"Pact: {consumer} → {provider}",
        section="dashboard",
    )


@router.get(PAIR + "/pact-version/{sha:seg}/verification-results/{number:seg}", response_class=HTMLResponse)
def verification(
    request: Request,
    provider: str,
    consumer: str,
    sha: str,
    number: str,
    ctx: RequestContext = Depends(request_context),
) -> HTMLResponse:
    return page(
        request,
        ctx,
        "verification.html",
        lambda links: ctx.db.read(
            lambda s: pages.verification_page(
                s, links, provider=provider, consumer=consumer, sha=sha, number=number
            )
        ),
        title=f"Verification: {consumer} → {provider}",
        section="matrix",
    )


@router.get("/matrix", response_class=HTMLResponse)
def matrix(
    request: Request,
    consumer: str | None = None,
    provider: str | None = None,
    consumer_version: str | None = None,
    provider_version: str | None = None,
    status: str | None = None,
    ctx: RequestContext = Depends(request_context),
) -> HTMLResponse:
    return page(
        request,
        ctx,
        "matrix.html",
        lambda links: ctx.db.read(
            lambda s: pages.matrix_page(
                s,
                links,
                consumer=consumer,
                provider=provider,
                consumer_version=consumer_version,
                provider_version=provider_version,
                status=status,
            )
        ),
        title="Matrix",
        section="matrix",
    )


@router.get("/can-i-deploy", response_class=HTMLResponse)
def can_i_deploy(
    request: Request,
    pacticipant: str | None = None,
    version: str | None = None,
    environment: str | None = None,
    ctx: RequestContext = Depends(request_context),
) -> HTMLResponse:
    return page(
        request,
        ctx,
        "can_i_deploy.html",
        lambda links: ctx.db.read(
            lambda s: pages.can_i_deploy_page(
                s, links, pacticipant=pacticipant, version=version, environment=environment
            )
        ),
        title="Can I deploy?",
        section="can-i-deploy",
    )


@router.get("/environments", response_class=HTMLResponse)
def environments(request: Request, ctx: RequestContext = Depends(request_context)) -> HTMLResponse:
    return page(
        request,
        ctx,
        "environments.html",
        lambda links: ctx.db.read(pages.environments_page),
        title="Environments",
        section="environments",
    )


@router.get("/network", response_class=HTMLResponse)
def network(request: Request, ctx: RequestContext = Depends(request_context)) -> HTMLResponse:
    return page(
        request,
        ctx,
        "network.html",
        lambda links: ctx.db.read(lambda s: pages.network_page(s, links)),
        title="Network",
        section="network",
    )


@router.get("/webhooks", response_class=HTMLResponse)
def webhooks(request: Request, ctx: RequestContext = Depends(request_context)) -> HTMLResponse:
    return page(
        request,
        ctx,
        "webhooks.html",
        lambda links: ctx.db.read(lambda s: pages.webhooks_page(s, links)),
        title="Webhooks",
        section="webhooks",
    )


@router.get("/provider-contracts", response_class=HTMLResponse)
def provider_contracts(request: Request, ctx: RequestContext = Depends(request_context)) -> HTMLResponse:
    return page(
        request,
        ctx,
        "provider_contracts.html",
        lambda links: ctx.db.read(pages.provider_contracts_page),
        title="Provider contracts",
        section="provider-contracts",
    )


@router.get("/provider-contracts/provider/{provider:seg}/version/{version:seg}", response_class=HTMLResponse)
def provider_contract(
    request: Request, provider: str, version: str, ctx: RequestContext = Depends(request_context)
) -> HTMLResponse:
    return page(
        request,
        ctx,
        "provider_contract.html",
        lambda links: pages.provider_contract_page(ctx.db, links, provider=provider, version=version),
        title=f"Provider contract: {provider} {version}",
        section="provider-contracts",
    )


@router.get("/sign-in")
def sign_in(request: Request, ctx: RequestContext = Depends(request_context)) -> Response:
    return render.sign_in(request, ctx)


@router.get("/static/{name}")
def static(name: str) -> Response:
    found = static_file(name)
    if found is None:
        return Response("Not found", status_code=404, media_type="text/plain")
    content, media_type = found
    return Response(
        content,
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
