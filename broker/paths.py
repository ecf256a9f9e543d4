"""Route on the raw request path so that percent-encoded slashes stay inside one segment.

Uvicorn decodes ``%2F`` to ``/`` in ``scope["path"]``, so ``/pacticipants/Foo/branches/feat%2Fx`` would
route as an extra segment. :class:`RawPathMiddleware` rebuilds ``path`` from ``raw_path``, decoding each
segment and replacing a decoded ``/`` with a placeholder; parameters declared with the ``seg`` convertor
(``{branch:seg}``) turn it back into ``/``. Control characters in a path are refused with 400.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from starlette.convertors import Convertor, register_url_convertor
from starlette.types import ASGIApp, Receive, Scope, Send

from broker.hal import ERROR_JSON

SLASH = "\x1f"


class SegmentConvertor(Convertor[str]):
    regex = "[^/]+"

    def convert(self, value: str) -> str:
        return value.replace(SLASH, "/")

    def to_string(self, value: str) -> str:
        return value.replace("/", SLASH)


register_url_convertor("seg", SegmentConvertor())


def _bad_path(text: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in text)


class RawPathMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("raw_path"):
            raw = bytes(scope["raw_path"]).decode("latin-1").split("?", 1)[0]
            segments = [unquote(part, errors="replace") for part in raw.split("/")]
            if any(_bad_path(part) for part in segments):
                await _reject(send, "The request path contains control characters; remove them.")
                return
            scope = dict(scope)
            scope["path"] = "/".join(part.replace("/", SLASH) for part in segments)
        await self.app(scope, receive, send)


async def _reject(send: Send, message: str) -> None:
    body = json.dumps({"errors": {"path": [message]}}).encode()
    headers: list[Any] = [(b"content-type", ERROR_JSON.encode())]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})
