"""Which request headers decide the broker's own URL.

Without ``TETHER_BASE_URL`` HAL links, ``${pactbroker.pactUrl}`` in webhooks and the same-origin check
take the host from the request. ``X-Forwarded-Host``/``-Proto``/``-Port``/``-Prefix`` and ``Forwarded``
are honoured only when the connection comes from a proxy listed in ``TETHER_TRUSTED_PROXIES``
(addresses or CIDRs); from anyone else they are dropped before any other code sees them, so a client
cannot make the broker hand out links (or webhook payloads) pointing at its own host.

A malformed ``Host`` (or trusted ``X-Forwarded-Host``) is a 400 here, before authentication and
routing, never a 500 further in.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from broker.errors import ConfigurationError
from broker.hal import ERROR_JSON

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDED_HEADERS = frozenset(
    {b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-port", b"x-forwarded-prefix", b"forwarded"}
)
_HOST = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+;=%-]+)(?::(?P<port>[0-9]{1,5}))?")


def parse_trusted_proxies(entries: Sequence[str]) -> tuple[Network, ...]:
    networks: list[Network] = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ConfigurationError(
                f"TETHER_TRUSTED_PROXIES has a bad entry {entry!r}: use IP addresses or CIDRs "
                "such as 10.0.0.0/8,127.0.0.1"
            ) from None
    return tuple(networks)


def valid_host(value: str) -> bool:
    """``host``, ``host:port`` or ``[v6]:port`` with a port of at most 65535."""
    match = _HOST.fullmatch(value)
    if match is None:
        return False
    port = match.group("port")
    return port is None or 0 < int(port) <= 65535


class ForwardedHeadersMiddleware:
    def __init__(self, app: ASGIApp, trusted_proxies: Sequence[str] = ()) -> None:
        self.app = app
        self.trusted = parse_trusted_proxies(trusted_proxies)

    def _is_trusted(self, scope: Scope) -> bool:
        client = scope.get("client")
        if not client or not self.trusted:
            return False
        try:
            peer = ipaddress.ip_address(str(client[0]))
        except ValueError:
            return False
        return any(peer.version == net.version and peer in net for net in self.trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        trusted = self._is_trusted(scope)
        headers: list[tuple[bytes, bytes]] = []
        for key, value in scope["headers"]:
            name = key.lower()
            if name in FORWARDED_HEADERS and not trusted:
                continue
            if name == b"x-forwarded-host" or name == b"x-forwarded-proto":
                value = value.split(b",", 1)[0].strip()  # the client-facing proxy's value
            headers.append((key, value))
        for key, value in headers:
            if key.lower() in (b"host", b"x-forwarded-host"):
                text = value.decode("latin-1")
                if not valid_host(text):
                    await _reject(send, key.decode("latin-1"), text)
                    return
        scope = dict(scope)
        scope["headers"] = headers
        if trusted:
            proto = next((v for k, v in headers if k.lower() == b"x-forwarded-proto"), None)
            if proto in (b"http", b"https"):
                scope["scheme"] = proto.decode()
        await self.app(scope, receive, send)


async def _reject(send: Send, header: str, value: str) -> None:
    message = (
        f"The {header} header {value[:100]!r} is not a valid host: send host, host:port or [IPv6]:port "
        "with a port from 1 to 65535."
    )
    body = json.dumps({"errors": {"host": [message]}}).encode()
    headers: list[Any] = [
        (b"content-type", ERROR_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})
