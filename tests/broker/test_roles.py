"""The role table of docs/broker-security.md, checked on every route of ``/openapi.json`` with a read,
a write and an admin token: a lower role gets 403 before the handler runs, the needed one never 401/403."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from broker.settings import Role
from tests.broker.conftest import LocalBroker, LocalBrokerFactory

TOKENS = {"r": Role.READ, "w": Role.WRITE, "a": Role.ADMIN}
WRITE_DELETES = {
    "/pacticipants/{pacticipant}/branches/{branch}",
    "/pacticipants/{pacticipant}/branches/{branch}/versions/{version}",
}


def expected_role(method: str, template: str) -> Role | None:
    """The table, restated independently of ``broker.auth``."""
    if template == "/diagnostic/status/heartbeat":
        return None
    if method in ("GET", "HEAD", "OPTIONS"):
        return Role.READ
    if method == "POST" and template == "/pacts/provider/{provider}/for-verification":
        return Role.READ
    if method == "DELETE":
        return Role.WRITE if template in WRITE_DELETES else Role.ADMIN
    return Role.WRITE


@pytest.fixture
def secured(local_broker_factory: LocalBrokerFactory) -> Any:
    with local_broker_factory(tokens={f"{k}-token": v for k, v in TOKENS.items()}) as broker:
        yield broker


def _routes(broker: LocalBroker) -> list[tuple[str, str]]:
    document = httpx.get(broker.url + "/openapi.json", headers={"Authorization": "Bearer r-token"}).json()
    return [
        (method.upper(), template)
        for template, operations in document["paths"].items()
        for method in operations
        if method.upper() in ("GET", "POST", "PUT", "PATCH", "DELETE")
    ]


def test_every_route_needs_the_role_of_the_table(secured: LocalBroker) -> None:
    routes = _routes(secured)
    deletes = {template for method, template in routes if method == "DELETE"}
    assert {
        "/pacticipants/{pacticipant}",
        "/pacticipants/{pacticipant}/versions/{version}",
        "/pacticipants/{pacticipant}/versions/{version}/tags/{tag}",
        "/environments/{env_uuid}",
        "/webhooks/{uuid}",
        *WRITE_DELETES,
    } <= deletes
    checked = 0
    for method, template in routes:
        needed = expected_role(method, template)
        path = re.sub(r"\{[^}]+\}", "x", template)
        for name, role in TOKENS.items():
            response = httpx.request(
                method, secured.url + path, headers={"Authorization": f"Bearer {name}-token"}, json={}
            )
            if needed is not None and role < needed:
                assert response.status_code == 403, (method, template, name, response.text)
                assert response.json()["errors"]["authorization"] == [
                    f"This request needs the {needed.name.lower()} role; yours is {role.name.lower()}."
                ]
            else:
                assert response.status_code not in (401, 403), (method, template, name, response.text)
            checked += 1
    assert checked == 3 * len(routes) > 150
