"""The FastAPI application: ``create_app(settings)``. Each area's router is registered with one line."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request

from broker.auth import AuthMiddleware
from broker.db import Database
from broker.errors import BrokerError
from broker.forwarding import ForwardedHeadersMiddleware
from broker.hal import ERROR_JSON, PROBLEM_JSON
from broker.json_guard import StrictJsonMiddleware
from broker.limits import BodyLimitMiddleware
from broker.openapi_document import install as install_openapi_document
from broker.origin import SameOriginWritesMiddleware
from broker.paths import RawPathMiddleware
from broker.settings import BrokerSettings
from broker.webhooks.runtime import install as install_webhooks

log = logging.getLogger(__name__)


def create_app(settings: BrokerSettings | None = None, *, database: Database | None = None) -> FastAPI:
    settings = settings or BrokerSettings.from_env()
    db = database or Database(settings.database_url)
    db.session_info["settings"] = settings  # services read the version defaults from the session
    if settings.migrate_on_start:
        db.migrate()

    app = FastAPI(
        title="Tether broker",
        version="1.0.0",
        description="A Pact Broker-compatible contract broker (HAL+JSON).",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    _install_error_handlers(app)
    install_openapi_document(app)

    # middleware: the last added runs first (forwarded headers [added last, below] -> webhooks' base
    # URL -> raw path -> size limit -> same-origin writes -> auth -> strict JSON bodies -> routes)
    app.add_middleware(StrictJsonMiddleware)
    app.add_middleware(AuthMiddleware, settings=settings)
    app.add_middleware(SameOriginWritesMiddleware, base_urls=settings.base_urls)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RawPathMiddleware)

    for router in _routers():
        app.include_router(router)
    install_webhooks(app, settings, db)  # event subscribers, base-URL middleware, background worker
    # outermost, so every other middleware (the webhooks' base URL too) sees only trusted X-Forwarded-*
    app.add_middleware(ForwardedHeadersMiddleware, trusted_proxies=settings.trusted_proxies)
    return app


def _routers() -> list[APIRouter]:
    """Every area's router, in the order their routes are matched (the web UI last)."""
    from broker.api import (
        diagnostic,
        environments,
        index,
        integrations,
        matrix,
        pacticipants,
        pacts,
        provider_contracts,
        publish,
        verifications,
        versions,
        webhooks,
    )
    from broker.ui import routes as ui

    areas = (
        index, diagnostic, pacticipants, versions, publish, pacts, integrations,
        webhooks, provider_contracts, verifications, environments, matrix, ui,
    )  # fmt: skip
    return [area.router for area in areas]


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(BrokerError)
    async def _broker_error(request: Request, exc: BrokerError) -> JSONResponse:
        return error_response(request, exc.status, exc.body())

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            location = [str(part) for part in error.get("loc", ()) if part not in ("body",)]
            key = ".".join(location) or "body"
            message = str(error.get("msg", "invalid"))
            if error.get("type") == "json_invalid":
                key, message = (
                    "body",
                    f"The request body is not valid JSON: {error.get('ctx', {}).get('error', message)}",
                )
            errors.setdefault(key, []).append(message)
        return error_response(request, 400, {"errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        field = "body" if exc.status_code == 413 else "base"
        detail = str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No resource at {request.url.path}"
        return error_response(request, exc.status_code, {"errors": {field: [detail]}}, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        reference = uuid.uuid4().hex[:10]
        log.exception("unexpected error %s on %s %s", reference, request.method, request.url.path)
        body = {"error": {"message": "An error occurred in the broker", "reference": reference}}
        return JSONResponse(body, status_code=500, media_type=ERROR_JSON)


def error_response(
    request: Request, status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """``{"errors": ...}``; RFC 7807 problem+json when the client asks for it (as the Ruby broker does)."""
    if "application/problem+json" in request.headers.get("accept", ""):
        errors = body.get("errors", {})
        problem = {
            "title": "Validation errors" if status == 400 else "Error",
            "type": f"{request.base_url}problems/{'validation-error' if status == 400 else 'error'}",
            "status": status,
            "instance": request.url.path,
            "errors": [
                {"type": "error", "title": key, "detail": message, "pointer": f"/{key.replace('.', '/')}"}
                for key, messages in (errors.items() if isinstance(errors, dict) else [("base", errors)])
                for message in messages
            ],
        }
        if "notices" in body:
            problem["notices"] = body["notices"]
        return JSONResponse(problem, status_code=status, media_type=PROBLEM_JSON, headers=headers)
    return JSONResponse(body, status_code=status, media_type=ERROR_JSON, headers=dict(headers or {}))
