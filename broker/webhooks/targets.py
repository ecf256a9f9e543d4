"""Where webhooks may send requests: the allow-list policy (webhooks are an SSRF vector).

A target passes when

* its method is in the method allow-list (default ``POST``) and its scheme in the scheme allow-list
  (default ``https``);
* the host list is empty, or the host matches one entry: an exact host name, ``*.domain`` (one
  label), an IP address, a CIDR range, or ``/regex/``;
* every address the host resolves to is globally routable (``is_global``, after unwrapping the IPv4
  address inside IPv4-mapped, 6to4, Teredo, NAT64 and IPv4-compatible IPv6 forms), unless private addresses are allowed globally or
  an allow-list entry names the host or covers the address (so ``127.0.0.1`` or ``127.0.0.0/8`` in
  the list is what lets a webhook call loopback).

The check runs when a webhook is saved (400 with the reason) and again before every delivery
(the resolved addresses may have changed since).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], list[str]]

PLACEHOLDER_MARK = "tether-placeholder"
"""What `templates.sample_values` substitutes, so a templated host is recognisable after rendering."""

HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


class TargetRefused(Exception):
    """The target is not allowed; ``field`` names the request part (``request.url``/``request.method``)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def resolve_host(host: str) -> list[str]:
    """Every address ``host`` resolves to (empty when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})


@dataclass(frozen=True)
class TargetPolicy:
    host_allow_list: tuple[str, ...] = ()
    scheme_allow_list: tuple[str, ...] = ("https",)
    method_allow_list: tuple[str, ...] = ("POST",)
    allow_private_addresses: bool = False
    resolver: Resolver = field(default=resolve_host, compare=False)

    @property
    def show_responses(self) -> bool:
        """Response bodies go into logs only when hosts are restricted (the Pact Broker's rule)."""
        return bool(self.host_allow_list)

    def check_method(self, method: str) -> None:
        upper = method.upper()
        if upper not in HTTP_METHODS:
            raise TargetRefused("request.method", f"{method!r} is not an HTTP method")
        allowed = {m.upper() for m in self.method_allow_list}
        if upper not in allowed:
            raise TargetRefused(
                "request.method",
                f"method {upper} is not allowed for webhooks; allowed: {', '.join(sorted(allowed))} "
                "(set TETHER_WEBHOOK_METHOD_ALLOW_LIST to change)",
            )

    def check_url(self, url: str, *, require_resolution: bool = False) -> list[IPAddress]:
        """Refuse a URL the policy does not allow; unresolvable names pass unless ``require_resolution``.
        Returns the addresses that were checked (deliveries connect to one of them, never re-resolve)."""
        try:
            parts = urlsplit(url)
            host = parts.hostname
            _ = parts.port
        except ValueError as exc:
            raise TargetRefused("request.url", f"{url!r} is not a valid URL: {exc}") from None
        if not parts.scheme or not host:
            raise TargetRefused("request.url", f"{url!r} is not an absolute URL with a scheme and a host")
        if "${" in host or PLACEHOLDER_MARK in host:
            raise TargetRefused("request.url", "the host of a webhook URL may not come from a placeholder")
        scheme = parts.scheme.lower()
        schemes = {s.lower() for s in self.scheme_allow_list}
        if scheme not in schemes:
            raise TargetRefused(
                "request.url",
                f"scheme {scheme!r} is not allowed for webhooks; allowed: {', '.join(sorted(schemes))} "
                "(set TETHER_WEBHOOK_SCHEME_ALLOW_LIST to change)",
            )
        host = host.lower()
        literal = _ip(host)
        addresses = [literal] if literal is not None else [a for a in map(_ip, self.resolver(host)) if a]
        if not addresses and require_resolution:
            raise TargetRefused("request.url", f"host {host!r} does not resolve to any address")
        named = any(_matches_name(entry, host) for entry in self.host_allow_list)
        covered = [a for a in addresses if any(_covers(entry, a) for entry in self.host_allow_list)]
        if self.host_allow_list and not named and not (addresses and len(covered) == len(addresses)):
            raise TargetRefused(
                "request.url",
                f"host {host!r} is not in the webhook host allow-list "
                f"({', '.join(self.host_allow_list)}); add it to TETHER_WEBHOOK_HOST_ALLOW_LIST",
            )
        if self.allow_private_addresses or named:
            return addresses
        for address in addresses:
            kind = private_kind(address)
            if kind and address not in covered:
                inner = embedded_ipv4(address)
                shown = f"{address} (carrying {inner})" if inner != address else str(address)
                raise TargetRefused(
                    "request.url",
                    f"host {host!r} resolves to {shown}, a {kind} address; webhooks may not call "
                    "private or loopback addresses unless the host or address is in "
                    "TETHER_WEBHOOK_HOST_ALLOW_LIST (or TETHER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true)",
                )
        return addresses


NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address carries (IPv4-mapped ``::ffff:a.b.c.d``, 6to4 ``2002::/16``,
    Teredo's client, NAT64 ``64:ff9b::/96``, IPv4-compatible ``::a.b.c.d``), or the address itself.
    Each of these forms reaches the IPv4 host on a network that routes it, so it is checked as that host."""
    if not isinstance(address, ipaddress.IPv6Address):
        return address
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64_PREFIX or (address in IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def private_kind(address: IPAddress) -> str | None:
    """Why an address is not public (``loopback``, ``private``, ``shared (carrier-grade NAT)``, ...),
    or ``None`` when it is globally routable (``is_global``, after unwrapping embedded IPv4)."""
    inner = embedded_ipv4(address)
    for candidate in dict.fromkeys((inner, address)):
        kind = _not_global_kind(candidate)
        if kind:
            return kind
    return None


SHARED_ADDRESS_SPACE = ipaddress.IPv4Network("100.64.0.0/10")


def _not_global_kind(address: IPAddress) -> str | None:
    for kind, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("unspecified", address.is_unspecified),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    ):
        if flag:
            return kind
    if isinstance(address, ipaddress.IPv4Address) and address in SHARED_ADDRESS_SPACE:
        return "shared (carrier-grade NAT, cloud metadata)"
    if not address.is_global:
        return "not globally routable"
    return None


def parse_allow_list(entries: Sequence[str]) -> tuple[str, ...]:
    """Normalise entries (strip, lower-case host names) and reject malformed CIDRs/regexes early."""
    normalised: list[str] = []
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        if entry.startswith("/") and entry.endswith("/") and len(entry) > 2:
            re.compile(entry[1:-1])
            normalised.append(entry)
        elif "/" in entry:
            normalised.append(str(ipaddress.ip_network(entry, strict=False)))
        else:
            normalised.append(entry.lower())
    return tuple(normalised)


def _ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def _matches_name(entry: str, host: str) -> bool:
    if entry.startswith("/") and entry.endswith("/") and len(entry) > 2:
        return re.fullmatch(entry[1:-1], host) is not None
    if entry.startswith("*."):
        suffix = entry[1:]
        return host.endswith(suffix) and "." not in host[: -len(suffix)] and len(host) > len(suffix)
    return entry == host


def _covers(entry: str, address: IPAddress) -> bool:
    if entry.startswith("/") and entry.endswith("/"):
        return False
    try:
        network = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return False
    return any(
        candidate.version == network.version and candidate in network
        for candidate in (address, embedded_ipv4(address))
    )
