"""Routes: versions, latest versions, tags, branches and branch versions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query, Response

from broker.context import RequestContext, request_context
from broker.hal import HalResponse, hal_response
from broker.openapi_document import CREATED_OR_UPDATED
from broker.paths import SLASH
from broker.services import versions as service
from broker.views import core as views

router = APIRouter(tags=["versions"])

VersionBody = Body(
    None,
    description="buildUrl (replaced), tags (added; names or {name}), branch (added).",
    examples=[{"buildUrl": "https://ci.example/1", "tags": ["prod"]}],
)
EmptyBody = Body(None, description='Ignored; clients send nothing, {} or {"name": ...}.')
Limit = Query(100, ge=1, le=1000, description="Most recent first; at most this many.")


@router.get("/pacticipants/{pacticipant:seg}/versions", response_class=HalResponse)
def list_versions(
    pacticipant: str, limit: int = Limit, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    p, rows = ctx.db.read(lambda s: service.list_versions(s, pacticipant, limit=limit))
    return hal_response(views.render_versions(ctx.urls, p, rows))


@router.get("/pacticipants/{pacticipant:seg}/versions/{version:seg}", response_class=HalResponse)
def get_version(
    pacticipant: str, version: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    detail = ctx.db.read(lambda s: service.describe_version(s, ctx.urls, pacticipant, version))
    return hal_response(views.render_version(ctx.urls, detail))


@router.put(
    "/pacticipants/{pacticipant:seg}/versions/{version:seg}",
    response_class=HalResponse,
    responses=CREATED_OR_UPDATED,
)
def put_version(
    pacticipant: str,
    version: str,
    body: dict[str, Any] | None = VersionBody,
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    detail, created = ctx.db.write(
        lambda s: service.put_version(s, ctx.urls, pacticipant, version, body or {})
    )
    headers = {"Location": ctx.urls.version(pacticipant, version)} if created else None
    return hal_response(
        views.render_version(ctx.urls, detail), status=201 if created else 200, headers=headers
    )


@router.patch(
    "/pacticipants/{pacticipant:seg}/versions/{version:seg}",
    response_class=HalResponse,
    responses=CREATED_OR_UPDATED,
)
def patch_version(
    pacticipant: str,
    version: str,
    body: dict[str, Any] | None = VersionBody,
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    detail, created = ctx.db.write(
        lambda s: service.put_version(s, ctx.urls, pacticipant, version, body or {})
    )
    return hal_response(views.render_version(ctx.urls, detail), status=201 if created else 200)


@router.delete(
    "/pacticipants/{pacticipant:seg}/versions/{version:seg}", status_code=204, response_class=Response
)
def delete_version(
    pacticipant: str, version: str, ctx: RequestContext = Depends(request_context)
) -> Response:
    ctx.db.write(lambda s: service.delete_version(s, pacticipant, version))
    return Response(status_code=204)


@router.get("/pacticipants/{pacticipant:seg}/latest-version", response_class=HalResponse)
def get_latest_version(pacticipant: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    detail = ctx.db.read(lambda s: service.get_latest_version(s, ctx.urls, pacticipant))
    return hal_response(views.render_version(ctx.urls, detail))


@router.get("/pacticipants/{pacticipant:seg}/latest-version/{tag:seg}", response_class=HalResponse)
def get_latest_tagged_version(
    pacticipant: str, tag: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    detail = ctx.db.read(lambda s: service.get_latest_version(s, ctx.urls, pacticipant, tag=tag))
    return hal_response(views.render_version(ctx.urls, detail))


# ---- tags


@router.get(
    "/pacticipants/{pacticipant:seg}/versions/{version:seg}/tags/{tag:seg}", response_class=HalResponse
)
def get_tag(
    pacticipant: str, version: str, tag: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    p, v, row = ctx.db.read(lambda s: service.get_tag(s, pacticipant, version, tag))
    return hal_response(views.render_tag(ctx.urls, p, v, row))


@router.put(
    "/pacticipants/{pacticipant:seg}/versions/{version:seg}/tags/{tag:seg}",
    response_class=HalResponse,
    responses=CREATED_OR_UPDATED,
)
def put_tag(
    pacticipant: str,
    version: str,
    tag: str,
    body: dict[str, Any] | None = EmptyBody,
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    p, v, row, created = ctx.db.write(lambda s: service.put_tag(s, pacticipant, version, tag))
    headers = {"Location": ctx.urls.tag(pacticipant, version, tag)} if created else None
    return hal_response(
        views.render_tag(ctx.urls, p, v, row), status=201 if created else 200, headers=headers
    )


@router.delete(
    "/pacticipants/{pacticipant:seg}/versions/{version:seg}/tags/{tag:seg}",
    status_code=204,
    response_class=Response,
)
def delete_tag(
    pacticipant: str, version: str, tag: str, ctx: RequestContext = Depends(request_context)
) -> Response:
    ctx.db.write(lambda s: service.delete_tag(s, pacticipant, version, tag))
    return Response(status_code=204)


# ---- branches


@router.get("/pacticipants/{pacticipant:seg}/branches", response_class=HalResponse)
def list_branches(pacticipant: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    p, rows = ctx.db.read(lambda s: service.list_branches(s, pacticipant))
    return hal_response(views.render_branches(ctx.urls, p, rows))


@router.get("/pacticipants/{pacticipant:seg}/branches/{branch:seg}", response_class=HalResponse)
def get_branch(pacticipant: str, branch: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    detail = ctx.db.read(lambda s: service.get_branch(s, pacticipant, branch))
    return hal_response(views.render_branch(ctx.urls, detail))


@router.delete(
    "/pacticipants/{pacticipant:seg}/branches/{branch:seg}", status_code=204, response_class=Response
)
def delete_branch(pacticipant: str, branch: str, ctx: RequestContext = Depends(request_context)) -> Response:
    ctx.db.write(lambda s: service.delete_branch(s, pacticipant, branch))
    return Response(status_code=204)


@router.get("/pacticipants/{pacticipant:seg}/branches/{branch:seg}/versions", response_class=HalResponse)
def list_branch_versions(
    pacticipant: str, branch: str, limit: int = Limit, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    detail, rows = ctx.db.read(lambda s: service.branch_versions(s, pacticipant, branch, limit=limit))
    return hal_response(views.render_branch_versions(ctx.urls, detail, rows))


@router.get(
    "/pacticipants/{pacticipant:seg}/branches/{branch:seg}/latest-version", response_class=HalResponse
)
def get_branch_latest_version(
    pacticipant: str, branch: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    detail = ctx.db.read(lambda s: service.get_latest_version(s, ctx.urls, pacticipant, branch=branch))
    return hal_response(views.render_version(ctx.urls, detail))


@router.get(
    "/pacticipants/{pacticipant:seg}/branches/{branch:seg}/versions/{version:seg}", response_class=HalResponse
)
def get_branch_version(
    pacticipant: str, branch: str, version: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    p, v, row = ctx.db.read(lambda s: service.get_branch_version(s, pacticipant, branch, version))
    return hal_response(views.render_branch_version(ctx.urls, p, v, row))


@router.put(
    "/pacticipants/{pacticipant:seg}/branches/{branch:seg}/versions/{version:seg}",
    response_class=HalResponse,
    responses=CREATED_OR_UPDATED,
)
def put_branch_version(
    pacticipant: str,
    branch: str,
    version: str,
    body: dict[str, Any] | None = EmptyBody,
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    p, v, row, created = ctx.db.write(lambda s: service.put_branch_version(s, pacticipant, branch, version))
    headers = {"Location": ctx.urls.branch_version(pacticipant, branch, version)} if created else None
    return hal_response(
        views.render_branch_version(ctx.urls, p, v, row), status=201 if created else 200, headers=headers
    )


@router.delete(
    "/pacticipants/{pacticipant:seg}/branches/{branch:seg}/versions/{version:seg}",
    status_code=204,
    response_class=Response,
)
def delete_branch_version(
    pacticipant: str, branch: str, version: str, ctx: RequestContext = Depends(request_context)
) -> Response:
    ctx.db.write(lambda s: service.delete_branch_version(s, pacticipant, branch, version))
    return Response(status_code=204)


# The Rust pact CLI (create-or-update-version) does not percent-encode branch names: accept
# /branches/feat/x/versions/1.0.1 too (tried after the routes above, so normal names win).
@router.put(
    "/pacticipants/{pacticipant:seg}/branches/{branch:path}/versions/{version:seg}",
    response_class=HalResponse,
    include_in_schema=False,
)
def put_branch_version_unencoded(
    pacticipant: str,
    branch: str,
    version: str,
    body: dict[str, Any] | None = EmptyBody,
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    return put_branch_version(pacticipant, branch.replace(SLASH, "/"), version, body, ctx)


@router.get(
    "/pacticipants/{pacticipant:seg}/branches/{branch:path}/versions/{version:seg}",
    response_class=HalResponse,
    include_in_schema=False,
)
def get_branch_version_unencoded(
    pacticipant: str, branch: str, version: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    return get_branch_version(pacticipant, branch.replace(SLASH, "/"), version, ctx)
