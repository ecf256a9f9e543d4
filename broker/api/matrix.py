"""Routes: the matrix, can-i-deploy (query and path forms) and can-i-merge."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from starlette.requests import Request

from broker.context import RequestContext, request_context
from broker.hal import HalResponse, hal_response
from broker.nested_query import parse_nested_query
from broker.services.matrix import evaluate_matrix
from broker.services.matrix_query import (
    MatrixQuery,
    MatrixSelector,
    parse_can_i_deploy_query,
    parse_matrix_query,
    shortcut_query,
)
from broker.views.matrix import render_matrix

router = APIRouter(tags=["matrix"])

P = "/pacticipants/{pacticipant:seg}"


def _answer(ctx: RequestContext, query: MatrixQuery) -> HalResponse:
    result = ctx.db.read(lambda session: evaluate_matrix(session, query))
    return hal_response(render_matrix(ctx.urls, result))


@router.get(
    "/matrix",
    response_class=HalResponse,
    summary="The matrix: q[][pacticipant]=A&q[][version]=1&latestby=cvpv&environment=prod (Rack-style query)",
)
def matrix(request: Request, ctx: RequestContext = Depends(request_context)) -> HalResponse:
    query = request.url.query
    return _answer(ctx, parse_matrix_query(parse_nested_query(query), raw_query=query))


@router.get(
    "/can-i-deploy", response_class=HalResponse, summary="Can this version be deployed to an environment?"
)
def can_i_deploy(
    request: Request,
    pacticipant: str | None = Query(default=None),
    version: str | None = Query(default=None),
    environment: str | None = Query(default=None),
    to: str | None = Query(default=None, description="a tag (legacy)"),
    ctx: RequestContext = Depends(request_context),
) -> HalResponse:
    del pacticipant, version, environment, to  # documented here, read with ignore[] from the raw query
    return _answer(ctx, parse_can_i_deploy_query(parse_nested_query(request.url.query)))


@router.get(
    P + "/versions/{version:seg}/can-i-deploy/to-environment/{environment:seg}",
    response_class=HalResponse,
    summary="Can this version be deployed to the environment?",
)
def version_to_environment(
    pacticipant: str, version: str, environment: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    return _answer(ctx, shortcut_query(pacticipant=pacticipant, version=version, to_environment=environment))


@router.get(
    P + "/branches/{branch:seg}/latest-version/can-i-deploy/to-environment/{environment:seg}",
    response_class=HalResponse,
    summary="Can the head of this branch be deployed to the environment?",
)
def branch_to_environment(
    pacticipant: str, branch: str, environment: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    return _answer(ctx, shortcut_query(pacticipant=pacticipant, branch=branch, to_environment=environment))


@router.get(
    P + "/latest-version/{tag:seg}/can-i-deploy/to/{to:seg}",
    response_class=HalResponse,
    summary="Can the latest version with a tag be deployed to the versions with another tag?",
)
def tag_to_tag(
    pacticipant: str, tag: str, to: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    return _answer(ctx, shortcut_query(pacticipant=pacticipant, tag=tag, to_tag=to))


@router.get(
    P + "/versions/{version:seg}/can-i-merge",
    response_class=HalResponse,
    summary="Can this version be merged (is it compatible with the main branch heads of its integrations)?",
)
def can_i_merge(
    pacticipant: str, version: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    return _answer(ctx, shortcut_query(pacticipant=pacticipant, version=version, main_branch=True))


@router.get(
    "/matrix/provider/{provider:seg}/consumer/{consumer:seg}",
    response_class=HalResponse,
    summary="Every row of the matrix for one consumer/provider pair",
)
def matrix_for_pair(
    provider: str, consumer: str, ctx: RequestContext = Depends(request_context)
) -> HalResponse:
    query = MatrixQuery(
        selectors=(MatrixSelector(pacticipant=consumer), MatrixSelector(pacticipant=provider))
    )
    return _answer(ctx, query)
