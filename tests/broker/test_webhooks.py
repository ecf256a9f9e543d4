"""Webhook API: create / create-or-update / read / delete / list, validation and the target
allow-list, credentials never echoed, test execution, and the real Pact CLI's create-or-update-webhook."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from broker.tables.webhooks import TriggeredWebhook, Webhook, WebhookEvent, WebhookExecution
from broker.webhooks.delivery import RenderedRequest, deliver
from broker.webhooks.targets import TargetPolicy, TargetRefused
from broker.webhooks.templates import render_body, render_text
from tests.broker.webhook_receiver import ThreadBroker, broker_in_thread, receiver, webhook_settings
from tests.support import npm_tool

UUID = "9f6a2c1e-0000-4000-8000-000000000001"


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[ThreadBroker]:
    with broker_in_thread(webhook_settings(f"sqlite:///{tmp_path / 'broker.db'}")) as running:
        with httpx.Client(base_url=running.url) as client:
            for name in ("OrderWeb", "OrderApi"):
                assert client.post("/pacticipants", json={"name": name}).status_code == 201
        yield running


@pytest.fixture
def client(broker: ThreadBroker) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=broker.url) as http:
        yield http


def _webhook(url: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "description": "trigger build",
        "consumer": {"name": "OrderWeb"},
        "provider": {"name": "OrderApi"},
        "events": [{"name": "contract_content_changed"}, {"name": "provider_verification_published"}],
        "request": {
            "method": "POST",
            "url": url + "/hook?consumer=${pactbroker.consumerName}",
            "headers": {"Content-Type": "application/json", "Authorization": "Bearer ci-secret-token"},
            "body": {"pact": "${pactbroker.pactUrl}", "version": "${pactbroker.consumerVersionNumber}"},
            "username": "ci",
            "password": "hunter2-password",
        },
    }
    body.update(overrides)
    return body


def _rows(broker: ThreadBroker) -> list[Webhook]:
    return broker.db.read(lambda s: list(s.exec(select(Webhook)).all()))


def test_put_creates_then_replaces_and_never_echoes_credentials(
    broker: ThreadBroker, client: httpx.Client
) -> None:
    created = client.put(f"/webhooks/{UUID}", json=_webhook("http://127.0.0.1:9"))
    assert created.status_code == 201
    assert created.headers["content-type"].startswith("application/hal+json")
    assert created.headers["location"] == f"{broker.url}/webhooks/{UUID}"
    body = created.json()
    assert body["uuid"] == UUID
    assert body["description"] == "trigger build"
    assert body["consumer"] == {"name": "OrderWeb"}
    assert body["provider"] == {"name": "OrderApi"}
    assert body["events"] == [
        {"name": "contract_content_changed"},
        {"name": "provider_verification_published"},
    ]
    assert body["request"]["password"] == "**********"
    assert body["request"]["headers"] == {"Content-Type": "application/json", "Authorization": "**********"}
    assert body["request"]["username"] == "ci"
    assert "hunter2" not in created.text
    assert "ci-secret-token" not in created.text
    assert body["_links"]["self"]["href"] == f"{broker.url}/webhooks/{UUID}"
    assert body["_links"]["pb:execute"]["href"] == f"{broker.url}/webhooks/{UUID}/execute"
    assert (
        body["_links"]["pb:pact-webhooks"]["href"]
        == f"{broker.url}/webhooks/provider/OrderApi/consumer/OrderWeb"
    )

    # stored as given, so deliveries can use it
    (row,) = _rows(broker)
    assert row.password == "hunter2-password"
    assert row.headers["Authorization"] == "Bearer ci-secret-token"
    assert row.url.endswith("/hook?consumer=${pactbroker.consumerName}")

    fetched = client.get(f"/webhooks/{UUID}")
    assert fetched.status_code == 200
    assert "hunter2" not in fetched.text
    assert "ci-secret-token" not in fetched.text

    replaced = client.put(
        f"/webhooks/{UUID}", json=_webhook("http://127.0.0.1:9", events=[{"name": "contract_published"}])
    )
    assert replaced.status_code == 200
    assert replaced.json()["events"] == [{"name": "contract_published"}]
    assert "updatedAt" in replaced.json()
    events = broker.db.read(lambda s: [e.name for e in s.exec(select(WebhookEvent)).all()])
    assert events == ["contract_published"]
    assert len(_rows(broker)) == 1

    listed = client.get("/webhooks").json()
    assert [link["href"] for link in listed["_links"]["pb:webhooks"]] == [f"{broker.url}/webhooks/{UUID}"]
    assert "hunter2" not in json.dumps(listed)
    pair = client.get("/webhooks/provider/OrderApi/consumer/OrderWeb").json()
    assert [w["uuid"] for w in pair["_embedded"]["webhooks"]] == [UUID]
    assert client.get("/pacts/provider/OrderApi/consumer/OrderWeb/webhooks").json()["_embedded"]["webhooks"]

    deleted = client.delete(f"/webhooks/{UUID}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert client.get(f"/webhooks/{UUID}").status_code == 404
    assert _rows(broker) == []


def test_post_forms_create_with_generated_uuid_and_default_event(
    broker: ThreadBroker, client: httpx.Client
) -> None:
    body = {"request": {"method": "POST", "url": "http://127.0.0.1:9/build"}}
    created = client.post("/webhooks/provider/OrderApi/consumer/OrderWeb", json=body)
    assert created.status_code == 201, created.text
    data = created.json()
    assert data["description"] == "POST 127.0.0.1"
    assert data["events"] == [{"name": "contract_content_changed"}]
    assert data["consumer"] == {"name": "OrderWeb"}
    assert data["provider"] == {"name": "OrderApi"}
    assert len(data["uuid"]) == 32
    anywhere = client.post("/webhooks", json=body)
    assert anywhere.status_code == 201
    assert "consumer" not in anywhere.json()
    assert "provider" not in anywhere.json()
    missing = client.post("/webhooks/provider/Nobody/consumer/OrderWeb", json=body)
    assert missing.status_code == 404
    assert "Nobody" in json.dumps(missing.json()["errors"])


def test_invalid_webhooks_are_400_naming_each_problem(broker: ThreadBroker, client: httpx.Client) -> None:
    bad = {
        "consumer": {"name": "NoSuchConsumer"},
        "events": [{"name": "contract_published"}, {"name": "pact_deleted"}],
        "request": {"method": "FETCH", "url": "not a url"},
    }
    response = client.post("/webhooks", json=bad)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "events[1].name" in errors
    assert "pact_deleted" in errors["events[1].name"][0]
    assert "request.method" in errors
    assert "FETCH" in errors["request.method"][0]
    assert "request.url" in errors
    assert _rows(broker) == []

    no_request = client.put(f"/webhooks/{UUID}", json={"description": "x"})
    assert no_request.status_code == 400
    assert "request" in no_request.json()["errors"]

    short_uuid = client.put("/webhooks/abc", json=_webhook("http://127.0.0.1:9"))
    assert short_uuid.status_code == 400
    assert "uuid" in short_uuid.json()["errors"]

    unknown_consumer = client.put(
        f"/webhooks/{UUID}", json=_webhook("http://127.0.0.1:9", consumer={"name": "Ghost"})
    )
    assert unknown_consumer.status_code == 400
    assert unknown_consumer.json()["errors"]["consumer.name"] == [
        "No consumer with name 'Ghost' found; create the pacticipant first"
    ]
    templated_host = client.post(
        "/webhooks", json={"request": {"method": "POST", "url": "http://${pactbroker.consumerName}/x"}}
    )
    assert templated_host.status_code == 400
    assert "placeholder" in templated_host.json()["errors"]["request.url"][0]
    nul = client.post(
        "/webhooks",
        json={"description": "a\u0000b", "request": {"method": "POST", "url": "http://127.0.0.1:9"}},
    )
    assert nul.status_code == 400
    assert "NUL" in nul.json()["errors"]["description"][0]
    name_and_label = client.post(
        "/webhooks",
        json={
            "consumer": {"name": "OrderWeb", "label": "team-x"},
            "request": {"method": "POST", "url": "http://127.0.0.1:9"},
        },
    )
    assert name_and_label.status_code == 400
    assert name_and_label.json()["errors"]["consumer.label"] == [
        "cannot be given together with name: select by name or by label"
    ]
    neither = client.post(
        "/webhooks", json={"provider": {}, "request": {"method": "POST", "url": "http://127.0.0.1:9"}}
    )
    assert neither.status_code == 400
    assert neither.json()["errors"]["provider.name"] == ['is missing: give the provider a "name" or a "label"']
    assert _rows(broker) == []


def test_default_policy_refuses_loopback_private_and_plain_http(tmp_path: Path) -> None:
    settings = webhook_settings(
        f"sqlite:///{tmp_path / 'b.db'}", webhook_host_allow_list=(), webhook_scheme_allow_list=("https",)
    )
    with broker_in_thread(settings) as broker, httpx.Client(base_url=broker.url) as client:
        for url, expected in [
            ("http://example.com/hook", "scheme 'http' is not allowed for webhooks; allowed: https"),
            ("https://127.0.0.1/hook", "resolves to 127.0.0.1, a loopback address"),
            ("https://localhost:8443/hook", "a loopback address"),
            ("https://10.1.2.3/hook", "resolves to 10.1.2.3, a private address"),
            ("https://169.254.169.254/latest/meta-data", "a link-local address"),
            ("https://[::1]/hook", "a loopback address"),
        ]:
            response = client.post("/webhooks", json={"request": {"method": "POST", "url": url}})
            assert response.status_code == 400, url
            message = response.json()["errors"]["request.url"][0]
            assert expected in message, (url, message)
        put = client.post("/webhooks", json={"request": {"method": "PUT", "url": "https://example.com/x"}})
        assert put.status_code == 400
        assert put.json()["errors"]["request.method"] == [
            "method PUT is not allowed for webhooks; allowed: POST (set TETHER_WEBHOOK_METHOD_ALLOW_LIST to change)"
        ]
        public = client.post(
            "/webhooks", json={"request": {"method": "POST", "url": "https://93.184.215.14/hook"}}
        )
        assert public.status_code == 201
        assert _rows(broker)[0].url == "https://93.184.215.14/hook"


def test_target_policy_entries() -> None:
    resolved = {"ci.example.com": ["10.0.0.5"], "build.example.com": ["93.184.215.14"]}
    policy = TargetPolicy(
        host_allow_list=("*.example.com", "127.0.0.0/8"),
        scheme_allow_list=("https",),
        resolver=lambda host: resolved.get(host, []),
    )
    policy.check_url("https://build.example.com/x")
    policy.check_url("https://ci.example.com/x")  # named by the allow-list: private address allowed
    policy.check_url("https://127.0.0.2/x")  # covered by the CIDR
    with pytest.raises(TargetRefused, match="not in the webhook host allow-list"):
        policy.check_url("https://a.b.example.com/x")  # *.domain matches one label only
    with pytest.raises(TargetRefused, match="not in the webhook host allow-list"):
        policy.check_url("https://93.184.215.14/x")
    with pytest.raises(TargetRefused, match="does not resolve"):
        policy.check_url("https://nowhere.example.com/x", require_resolution=True)


def test_placeholders_are_substituted_and_url_values_form_escaped() -> None:
    values = {
        "pactUrl": "http://b/pacts/provider/A B",
        "consumerName": "Order Web",
        "consumerVersionTags": "a, b",
    }
    assert (
        render_text(
            "https://ci/x?pact=${pactbroker.pactUrl}&c=${pactbroker.consumerName}",
            values,
            escape_for_url=True,
        )
        == "https://ci/x?pact=http%3A%2F%2Fb%2Fpacts%2Fprovider%2FA+B&c=Order+Web"
    )
    assert (
        render_text("${pactbroker.providerName}|${pactbroker.unknownThing}", values)
        == "|${pactbroker.unknownThing}"
    )
    body = render_body(
        {"text": 'say "${pactbroker.consumerName}"', "tags": ["${pactbroker.consumerVersionTags}"]}, values
    )
    assert body is not None
    assert json.loads(body) == {"text": 'say "Order Web"', "tags": ["a, b"]}
    assert render_body("raw ${pactbroker.consumerName}", values) == "raw Order Web"
    assert render_body(None, values) is None


def test_execute_runs_now_and_returns_redacted_logs(broker: ThreadBroker, client: httpx.Client) -> None:
    with receiver() as rx:
        client.put(f"/webhooks/{UUID}", json=_webhook(rx.url))
        response = client.post(f"/webhooks/{UUID}/execute")
        assert response.status_code == 200
        body = response.json()
        assert body["success"] is True
        assert body["request"]["url"] == f"{rx.url}/hook?consumer=OrderWeb"
        assert body["request"]["headers"]["Authorization"] == "**********"
        assert body["response"]["status"] == 200
        assert body["response"]["body"] == '{"received": true, "status": 200}'
        assert f"POST {rx.url}/hook?consumer=OrderWeb" in body["logs"]
        assert "Authorization: **********" in body["logs"]
        assert "hunter2" not in response.text
        assert "ci-secret-token" not in response.text
        (delivery,) = rx.deliveries
        assert delivery.headers["authorization"] == "Bearer ci-secret-token"
        assert json.loads(delivery.body) == {"pact": "", "version": ""}

        rx.default_status = 503
        failed = client.post(f"/webhooks/{UUID}/execute").json()
        assert failed["success"] is False
        assert failed["response"]["status"] == 503
        assert "giving up" in failed["logs"]

    rows = broker.db.read(
        lambda s: list(s.exec(select(TriggeredWebhook).order_by(TriggeredWebhook.id)).all())
    )
    assert [(r.trigger_type, r.status, r.attempts_made) for r in rows] == [
        ("user", "success", 1),
        ("user", "failure", 1),
    ]
    logs = client.get(f"/triggered-webhooks/{rows[0].uuid}/logs")
    assert logs.headers["content-type"].startswith("text/plain")
    assert "attempt 1 succeeded" in logs.text
    assert "hunter2" not in logs.text
    executions = broker.db.read(lambda s: list(s.exec(select(WebhookExecution)).all()))
    assert [e.status_code for e in executions] == [200, 503]
    assert all("ci-secret-token" not in e.logs for e in executions)


def test_pact_cli_create_or_update_webhook(broker: ThreadBroker) -> None:
    pact = npm_tool("pact")
    args = [
        str(pact), "broker", "create-or-update-webhook", "http://127.0.0.1:9/hook",
        "--broker-base-url", broker.url, "--uuid", UUID, "-X", "POST",
        "-H", "Content-Type: application/json", "-d", '{"pact": "${pactbroker.pactUrl}"}',
        "--user", "ci:s3cr3t-pw", "--consumer", "OrderWeb", "--provider", "OrderApi",
        "--description", "trigger build", "--contract-content-changed", "--provider-verification-published",
    ]  # fmt: skip
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    first = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
    assert first.returncode == 0, first.stderr
    printed = json.loads(first.stdout)
    assert printed["uuid"] == UUID
    assert printed["request"]["password"] == "**********"
    assert "s3cr3t-pw" not in first.stdout
    (row,) = _rows(broker)
    assert (row.uuid, row.description, row.method, row.url) == (
        UUID,
        "trigger build",
        "POST",
        "http://127.0.0.1:9/hook",
    )
    assert (row.consumer_name, row.provider_name) == ("OrderWeb", "OrderApi")
    assert (row.username, row.password) == ("ci", "s3cr3t-pw")
    assert row.headers == {"Content-Type": "application/json"}
    assert row.body == {"pact": "${pactbroker.pactUrl}"}
    events = broker.db.read(lambda s: sorted(e.name for e in s.exec(select(WebhookEvent)).all()))
    assert events == ["contract_content_changed", "provider_verification_published"]

    args[args.index("trigger build")] = "trigger build v2"
    second = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["description"] == "trigger build v2"
    assert [r.description for r in _rows(broker)] == ["trigger build v2"]


def test_unsaved_webhook_can_be_tried_without_storing_it(broker: ThreadBroker, client: httpx.Client) -> None:
    with receiver() as rx:
        response = client.post("/webhooks/execute", json=_webhook(rx.url))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["success"] is True
        assert body["request"]["url"] == f"{rx.url}/hook?consumer=OrderWeb"
        assert len(rx.deliveries) == 1
    assert _rows(broker) == []
    assert broker.db.read(lambda s: list(s.exec(select(TriggeredWebhook)).all())) == []
    refused = client.post("/webhooks/execute", json=_webhook("http://10.9.9.9"))
    assert refused.status_code == 400
    assert "not in the webhook host allow-list" in refused.json()["errors"]["request.url"][0]


def test_header_injection_is_refused(broker: ThreadBroker, client: httpx.Client) -> None:
    body = _webhook("http://127.0.0.1:9")
    body["request"]["headers"] = {"X-Ok": "fine", "X-Bad": "a\r\nInjected: yes", "Bad Name": "x"}
    response = client.post("/webhooks", json=body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["request.headers.X-Bad"] == ["must not contain line breaks or control characters"]
    assert errors["request.headers"] == ["'Bad Name' is not a valid HTTP header name"]
    assert _rows(broker) == []


def test_a_huge_response_is_read_only_up_to_the_cap(broker: ThreadBroker, client: httpx.Client) -> None:
    with receiver() as rx:
        rx.body = b"x" * 500_000
        client.put(f"/webhooks/{UUID}", json=_webhook(rx.url))
        body = client.post(f"/webhooks/{UUID}/execute").json()
    assert body["success"] is True
    assert len(body["response"]["body"]) == 64 * 1024
    assert "... (65536 characters)" in body["logs"]


def test_execute_uses_the_latest_verification_for_verification_events(
    broker: ThreadBroker, client: httpx.Client
) -> None:
    pact = {
        "consumer": {"name": "OrderWeb"},
        "provider": {"name": "OrderApi"},
        "interactions": [
            {
                "description": "get",
                "request": {"method": "GET", "path": "/orders/1"},
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    content = base64.b64encode(json.dumps(pact).encode()).decode()
    published = client.post(
        "/contracts/publish",
        json={
            "pacticipantName": "OrderWeb",
            "pacticipantVersionNumber": "1.0.0",
            "contracts": [
                {
                    "consumerName": "OrderWeb",
                    "providerName": "OrderApi",
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": content,
                }
            ],
        },
    )
    assert published.status_code == 200, published.text
    pact_resource = client.get("/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.0").json()
    result = client.post(
        pact_resource["_links"]["pb:publish-verification-results"]["href"],
        json={"success": False, "providerApplicationVersion": "2.0.0"},
    )
    assert result.status_code == 201, result.text
    with receiver() as rx:
        body = _webhook(rx.url, events=[{"name": "provider_verification_failed"}])
        body["request"]["body"] = {
            "provider": "${pactbroker.providerVersionNumber}",
            "status": "${pactbroker.githubVerificationStatus}",
            "result": "${pactbroker.verificationResultUrl}",
        }
        client.put(f"/webhooks/{UUID}", json=body)
        executed = client.post(f"/webhooks/{UUID}/execute").json()
        assert executed["success"] is True
        (delivery,) = rx.deliveries
    sent = json.loads(delivery.body)
    assert (sent["provider"], sent["status"]) == ("2.0.0", "failure")
    assert client.get(sent["result"]).json()["success"] is False


def test_delivery_connects_to_the_checked_address_not_a_fresh_lookup() -> None:
    """DNS rebinding: the name is resolved once, checked, and the connection goes to that address."""
    lookups: list[str] = []

    def resolver(host: str) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"] if host == "hooks.example.test" else []

    policy = TargetPolicy(
        host_allow_list=("hooks.example.test",), scheme_allow_list=("http",), resolver=resolver
    )
    with receiver() as rx:
        port = rx.url.rsplit(":", 1)[1]
        request = RenderedRequest(
            "POST", f"http://hooks.example.test:{port}/pinned", {"X-A": "1"}, '{"a": 1}'
        )
        outcome = deliver(request, policy, timeout=5)
        assert outcome.success, outcome.text
        (delivery,) = rx.deliveries
    assert lookups == ["hooks.example.test"]  # resolved once, by the policy check
    assert delivery.path == "/pinned"
    assert delivery.headers["host"] == f"hooks.example.test:{port}"
    assert f"POST http://hooks.example.test:{port}/pinned" in outcome.text


def test_credentials_are_encrypted_at_rest_with_a_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sealed.db'}"
    with (
        receiver() as rx,
        broker_in_thread(webhook_settings(url, extra={"webhook_secret_key": "correct horse"})) as broker,
        httpx.Client(base_url=broker.url) as client,
    ):
        for name in ("OrderWeb", "OrderApi"):
            client.post("/pacticipants", json={"name": name})
        created = client.put(f"/webhooks/{UUID}", json=_webhook(rx.url))
        assert created.status_code == 201
        assert created.json()["request"]["password"] == "**********"
        (row,) = _rows(broker)
        assert row.password is not None
        assert row.password.startswith("tether-enc:v1:")
        assert "hunter2" not in row.password
        assert row.headers["Authorization"].startswith("tether-enc:v1:")
        assert row.headers["Content-Type"] == "application/json"
        executed = client.post(f"/webhooks/{UUID}/execute").json()
        assert executed["success"] is True
        (delivery,) = rx.deliveries
        assert delivery.headers["authorization"] == "Bearer ci-secret-token"  # opened only to send
    with (
        broker_in_thread(webhook_settings(url, extra={"webhook_secret_key": "another key"})) as broker,
        httpx.Client(base_url=broker.url) as client,
    ):
        failed = client.post(f"/webhooks/{UUID}/execute").json()
        assert failed["success"] is False
        assert failed["error"]["message"] == (
            "a webhook credential was encrypted with a different TETHER_WEBHOOK_SECRET_KEY"
        )
