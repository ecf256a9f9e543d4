"""Health checks used by Docker/Helm: heartbeat (no database) and dependencies (database)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from broker.context import RequestContext, request_context
from broker.hal import HalResponse, hal_response
from broker.services.diagnostic import check_database
from broker.services.metrics import row_counts

router = APIRouter(tags=["diagnostic"])


@router.get("/diagnostic/status/heartbeat", response_class=HalResponse)
def heartbeat(ctx: RequestContext = Depends(request_context)) -> HalResponse:
    return hal_response(
        {"ok": True, "_links": {"self": {"href": ctx.urls.path("diagnostic", "status", "heartbeat")}}}
    )


@router.get("/diagnostic/status/dependencies", response_class=HalResponse)
def dependencies(ctx: RequestContext = Depends(request_context)) -> HalResponse:
    ok = ctx.db.read(check_database)
    body = {"ok": ok, "dependencies": {"database": {"ok": ok}}}
    return hal_response(body, status=200 if ok else 503)


@router.get("/metrics", response_class=HalResponse, tags=["metrics"], summary="Row counts")
def metrics(ctx: RequestContext = Depends(request_context)) -> HalResponse:
    counts = ctx.db.read(row_counts)
    body: dict[str, Any] = {name: {"count": count} for name, count in counts.items()}
    body["_links"] = {"self": {"href": ctx.urls.path("metrics")}}
    return hal_response(body)
