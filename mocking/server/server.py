"""Running the mock under uvicorn (httptools + uvloop when available).

The HTTP protocol is uvicorn's own, extended by one line: each request scope carries the connection's
transport under ``extensions["tether.transport"]`` so the faults file can reset a connection for real
(TCP RST) instead of answering.
"""

from __future__ import annotations

import errno
import importlib.util
import ipaddress
import socket
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from mocking.errors import MockServerError
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


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on (host, port) (port 0: one the system chooses); MockServerError naming the fix
    when the port is taken or the address is not this machine's."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise MockServerError(
                f"port {port} on {host} is taken by another process: choose another --port, or --port 0 "
                "to let the system pick a free one (the URL is printed)"
            ) from exc
        raise MockServerError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    sock.set_inheritable(True)
    return sock


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    app: MockApp, host: str, port: int, *, log_level: str = "warning", sock: socket.socket | None = None
) -> None:
    server = uvicorn.Server(uvicorn_config(app, host, port, log_level=log_level))
    server.run(sockets=[sock] if sock is not None else None)
