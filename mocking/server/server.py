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
import urllib.parse
from typing import Any

import httptools
import uvicorn
from uvicorn.protocols.http.httptools_impl import (
    HEADER_RE,
    HEADER_VALUE_RE,
    STATUS_LINE,
    HttpToolsProtocol,
)

from mocking.errors import MockServerError
from mocking.server.app import TRANSPORT_EXTENSION, MockApp
from mocking.server.interactions import PreparedResponse

DEFAULT_HEADER_TIMEOUT = 5.0


_CLOSE = b"connection: close\r\n"
_ERROR_500 = (
    b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 21\r\nconnection: close\r\n\r\nInternal Server Error"
)


def wire_head(response: PreparedResponse) -> tuple[bytes, bool]:
    """The status line and header lines of ``response`` as uvicorn writes them (lower-case names, the same
    validation), and whether a header asks to close; cached on the response. ValueError when invalid."""
    if response.wire_head is not None:
        return response.wire_head
    content = [STATUS_LINE[response.status]]
    closes = False
    for name, value in response.headers:
        if HEADER_RE.search(name) or HEADER_VALUE_RE.search(value):
            raise ValueError(f"invalid response header {name!r}")
        name = name.lower()
        if name == b"connection" and b"close" in [token.lower().strip() for token in value.split(b",")]:
            closes = True
        content.extend([name, b": ", value, b"\r\n"])
    response.wire_head = (b"".join(content), closes)
    return response.wire_head


class MockHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with three additions (see the module documentation): the transport in
    the scope for connection resets, the request-head deadline, and a fast path that answers mock requests
    synchronously when the parser completes the request (no ASGI task, no per-request scope)."""

    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    mock: MockApp | None = None  # set by protocol_class: the application behind uvicorn's middleware
    head_since: float | None = None  # loop time the pending request head started; None: no head pending
    # the request being answered on the fast path: method, path, query, keep-alive; and its body so far
    fast: tuple[str, str, bytes, bool] | None = None
    fast_body: list[bytes]
    fast_size: int = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.head_since = self.loop.time()
        _HeadSweeper.ensure(self)

    def on_message_begin(self) -> None:
        if self.head_since is None:
            self.head_since = self.loop.time()
        # the scope is built only if the request takes the ASGI path (_begin_asgi)
        self.url = b""
        self.expect_100_continue = False
        self.headers = []

    def _begin_asgi(self) -> None:
        url, headers, expect = self.url, self.headers, self.expect_100_continue
        super().on_message_begin()
        self.url, self.headers, self.expect_100_continue = url, headers, expect
        self.scope["headers"] = headers
        extensions: dict[str, Any] = {TRANSPORT_EXTENSION: self.transport}
        self.scope["extensions"] = extensions

    def on_headers_complete(self) -> None:
        self.head_since = None
        mock = self.mock
        if (
            mock is not None
            and not self.expect_100_continue
            and not self.flow.write_paused
            and (self.cycle is None or self.cycle.response_complete)
            and not self.parser.should_upgrade()
        ):
            parsed = httptools.parse_url(self.url)
            path = parsed.path.decode("ascii")
            if "%" in path:
                path = urllib.parse.unquote(path)
            if mock.answers_now(path):
                version = self.parser.get_http_version()
                keep_alive = version != "1.0" and self.parser.should_keep_alive()
                method = self.parser.get_method().decode("ascii")
                self.fast = (method, path, parsed.query or b"", keep_alive)
                self.fast_body = []
                self.fast_size = 0
                return
        self._begin_asgi()
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if self.fast is None:
            super().on_body(body)
            return
        self.fast_size += len(body)
        if self.mock is not None and self.fast_size <= self.mock.options.max_body_bytes:
            self.fast_body.append(body)

    def on_message_complete(self) -> None:
        fast = self.fast
        if fast is None:
            super().on_message_complete()
            return
        self.fast = None
        method, path, query, keep_alive = fast
        assert self.mock is not None
        body = b"".join(self.fast_body)
        self.fast_body = []
        try:
            response = self.mock.respond_now(method, path, query, self.headers, body, size=self.fast_size)
            head, closes = wire_head(response)
        except Exception:
            self.logger.exception("Exception in the mock's fast path")
            self.transport.write(_ERROR_500)
            self.transport.close()
            return
        keep_alive = keep_alive and not closes
        tail = b"\r\n" if keep_alive or closes else _CLOSE + b"\r\n"
        self.transport.write(head + tail + (b"" if method == "HEAD" else response.body))
        if not keep_alive:
            self.transport.close()
        self.on_response_complete()

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


def protocol_class(header_timeout: float, mock: MockApp | None = None) -> type[MockHttpToolsProtocol]:
    """The protocol class with this header deadline, answering ``mock``'s requests on the fast path
    (uvicorn instantiates the class it is given)."""
    return type(
        "MockHttpToolsProtocol", (MockHttpToolsProtocol,), {"header_timeout": header_timeout, "mock": mock}
    )


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
        http=protocol_class(header_timeout, app),
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
