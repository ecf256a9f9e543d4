"""Running the mock under uvicorn (httptools + uvloop when available).

The HTTP protocol is uvicorn's own, extended by one line: each request scope carries the connection's
transport under ``extensions["tether.transport"]`` so the faults file can reset a connection for real
(TCP RST) instead of answering.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from mocking.server.app import TRANSPORT_EXTENSION, MockApp


class ResettableHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, exposing the transport to the application for connection resets."""

    def on_message_begin(self) -> None:
        super().on_message_begin()
        extensions: dict[str, Any] = {TRANSPORT_EXTENSION: self.transport}
        self.scope["extensions"] = extensions


def uvicorn_config(
    app: MockApp, host: str, port: int, *, log_level: str = "warning", access_log: bool = False
) -> uvicorn.Config:
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=ResettableHttpToolsProtocol,
        loop=loop,
        lifespan="on",
        log_level=log_level,
        access_log=access_log,
        server_header=False,
        date_header=False,
        timeout_keep_alive=30,
    )


def serve(app: MockApp, host: str, port: int, *, log_level: str = "warning") -> None:
    uvicorn.Server(uvicorn_config(app, host, port, log_level=log_level)).run()
