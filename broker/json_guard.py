"""ASGI middleware: every JSON request body is checked by :func:`broker.json_input.strict_loads`
before a handler sees it, so no route can store ``Infinity``, an unconvertible integer, a lone
surrogate or a stack-exhausting document. Bodies that are not JSON at all are left to the handlers,
which word syntax errors themselves.

A body it parsed is kept in the request's state (:data:`PARSED_BODY`), so a handler reads the value
instead of parsing the text again: routes of a router made with ``route_class=ParsedJsonRoute`` get it
from ``await request.json()`` (FastAPI's body parameters), others through :func:`parsed_body`."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from broker.errors import ValidationFailed
from broker.hal import ERROR_JSON
from broker.json_input import strict_loads

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PARSED_BODY = "tether.parsed_json_body"
"""Key in ``scope["state"]`` (``request.state``) of the body's parsed value."""


def _is_json(content_type: str | None) -> bool:
    """FastAPI parses a body as JSON when it declares a JSON media type or declares none."""
    if content_type is None:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "" or media.endswith("/json") or media.endswith("+json")


class StrictJsonMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        content_type = next(
            (value.decode("latin-1") for key, value in scope["headers"] if key.lower() == b"content-type"),
            None,
        )
        if not _is_json(content_type):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            try:
                message = await receive()
            except HTTPException as exc:  # the body limit, raised outside the app's exception handlers
                field = "body" if exc.status_code == 413 else "base"
                await _reject(send, {"errors": {field: [str(exc.detail)]}}, exc.status_code)
                return
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body.strip():
            try:
                scope.setdefault("state", {})[PARSED_BODY] = strict_loads(body)
            except ValidationFailed as refused:
                await _reject(send, refused.body())
                return
            except (ValueError, UnicodeDecodeError):
                pass  # not JSON: the handler reports it in its own words
        await self.app(scope, _replay([{"type": "http.request", "body": body}], receive), send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


async def _reject(send: Send, body: dict[str, Any], status: int = 400) -> None:
    raw = json.dumps(body).encode()
    headers: list[Any] = [
        (b"content-type", ERROR_JSON.encode()),
        (b"content-length", str(len(raw)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": raw})


_ABSENT = object()


def parsed_body(request: Request) -> Any:
    """The body's value as the middleware parsed it; ``None`` when it did not (not JSON, empty)."""
    state = request.scope.get("state") or {}
    return state.get(PARSED_BODY)


class _ParsedJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            value = (self.scope.get("state") or {}).get(PARSED_BODY, _ABSENT)
            if value is _ABSENT:
                return await super().json()
            self._json = value
        return self._json


class ParsedJsonRoute(APIRoute):
    """A route whose JSON body parameter is the middleware's parsed value (no second parse)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_parsed_body(request: Request) -> Response:
            return await handler(_ParsedJsonRequest(request.scope, request.receive))

        return with_parsed_body
