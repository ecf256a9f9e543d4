"""``GET /``: the HAL index."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from broker.context import RequestContext, request_context
from broker.hal import HalResponse, hal_response
from broker.views.index import render_index

router = APIRouter(tags=["index"])


@router.get("/", response_class=HalResponse, summary="Index of every relation")
def index(ctx: RequestContext = Depends(request_context)) -> HalResponse:
    return hal_response(render_index(ctx.urls), headers={"X-Pact-Broker-Version": "2.112.0"})
