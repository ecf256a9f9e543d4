"""How uvicorn serves the broker: one place for the options ``tether broker serve`` and the tests use.

What uvicorn offers against slow or greedy clients (0.30-0.55):

* ``timeout_keep_alive`` (uvicorn's default 5 s; ours 20 s, Puma's and so the Ruby broker's): closes a
  kept-alive connection idle *after a response*. It is not armed before the first request, and every
  byte received cancels it, so a client that connects and trickles header bytes ("slowloris") holds its
  connection for ever. It must outlast the clients' own idle expiry (httpx and Node keep an idle
  connection 5 s): when both are 5 s, a client reuses a connection just as the server closes it and
  the request fails with a read error (seen with 50 concurrent httpx publishers);
* ``h11_max_incomplete_event_size`` (default 16 KiB): the largest request line + headers it buffers
  (h11 only; larger is a 400);
* ``limit_concurrency``: 503 beyond that many connections and tasks; ``backlog``: the listen queue;
* ``proxy_headers`` / ``forwarded_allow_ips``: rewriting client and scheme from ``X-Forwarded-*``.

It has no header-read timeout, so :class:`HeaderTimeoutH11Protocol` adds one: a connection must deliver
a complete request head within ``header_read_timeout`` seconds of being opened (for the next request
on a kept-alive connection: ``timeout_keep_alive`` + ``header_read_timeout`` seconds after the previous
response, so an idle connection lives as long as the keep-alive promises), else it is closed. Settings:
``TETHER_HEADER_READ_TIMEOUT_SECONDS`` (default 10), ``TETHER_KEEP_ALIVE_SECONDS`` (default 20),
``TETHER_MAX_HEADER_BYTES`` (default 16384). ``X-Forwarded-*`` are handled by the application
(``broker.forwarding``, ``TETHER_TRUSTED_PROXIES``), so uvicorn's own proxy-header rewriting is off.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from broker.errors import ConfigurationError

DEFAULT_HEADER_READ_TIMEOUT = 10.0
DEFAULT_KEEP_ALIVE = 20
DEFAULT_MAX_HEADER_BYTES = 16 * 1024


def header_read_timeout() -> float:
    return _number("TETHER_HEADER_READ_TIMEOUT_SECONDS", DEFAULT_HEADER_READ_TIMEOUT)


class HeaderTimeoutH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request head."""

    header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the request head is complete
            self._disarm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            # the next request: uvicorn's keep-alive timer closes the connection if it stays idle; a
            # client that trickles bytes (which cancels that timer) is closed here
            self._arm_header_deadline(after=float(self.timeout_keep_alive))

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)

    def _arm_header_deadline(self, after: float = 0.0) -> None:
        self._disarm_header_deadline()
        self.header_deadline = self.loop.call_later(
            after + header_read_timeout(), self._header_deadline_passed
        )

    def _disarm_header_deadline(self) -> None:
        if self.header_deadline is not None:
            self.header_deadline.cancel()
            self.header_deadline = None

    def _header_deadline_passed(self) -> None:
        self.header_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.logger.info("closing a connection that sent no complete request head in time")
            self.transport.close()


def uvicorn_options(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.run`` / ``uvicorn.Config``."""
    env = os.environ if environ is None else environ
    return {
        "http": HeaderTimeoutH11Protocol,
        "timeout_keep_alive": int(_number("TETHER_KEEP_ALIVE_SECONDS", DEFAULT_KEEP_ALIVE, env)),
        "h11_max_incomplete_event_size": int(
            _number("TETHER_MAX_HEADER_BYTES", DEFAULT_MAX_HEADER_BYTES, env)
        ),
        "proxy_headers": False,
    }


def _number(name: str, default: float, environ: Any = None) -> float:
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number of seconds or bytes, not {raw!r}") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive, not {raw!r}")
    return value
