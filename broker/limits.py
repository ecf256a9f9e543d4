"""Request-size limit: bodies over ``max_body_bytes`` get 413 before they reach a handler."""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from broker.hal import ERROR_JSON


def too_large_message(max_bytes: int) -> str:
    return (
        f"The request body is larger than the broker's limit of {max_bytes} bytes "
        "(TETHER_MAX_BODY_BYTES). Split the publication or raise the limit."
    )


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope["headers"]:
            if key.lower() == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._reject(send)
                    return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # rendered as 413 {"errors": {"body": [...]}} by the app's HTTPException handler
                    raise HTTPException(413, detail=too_large_message(self.max_bytes))
            return message

        await self.app(scope, limited_receive, send)

    async def _reject(self, send: Send) -> None:
        body = json.dumps({"errors": {"body": [too_large_message(self.max_bytes)]}}).encode()
        headers: list[Any] = [
            (b"content-type", ERROR_JSON.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
