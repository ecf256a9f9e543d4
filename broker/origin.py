"""Cross-site request forgery guard for browsers.

The web UI runs in the browser with the user's credentials (basic auth is remembered by the
browser), so another site must not be able to make that browser change the broker: execute a
webhook, delete a pacticipant. Browsers send ``Origin`` on cross-site writes; the Pact tools and
other API clients send none. A write whose ``Origin`` is not the broker's own origin is refused
with 403 before it reaches authentication or a handler. Reads are never refused.

The broker's own origins are the configured base URLs (``TETHER_BASE_URL``) when there are any - never
the request's ``Host``, which a DNS-rebinding page controls. Without a base URL the request's host is
used (``X-Forwarded-Host`` only from ``TETHER_TRUSTED_PROXIES``, see ``broker.forwarding``): set
``TETHER_BASE_URL`` in production. A malformed ``Origin`` is a 400, not a 500.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from broker.hal import ERROR_JSON

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _origin_of(url: str) -> str:
    """``scheme://host[:port]`` (default ports dropped); ``ValueError`` when ``url`` is malformed."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = parts.port if parts.port and parts.port != default else None
    host = (parts.hostname or "").lower()
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}"


class SameOriginWritesMiddleware:
    def __init__(self, app: ASGIApp, base_urls: tuple[str, ...] = ()) -> None:
        self.app = app
        self.allowed = {_origin_of(url) for url in base_urls if url}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        origin = headers.get("origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        try:
            requested = _origin_of(origin) if origin != "null" else "null"
        except ValueError as exc:
            await _send(send, 400, f"The Origin header {origin[:100]!r} is not a valid origin: {exc}.")
            return
        own = self.allowed
        if not own:
            host = headers.get("x-forwarded-host") or headers.get("host", "")
            own = {_origin_of(f"{scope.get('scheme', 'http')}://{host}")}
        if requested in own:
            await self.app(scope, receive, send)
            return
        await self._refuse(send, origin)

    async def _refuse(self, send: Send, origin: str) -> None:
        message = (
            f"Cross-site request refused: a {origin} page may not change this broker. "
            "Use the broker's own pages, or an API client (which sends no Origin header)."
        )
        await _send(send, 403, message)


async def _send(send: Send, status: int, message: str) -> None:
    body = json.dumps({"errors": {"origin": [message]}}).encode()
    headers: list[Any] = [
        (b"content-type", ERROR_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
