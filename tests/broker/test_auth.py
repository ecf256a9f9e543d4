"""Bearer tokens and basic auth with roles read < write < admin; open when nothing is configured."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from broker.errors import ConfigurationError
from broker.settings import BasicUser, BrokerSettings, Role, parse_basic_users, parse_tokens
from tests.broker.conftest import LocalBrokerFactory
from tests.broker.test_pact_cli import PACT, run_pact
from tests.broker.test_publishing import make_pact, publish_body

TOKENS = {"r-token": Role.READ, "w-token": Role.WRITE, "a-token": Role.ADMIN}
USERS = {"reader": BasicUser("rpw", Role.READ), "writer": BasicUser("w:pw", Role.WRITE)}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_roles(local_broker_factory: LocalBrokerFactory) -> None:
    with local_broker_factory(tokens=TOKENS, basic_users=USERS) as broker:
        url = broker.url
        anonymous = httpx.get(url + "/pacticipants")
        assert anonymous.status_code == 401
        assert anonymous.headers["www-authenticate"].startswith("Basic")
        assert "Authorization: Bearer" in anonymous.json()["errors"]["authorization"][0]
        assert httpx.get(url + "/diagnostic/status/heartbeat").status_code == 200
        assert httpx.get(url + "/", headers=bearer("wrong")).status_code == 401

        assert httpx.get(url + "/pacticipants", headers=bearer("r-token")).status_code == 200
        forbidden = httpx.post(
            url + "/contracts/publish", json=publish_body(make_pact()), headers=bearer("r-token")
        )
        assert forbidden.status_code == 403
        assert forbidden.json()["errors"]["authorization"] == [
            "This request needs the write role; yours is read."
        ]
        # POST .../for-verification is a read
        verification = httpx.post(
            url + "/pacts/provider/OrderApi/for-verification", json={}, headers=bearer("r-token")
        )
        assert verification.status_code not in (401, 403)

        assert (
            httpx.post(
                url + "/contracts/publish", json=publish_body(make_pact()), headers=bearer("w-token")
            ).status_code
            == 200
        )
        assert httpx.delete(url + "/pacticipants/OrderWeb", headers=bearer("w-token")).status_code == 403
        assert (
            httpx.delete(
                url + "/pacticipants/OrderWeb/versions/1.0.0/tags/x", headers=bearer("w-token")
            ).status_code
            == 403
        )
        assert (
            httpx.delete(url + "/pacticipants/OrderWeb/branches/main", headers=bearer("w-token")).status_code
            == 204
        )
        assert httpx.delete(url + "/pacticipants/OrderWeb", headers=bearer("a-token")).status_code == 204

        assert httpx.get(url + "/pacticipants", auth=("reader", "rpw")).status_code == 200
        assert httpx.get(url + "/pacticipants", auth=("reader", "nope")).status_code == 401
        assert (
            httpx.put(url + "/pacticipants/X/versions/1/tags/t", json={}, auth=("reader", "rpw")).status_code
            == 403
        )
        assert (
            httpx.put(url + "/pacticipants/X/versions/1/tags/t", json={}, auth=("writer", "w:pw")).status_code
            == 201
        )


def test_public_read(local_broker_factory: LocalBrokerFactory) -> None:
    with local_broker_factory(tokens=TOKENS, allow_public_read=True) as broker:
        assert httpx.get(broker.url + "/pacticipants").status_code == 200
        assert httpx.put(broker.url + "/pacticipants/X/versions/1/tags/t", json={}).status_code == 401


def test_open_when_nothing_is_configured(local_broker_factory: LocalBrokerFactory) -> None:
    with local_broker_factory() as broker:
        assert httpx.put(broker.url + "/pacticipants/X/versions/1/tags/t", json={}).status_code == 201


def test_settings_parsing() -> None:
    assert parse_tokens("a:read, b:write,c:admin") == {"a": Role.READ, "b": Role.WRITE, "c": Role.ADMIN}
    assert parse_basic_users("alice:s:e:cret:write") == {"alice": BasicUser("s:e:cret", Role.WRITE)}
    with pytest.raises(ConfigurationError, match="unknown role 'root'"):
        parse_tokens("a:root")
    settings = BrokerSettings.from_env(
        {
            "TETHER_BROKER_TOKENS": "t:read",
            "TETHER_ALLOW_PUBLIC_READ": "yes",
            "TETHER_BASE_URL": "https://a/x, https://b",
        }
    )
    assert settings.tokens == {"t": Role.READ}
    assert settings.allow_public_read is True
    assert settings.base_urls == ("https://a/x", "https://b")
    with pytest.raises(ConfigurationError, match="TETHER_MAX_BODY_BYTES"):
        BrokerSettings.from_env({"TETHER_MAX_BODY_BYTES": "big"})


@pytest.mark.npm
def test_pact_cli_with_token_and_basic_auth(local_broker_factory: LocalBrokerFactory, tmp_path: Path) -> None:
    pacts = tmp_path / "pacts"
    pacts.mkdir()
    (pacts / "p.json").write_text(json.dumps(PACT))
    with local_broker_factory(tokens=TOKENS, basic_users=USERS) as broker:
        denied = run_pact(
            broker.url, "publish", str(pacts), "--consumer-app-version", "1", "--branch", "main"
        )
        assert denied.returncode != 0
        assert "Authentication required" in denied.stdout + denied.stderr
        ok = run_pact(
            broker.url,
            "publish",
            str(pacts),
            "--consumer-app-version",
            "1",
            "--branch",
            "main",
            "--broker-token",
            "w-token",
        )
        assert ok.returncode == 0, ok.stderr
        assert "Pact published for OrderWeb version 1 and provider OrderApi." in ok.stdout
        read = run_pact(
            broker.url,
            "describe-version",
            "--pacticipant",
            "OrderWeb",
            "--version",
            "1",
            "-u",
            "reader",
            "-p",
            "rpw",
        )
        assert read.returncode == 0, read.stderr
