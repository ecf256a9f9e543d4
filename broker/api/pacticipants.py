"""Routes: pacticipants (create, replace, merge, delete, list)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Response

from broker.context import RequestContext, request_context
from broker.hal import HalResponse, hal_response
from broker.openapi_document import CREATED_OR_UPDATED
from broker.services import pacticipants as service
from broker.services.versions import describe_pacticipant
from broker.views.core import render_pacticipant, render_pacticipants

router = APIRouter(tags=["pacticipants"])

PacticipantBody = Body(
    None,
    description="Pacticipant attributes: name, displayName, repositoryUrl, repositoryName, "
    "repositoryNamespace, mainBranch. Sent as application/json or application/merge-patch+json.",
    examples=[{"name": "OrderWeb", "mainBranch": "main", "repositoryUrl": "https://git.example/order-web"}],
)


def _render(ctx: RequestContext, name: str, status: int = 200, location: bool = False) -> HalResponse:
    detail = ctx.db.read(lambda s: describe_pacticipant(s, ctx.urls, name))
    headers = {"Location": ctx.urls.pacticipant(name)} if location else None
    body = render_pacticipant(ctx.urls, detail.pacticipant, detail.latest, detail.extra_links)
    return hal_response(body, status=status, headers=headers)


@router.get("/pacticipants", response_class=HalResponse)
def list_pacticipants(ctx: RequestContext = Depends(request_context)) -> HalResponse:
    rows = ctx.db.read(service.list_pacticipants)
    return hal_response(render_pacticipants(ctx.urls, rows))


@router.post("/pacticipants", response_class=HalResponse, status_code=201)
def create_pacticipant(
    body: dict[str, Any] | None = PacticipantBody, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    created = ctx.db.write(lambda s: service.create_pacticipant(s, body or {}))
    return _render(ctx, created.name, status=201, location=True)


@router.get("/pacticipants/{pacticipant:seg}", response_class=HalResponse)
def get_pacticipant(pacticipant: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    return _render(ctx, pacticipant)


@router.put("/pacticipants/{pacticipant:seg}", response_class=HalResponse)
def replace_pacticipant(
    pacticipant: str,
    body: dict[str, Any] | None = PacticipantBody,
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    ctx.db.write(lambda s: service.replace_pacticipant(s, pacticipant, body or {}))
    return _render(ctx, pacticipant)


@router.patch("/pacticipants/{pacticipant:seg}", response_class=HalResponse, responses=CREATED_OR_UPDATED)
def merge_pacticipant(
    pacticipant: str,
    body: dict[str, Any] | None = PacticipantBody,
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    _, created = ctx.db.write(lambda s: service.merge_pacticipant(s, pacticipant, body or {}))
    return _render(ctx, pacticipant, status=201 if created else 200, location=created)


@router.delete("/pacticipants/{pacticipant:seg}", status_code=204, response_class=Response)
def delete_pacticipant(pacticipant: str, ctx: RequestContext = Depends(request_context)) -> Response:
    ctx.db.write(lambda s: service.delete_pacticipant(s, pacticipant))
    return Response(status_code=204)
