"""Bearer-token and basic authentication with the roles read < write < admin.

With no tokens and no users configured the broker is open. ``required_role`` decides what a request
needs (the table is in docs/broker-security.md):

* ``read``: GET/HEAD/OPTIONS, and POST ``/pacts/provider/{p}/for-verification`` (a query);
* ``write``: every other change - publishing, verification results, versions, tags, branches,
  environments, deployments and releases, webhooks - and deleting a **branch** or a branch's version
  (the Pact CLI's ``delete-branch``, run from CI with a write token, as the Ruby broker allows);
* ``admin``: every other DELETE - pacticipants, versions, tags, environments, webhooks - which
  destroys history that can-i-deploy and the webhooks depend on.

``/diagnostic/status/heartbeat`` is always public.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from broker.hal import ERROR_JSON
from broker.settings import BrokerSettings, Role

READ_METHODS = {"GET", "HEAD", "OPTIONS"}
PUBLIC_PATHS = {"/diagnostic/status/heartbeat"}
_FOR_VERIFICATION = re.compile(r"^/pacts/provider/[^/]+/for-verification/?$")
_WRITE_DELETE = re.compile(r"^/pacticipants/[^/]+/branches/[^/]+(/versions/[^/]+)?/?$")


def required_role(method: str, path: str) -> Role | None:
    """The role a request needs; ``None`` for public paths."""
    if path in PUBLIC_PATHS:
        return None
    if method in READ_METHODS or (method == "POST" and _FOR_VERIFICATION.match(path)):
        return Role.READ
    if method == "DELETE" and not _WRITE_DELETE.match(path):
        return Role.ADMIN
    return Role.WRITE


def authenticate(settings: BrokerSettings, authorization: str | None) -> Role | None:
    """The role granted by an Authorization header, or ``None`` when it grants nothing."""
    if not authorization:
        return None
    scheme, _, credentials = authorization.partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer":
        for token, role in settings.tokens.items():
            if hmac.compare_digest(token.encode(), credentials.encode()):
                return role
        return None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        username, sep, password = decoded.partition(":")
        user = settings.basic_users.get(username)
        if sep and user is not None and hmac.compare_digest(user.password.encode(), password.encode()):
            return user.role
    return None


class AuthMiddleware:
    def __init__(self, app: ASGIApp, settings: BrokerSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.settings.auth_enabled:
            await self.app(scope, receive, send)
            return
        needed = required_role(scope["method"], scope["path"])
        if needed is None or (needed == Role.READ and self.settings.allow_public_read):
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        granted = authenticate(self.settings, headers.get("authorization"))
        if granted is None:
            await _deny(
                send,
                401,
                "Authentication required: send 'Authorization: Bearer <token>' or basic-auth credentials.",
            )
            return
        if granted < needed:
            await _deny(
                send,
                403,
                f"This request needs the {needed.name.lower()} role; yours is {granted.name.lower()}.",
            )
            return
        await self.app(scope, receive, send)


async def _deny(send: Send, status: int, message: str) -> None:
    body = json.dumps({"errors": {"authorization": [message]}}).encode()
    headers: list[Any] = [
        (b"content-type", ERROR_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    if status == 401:
        # one challenge per header: browsers cannot parse "Basic realm=..., Bearer" and would never ask
        headers.append((b"www-authenticate", b'Basic realm="Tether broker"'))
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
