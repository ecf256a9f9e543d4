"""``GET /``: the HAL index; browsers (``Accept: text/html``) are sent to the web UI at ``/ui``."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from broker.context import RequestContext, request_context
from broker.hal import HalResponse, hal_response
from broker.ui.negotiation import wants_html
from broker.views.index import render_index

router = APIRouter(tags=["index"])


@router.get("/", response_class=HalResponse, summary="Index of every relation")
def index(request: Request, ctx: RequestContext = Depends(request_context)) -> Response:
    if wants_html(request.headers.get("accept")):
        return RedirectResponse(ctx.urls.base + "/ui", status_code=303)
    return hal_response(render_index(ctx.urls), headers={"X-Pact-Broker-Version": "2.112.0"})
