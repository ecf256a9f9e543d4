"""Routes: pacticipants (create, replace, merge, delete, list) and their labels."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Response

from broker.context import RequestContext, request_context
from broker.hal import HalResponse, hal_response
from broker.openapi_document import CREATED_OR_UPDATED
from broker.services import labels
from broker.services import pacticipants as service
from broker.services.pacticipant_list import list_pacticipant_summaries
from broker.services.versions import describe_pacticipant
from broker.views.core import render_label, render_pacticipant, render_pacticipants

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
    latest = detail.latest.version if detail.latest is not None else None
    body = render_pacticipant(ctx.urls, detail.pacticipant, latest, detail.extra_links, detail.labels)
    return hal_response(body, status=status, headers=headers)


@router.get("/pacticipants", response_class=HalResponse)
def list_pacticipants(ctx: RequestContext = Depends(request_context)) -> HalResponse:
    summaries = ctx.db.read(list_pacticipant_summaries)
    return hal_response(render_pacticipants(ctx.urls, summaries))


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


LABEL = "/pacticipants/{pacticipant:seg}/labels/{label:seg}"


@router.get(LABEL, response_class=HalResponse, summary="A label of a pacticipant")
def get_label(pacticipant: str, label: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    found = ctx.db.read(lambda s: labels.get_label(s, pacticipant, label))
    return hal_response(render_label(ctx.urls, found))


@router.put(
    LABEL,
    response_class=HalResponse,
    responses=CREATED_OR_UPDATED,
    summary="Label a pacticipant (201 when new, 200 when it already had the label)",
)
def put_label(pacticipant: str, label: str, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    found, created = ctx.db.write(lambda s: labels.add_label(s, pacticipant, label))
    return hal_response(render_label(ctx.urls, found), status=201 if created else 200)


@router.delete(LABEL, status_code=204, response_class=Response, summary="Remove a label from a pacticipant")
def delete_label(pacticipant: str, label: str, ctx: RequestContext = Depends(request_context)) -> Response:
    ctx.db.write(lambda s: labels.remove_label(s, pacticipant, label))
    return Response(status_code=204)
