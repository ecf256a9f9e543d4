"""Running the mock under uvicorn (httptools + uvloop when available).

The HTTP protocol is uvicorn's own, extended in two ways:

* each request scope carries the connection's transport under ``extensions["tether.transport"]`` so the
  faults file can reset a connection for real (TCP RST) instead of answering;
* a header-read deadline (``--header-timeout``, issue 13): uvicorn's keep-alive timeout is armed only
  after a response and every byte cancels it, so a client trickling a request head byte by byte held its
  connection for ever. Now a request head must be complete within ``header_timeout`` seconds of the
  connection opening or of its first byte. To keep httptools' speed there is no timer per request: the
  protocol notes when a head started (one clock read per request, in ``on_message_begin``) and when it
  completed, and one sweep per server (every ``header_timeout / 4`` seconds, at most 1 s) closes the
  connections whose head is overdue. A slow head is therefore cut between 1x and 1.25x the deadline.
"""

from __future__ import annotations

import asyncio
import errno
import importlib.util
import ipaddress
import socket
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from mocking.errors import MockServerError
from mocking.server.app import TRANSPORT_EXTENSION, MockApp

DEFAULT_HEADER_TIMEOUT = 5.0


class MockHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, exposing the transport to the application for connection resets and
    closing connections whose request head is not complete in time (see the module documentation)."""

    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    head_since: float | None = None  # loop time the pending request head started; None: no head pending

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.head_since = self.loop.time()
        _HeadSweeper.ensure(self)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.head_since is None:
            self.head_since = self.loop.time()
        extensions: dict[str, Any] = {TRANSPORT_EXTENSION: self.transport}
        self.scope["extensions"] = extensions

    def on_headers_complete(self) -> None:
        self.head_since = None
        super().on_headers_complete()

    def head_overdue(self, now: float) -> bool:
        since = self.head_since
        return since is not None and now - since > self.header_timeout

    def close_slow_head(self) -> None:
        self.head_since = None
        if not self.transport.is_closing():
            self.logger.info("closing a connection whose request head took over %ss", self.header_timeout)
            self.transport.close()


class _HeadSweeper:
    """One per server (kept on uvicorn's ServerState): closes connections with an overdue request head."""

    def __init__(self, protocol: MockHttpToolsProtocol) -> None:
        self.loop = protocol.loop
        self.connections = protocol.connections
        self.interval = min(1.0, max(0.01, protocol.header_timeout / 4))
        self.handle: asyncio.TimerHandle | None = None

    @classmethod
    def ensure(cls, protocol: MockHttpToolsProtocol) -> None:
        state = protocol.server_state
        sweeper = getattr(state, "tether_head_sweeper", None)
        if sweeper is None:
            sweeper = cls(protocol)
            state.tether_head_sweeper = sweeper  # type: ignore[attr-defined]
        if sweeper.handle is None:
            sweeper.handle = sweeper.loop.call_later(sweeper.interval, sweeper.sweep)

    def sweep(self) -> None:
        self.handle = None
        now = self.loop.time()
        for connection in list(self.connections):
            if isinstance(connection, MockHttpToolsProtocol) and connection.head_overdue(now):
                connection.close_slow_head()
        if self.connections:  # re-armed by the next connection otherwise
            self.handle = self.loop.call_later(self.interval, self.sweep)


def protocol_class(header_timeout: float) -> type[MockHttpToolsProtocol]:
    """The protocol class with this header deadline (uvicorn instantiates the class it is given)."""
    return type("MockHttpToolsProtocol", (MockHttpToolsProtocol,), {"header_timeout": header_timeout})


def uvicorn_config(
    app: MockApp,
    host: str,
    port: int,
    *,
    log_level: str = "warning",
    access_log: bool = False,
    header_timeout: float = DEFAULT_HEADER_TIMEOUT,
) -> uvicorn.Config:
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol_class(header_timeout),
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
    app: MockApp,
    host: str,
    port: int,
    *,
    log_level: str = "warning",
    sock: socket.socket | None = None,
    header_timeout: float = DEFAULT_HEADER_TIMEOUT,
) -> None:
    server = uvicorn.Server(
        uvicorn_config(app, host, port, log_level=log_level, header_timeout=header_timeout)
    )
    server.run(sockets=[sock] if sock is not None else None)
