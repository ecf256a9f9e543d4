"""Send one rendered webhook request and describe what happened (the attempt's log)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from broker.webhooks.config import SUCCESS_CODES
from broker.webhooks.redaction import redact_headers, scrub
from broker.webhooks.targets import IPAddress, TargetPolicy, TargetRefused

MAX_LOGGED_BODY = 4000
MAX_RESPONSE_BYTES = 64 * 1024


@dataclass(frozen=True)
class RenderedRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: str | None
    username: str | None = None
    password: str | None = None

    def all_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.username is not None and not any(k.lower() == "authorization" for k in headers):
            token = base64.b64encode(f"{self.username}:{self.password or ''}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        return headers


@dataclass
class DeliveryOutcome:
    success: bool
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    error: str | None = None
    lines: list[str] = field(default_factory=list)

    def log(self, message: str, level: str = "INFO") -> None:
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        self.lines.append(f"[{stamp}] {level}: {message}")

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def deliver(request: RenderedRequest, policy: TargetPolicy, *, timeout: float) -> DeliveryOutcome:
    """Check the target against the policy, send (no redirects followed), log request and response.

    Passwords and sensitive headers are masked in the log; response bodies are logged only when
    a host allow-list is configured (otherwise the broker could be used to read internal pages).
    """
    outcome = DeliveryOutcome(success=False)
    headers = request.all_headers()
    secrets = [request.password or ""] + [
        v for k, v in headers.items() if redact_headers({k: v}, keep_templated=False)[k] != v
    ]
    outcome.log(f"HTTP/1.1 {request.method} {request.url}")
    for name, value in redact_headers(headers, keep_templated=False).items():
        outcome.log(f"{name}: {value}")
    if request.body is not None:
        outcome.log(scrub(_clip(request.body), secrets))
    try:
        policy.check_method(request.method)
        addresses = policy.check_url(request.url, require_resolution=True)
    except TargetRefused as refused:
        outcome.error = refused.message
        outcome.log(f"Webhook target refused: {refused.message}", "ERROR")
        return outcome
    url, extensions = pin_address(request.url, addresses, headers)
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client,
            client.stream(
                request.method,
                url,
                headers=headers,
                content=request.body.encode() if request.body is not None else None,
                extensions=extensions,
            ) as response,
        ):
            received = bytearray()
            for chunk in response.iter_bytes():
                received.extend(chunk[: MAX_RESPONSE_BYTES - len(received)])
                if len(received) >= MAX_RESPONSE_BYTES:
                    break  # a target cannot make the broker read an unbounded body
            try:
                text = received.decode(response.charset_encoding or "utf-8", errors="replace")
            except LookupError:  # an unknown charset name
                text = received.decode("utf-8", errors="replace")
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"
        outcome.log(f"Error executing webhook: {outcome.error}", "ERROR")
        return outcome
    outcome.status = response.status_code
    outcome.response_headers = dict(response.headers)
    outcome.success = response.status_code in SUCCESS_CODES
    outcome.log(
        f"HTTP/{response.http_version.removeprefix('HTTP/')} {response.status_code} {response.reason_phrase}"
    )
    for name, value in redact_headers(outcome.response_headers, keep_templated=False).items():
        outcome.log(f"{name}: {value}")
    if policy.show_responses:
        outcome.response_body = text
        if text:
            outcome.log(scrub(_clip(text), secrets))
    else:
        outcome.log(
            "(response body hidden: set TETHER_WEBHOOK_HOST_ALLOW_LIST to show response bodies in webhook logs)"
        )
    return outcome


def pin_address(url: str, addresses: list[IPAddress], headers: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """Connect to the address that was checked, not to whatever the name resolves to a moment later
    (DNS rebinding): the URL gets the IP, ``Host`` keeps the name, and TLS verifies the name (SNI)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not addresses or host.strip("[]") == str(addresses[0]):
        return url, {}
    address = addresses[0]
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = literal + (f":{parts.port}" if parts.port else "")
    if parts.username or parts.password:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    headers.setdefault("Host", host + (f":{parts.port}" if parts.port else ""))
    extensions: dict[str, Any] = {"sni_hostname": host} if parts.scheme.lower() == "https" else {}
    return urlunsplit(parts._replace(netloc=netloc)), extensions


def _clip(text: str) -> str:
    return text if len(text) <= MAX_LOGGED_BODY else text[:MAX_LOGGED_BODY] + f"... ({len(text)} characters)"
