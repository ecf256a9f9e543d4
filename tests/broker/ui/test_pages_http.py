"""The web UI's pages over plain HTTP against a real broker seeded through its API: status, content
type, what each page says, links between pages, escaping, errors, the browser redirect of ``/``,
pagination and filters, and auth (read-only users get no mutating buttons)."""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path
from urllib.parse import quote

import httpx

from broker.settings import BasicUser, Role
from tests.broker.conftest import LocalBroker, LocalBrokerFactory, StartBroker
from tests.broker.scenario import Scenario
from tests.broker.ui.seed import API, FAILING_MISMATCH, PACTS, WEB, add_webhook, seed

TIMES = "\u00d7"
DASH = "\u2013"  # the en dash of "Showing 1\u201350"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def _page(url: str, **kwargs: object) -> str:
    response = httpx.get(url, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    return response.text


def _text(page: str) -> str:
    """The page's visible text with tags removed and whitespace collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S))
    return re.sub(r"\s+", " ", html.unescape(without_tags))


def test_every_page_shows_the_seeded_broker(broker_url: str) -> None:
    seeded = seed(broker_url)
    add_webhook(broker_url, "https://ci.example.com")

    dashboard = _page(f"{broker_url}/ui")
    text = _text(dashboard)
    assert f"Showing 1{DASH}2 of 2 integrations" in text
    assert re.search(
        r"Passed OrderMobile OrdersApi 2\.0\.0 branch main published .*? passed by 5\.0\.0", text
    )
    assert re.search(r"Failed OrderWeb OrdersApi 1\.1\.0 branch main published .*? failed by 5\.1\.0", text)
    assert "compatible with 5.2.0" in text
    assert 'class="row-failed"' in dashboard
    assert 'class="row-passed"' in dashboard
    assert f'href="{broker_url}/ui/pacts/provider/OrdersApi/consumer/OrderWeb?version=1.1.0"' in dashboard

    pact = _page(f"{broker_url}/ui/pacts/provider/{API}/consumer/{WEB}", params={"version": "1.1.0"})
    text = _text(pact)
    assert f"{WEB} → {API}" in text
    assert seeded.changed_description in text
    assert "Given an order exists" in text
    assert "$.id : any integer" in text
    assert "$.status : a string matching /^(pending|confirmed|cancelled)$/" in text
    assert "$.createdAt : a date and time in the format yyyy-MM-dd'T'HH:mm:ss'Z'" in text
    assert "$.id : from provider state: ${orderId}" in text
    assert "GET /orders/1001" in text
    assert "Response 404" in text
    assert "Failed by OrdersApi 5.1.0" in text
    earlier = re.search(r'<option value="([0-9a-f]{40})"', pact)
    assert earlier is not None

    diff = _text(
        _page(f"{broker_url}/ui/pacts/provider/{API}/consumer/{WEB}?version=1.1.0&compare={earlier[1]}")
    )
    old_description = seeded.web_pact_v1["interactions"][0]["description"]
    assert f'- "description": "{old_description}",' in diff
    assert f'+ "description": "{seeded.changed_description}",' in diff

    matrix = _page(f"{broker_url}/ui/matrix", params={"consumer": WEB, "provider": API})
    text = _text(matrix)
    assert "5 rows: 3 passed 2 failed" in text  # Pact verifications and OpenAPI cross-checks
    assert (
        "OrderWeb 1.1.0 branch main OrdersApi 5.1.0 branch main deployed in staging Failed mismatches "
        f"of OrderWeb 1.1.0 {TIMES} OrdersApi 5.1.0 Pact verification"
    ) in text
    assert (
        "OrderWeb 1.0.0 branch main deployed in production OrdersApi 5.0.0 deployed in production Passed "
        f"details of OrderWeb 1.0.0 {TIMES} OrdersApi 5.0.0 Pact verification"
    ) in text
    assert (
        f"OrdersApi 5.2.0 branch main Passed details of OrderWeb 1.1.0 {TIMES} OrdersApi 5.2.0 OpenAPI cross-check"
        in text
    )
    assert f'href="{broker_url}/ui/provider-contracts/provider/OrdersApi/version/5.1.0">mismatches' in matrix
    failed_link = re.search(r'href="([^"]+/verification-results/\d+)">mismatches', matrix)
    assert failed_link is not None
    only_failed = _text(_page(f"{broker_url}/ui/matrix?consumer={WEB}&provider={API}&status=failed"))
    assert "2 rows: 2 failed" in only_failed

    verification = _text(_page(html.unescape(failed_link[1])))
    assert "Verification of OrderWeb → OrdersApi Failed" in verification
    assert f"body $.status: {FAILING_MISMATCH}" in verification

    yes = _text(_page(f"{broker_url}/ui/can-i-deploy?pacticipant={WEB}&version=1.0.0&environment=production"))
    assert "Yes — OrderWeb 1.0.0 can be deployed to production" in yes
    assert "All required verification results are published and successful" in yes
    unknown = _text(
        _page(f"{broker_url}/ui/can-i-deploy?pacticipant={WEB}&version=1.1.0&environment=production")
    )
    assert "Unknown — OrderWeb 1.1.0 cannot be deployed to production yet" in unknown
    assert (
        "There is no verified pact between version 1.1.0 of OrderWeb and the version of OrdersApi" in unknown
    )
    bad = _text(_page(f"{broker_url}/ui/can-i-deploy?pacticipant={WEB}&version=1.0.0&environment=nowhere"))
    assert "Environment with name 'nowhere' does not exist" in bad

    environments = _text(_page(f"{broker_url}/ui/environments"))
    assert (
        "production production Versions in production Application Version How Since OrdersApi 5.0.0 deployed"
    ) in environments
    assert re.search(r"staging .*OrdersApi 5\.1\.0 deployed", environments)
    assert "OrderMobile 2.0.0 released" in environments

    network = _page(f"{broker_url}/ui/network")
    assert network.count('class="node"') == 3
    assert 'class="edge edge-failed"' in network
    assert 'class="edge edge-passed"' in network
    assert "3 services, 2 integrations" in _text(network)

    webhooks = _page(f"{broker_url}/ui/webhooks")
    assert "Notify CI" in webhooks
    assert "POST https://ci.example.com/hook" in _text(webhooks)
    assert f'action="{broker_url}/webhooks/ui-test-webhook-0001/execute"' in webhooks  # open broker: admin

    contracts = _text(_page(f"{broker_url}/ui/provider-contracts"))
    assert re.search(r"OrdersApi 5\.2\.0 Passed .*OrdersApi 5\.1\.0 Passed", contracts)
    drifted = _text(_page(f"{broker_url}/ui/provider-contracts/provider/{API}/version/5.1.0"))
    assert "Self-verification Passed" in drifted
    assert re.search(
        r"OrderMobile Failed .*request\.path-or-method\.unknown Path or method not defined", drifted
    )
    assert "response.status.unknown Response status code not defined in spec file: 201" in drifted
    good = _text(_page(f"{broker_url}/ui/provider-contracts/provider/{API}/version/5.2.0"))
    assert re.search(r"OrderMobile Passed pact [0-9a-f]{8} from 2\.0\.0 · success", good)


def test_the_index_redirects_browsers_and_keeps_hal_for_clients(local_broker: LocalBroker) -> None:
    response = httpx.get(local_broker.url + "/", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 303
    assert response.headers["location"] == local_broker.url + "/ui"
    # what the real clients send (client-captures.md), and no header at all
    for accept in ("application/hal+json, application/json", "application/hal+json", "*/*", None):
        headers = {"Accept": accept} if accept else {}
        with httpx.Client() as client:
            if accept is None:
                client.headers.pop("accept", None)
            hal = client.get(local_broker.url + "/", headers=headers)
        assert hal.status_code == 200, accept
        assert hal.headers["content-type"] == "application/hal+json;charset=utf-8", accept
        assert "pb:latest-pact-versions" in hal.json()["_links"], accept


def test_user_content_is_escaped(local_broker: LocalBroker) -> None:
    evil = '<img src=x onerror="alert(1)">&<b>'
    pact = json.loads((PACTS / "OrderWeb-OrdersApi.json").read_text())
    pact["consumer"]["name"] = evil
    pact["interactions"][0]["description"] = '</script><script>alert("x")</script>'
    body = {
        "pacticipantName": evil,
        "pacticipantVersionNumber": "<i>1</i>",
        "branch": "<u>feat</u>",
        "contracts": [
            {
                "consumerName": evil,
                "providerName": API,
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(json.dumps(pact).encode()).decode(),
            }
        ],
    }
    published = httpx.post(local_broker.url + "/contracts/publish", json=body)
    assert published.status_code == 200, published.text
    pages = [
        _page(local_broker.url + "/ui"),
        _page(f"{local_broker.url}/ui/pacts/provider/{API}/consumer/{quote(evil, safe='')}"),
        _page(f"{local_broker.url}/ui/matrix", params={"consumer": evil}),
        _page(f"{local_broker.url}/ui/network"),
        _page(f"{local_broker.url}/ui/can-i-deploy", params={"pacticipant": evil, "version": "<i>1</i>"}),
    ]
    for page in pages:
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "<u>feat</u>" not in page
        assert "<i>1</i>" not in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&amp;&lt;b&gt;" in pages[0]
    assert "&lt;/script&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in pages[1]
    assert "&lt;u&gt;feat&lt;/u&gt;" in pages[0]


def test_unknown_things_are_html_errors_not_tracebacks(local_broker: LocalBroker) -> None:
    missing = httpx.get(f"{local_broker.url}/ui/pacts/provider/Nobody/consumer/Nothing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "text/html; charset=utf-8"
    assert "No pacticipant with name &#39;Nobody&#39; exists." in missing.text
    assert "<h1" in missing.text
    assert httpx.get(f"{local_broker.url}/ui/static/../app.py").status_code == 404
    assert httpx.get(f"{local_broker.url}/ui/static/nothing.css").status_code == 404
    css = httpx.get(f"{local_broker.url}/ui/static/tether.css")
    assert css.status_code == 200
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    assert httpx.get(f"{local_broker.url}/ui?page=0").status_code == 400


def test_dashboard_pages_and_filters(database_url: str, local_broker_factory: LocalBrokerFactory) -> None:
    with local_broker_factory(database_url=database_url) as local_broker:
        _check_pages_and_filters(local_broker)


def _check_pages_and_filters(local_broker: LocalBroker) -> None:
    scenario = Scenario(local_broker.db)
    scenario.environment("production", production=True)
    for index in range(120):
        consumer = f"Consumer{index:03d}"
        branch = "main" if index % 2 == 0 else "feat/x"
        sha = scenario.pact(consumer, "1.0.0", "Backend", content=f"c{index}", branch=branch)
        if index % 3 == 0:
            scenario.verify(consumer, "Backend", sha, "9.0.0", success=index % 6 == 0)
    scenario.deploy("Consumer007", "1.0.0", "production")

    first = _text(_page(local_broker.url + "/ui"))
    assert f"Showing 1{DASH}50 of 120 integrations" in first
    assert "Page 1 of 3" in first
    assert "Consumer000" in first
    assert "Consumer049" in first
    assert "Consumer050" not in first
    last = _page(local_broker.url + "/ui?page=3")
    assert f"Showing 101{DASH}120 of 120 integrations" in _text(last)
    assert last.count('<tr class="row-') == 20
    assert 'rel="prev"' in last
    assert 'rel="next"' not in last

    statuses = _page(local_broker.url + "/ui?name=consumer00")
    assert f"Showing 1{DASH}10 of 10 integrations" in _text(statuses)
    assert statuses.count('class="row-passed"') == 2  # 000, 006
    assert statuses.count('class="row-failed"') == 2  # 003, 009
    assert statuses.count('class="row-unverified"') == 6

    on_branch = _text(_page(local_broker.url + "/ui", params={"branch": "feat/x", "name": "Consumer01"}))
    assert f"Showing 1{DASH}5 of 5 integrations" in on_branch  # 011, 013, 015, 017, 019
    in_production = _text(_page(local_broker.url + "/ui?environment=production"))
    assert f"Showing 1{DASH}1 of 1 integration" in in_production
    assert "Consumer007" in in_production
    nothing = _text(_page(local_broker.url + "/ui?name=%25"))  # LIKE wildcards are literal
    assert "No integrations match" in nothing


def test_read_only_users_see_no_mutating_buttons(start_broker: StartBroker, tmp_path: Path) -> None:
    env = {"TETHER_BROKER_BASIC_AUTH": "writer:w-pass:write,reader:r-pass:read"}
    with start_broker(f"sqlite:///{tmp_path}/auth.db", env=env) as running:
        seed(running.url, auth=("writer", "w-pass"))
        add_webhook(running.url, "https://ci.example.com", auth=("writer", "w-pass"))
        anonymous = httpx.get(running.url + "/ui/webhooks")
        assert anonymous.status_code == 401  # the UI does not bypass auth
        for user, password, can_write in (("writer", "w-pass", True), ("reader", "r-pass", False)):
            page = _page(running.url + "/ui/webhooks", auth=(user, password))
            assert "Notify CI" in page
            assert ("data-execute" in page) is can_write
            assert ("<button" in page.split("<main")[1]) is can_write
            who = re.search(r'<span class="who"[^>]*>([^<]*)</span>', page)
            assert who is not None
            assert who[1].strip() == ("write" if can_write else "read · read-only")
        refused = httpx.post(
            running.url + "/webhooks/ui-test-webhook-0001/execute", auth=("reader", "r-pass")
        )
        assert refused.status_code == 403


def test_public_read_brokers_offer_a_sign_in(local_broker_factory: LocalBrokerFactory) -> None:
    users = {"writer": BasicUser("w-pass", Role.WRITE)}
    with local_broker_factory(basic_users=users, allow_public_read=True) as broker:
        anonymous = _page(broker.url + "/ui/webhooks")
        assert re.search(r'<span class="who"[^>]*>\s*anonymous · read-only\s*</span>', anonymous)
        assert f'<a class="sign-in" href="{broker.url}/ui/sign-in">Sign in</a>' in anonymous
        challenge = httpx.get(broker.url + "/ui/sign-in")
        assert challenge.status_code == 401
        assert challenge.headers["www-authenticate"] == 'Basic realm="Tether broker"'
        wrong = httpx.get(broker.url + "/ui/sign-in", auth=("writer", "nope"))
        assert wrong.status_code == 401
        signed_in = httpx.get(broker.url + "/ui/sign-in", auth=("writer", "w-pass"))
        assert signed_in.status_code == 303
        assert signed_in.headers["location"] == broker.url + "/ui"
        writer = _page(broker.url + "/ui", auth=("writer", "w-pass"))
        assert "Sign in" not in writer
        assert re.search(r'<span class="who"[^>]*>\s*write\s*</span>', writer)


def test_an_empty_broker_says_how_to_start(local_broker: LocalBroker) -> None:
    text = _text(_page(local_broker.url + "/ui"))
    assert "No integrations match" in text
    assert "No pacts yet. Publish one with pact broker publish" in text
    assert "No integrations yet: publish a pact to see the network." in _text(
        _page(local_broker.url + "/ui/network")
    )
    assert "No environments yet." in _text(_page(local_broker.url + "/ui/environments"))
    assert "No webhooks yet." in _text(_page(local_broker.url + "/ui/webhooks"))
    assert "No provider contracts yet." in _text(_page(local_broker.url + "/ui/provider-contracts"))
    assert "Choose a consumer and/or a provider" in _text(_page(local_broker.url + "/ui/matrix"))
    asked = _page(local_broker.url + "/ui/can-i-deploy?pacticipant=Nobody&version=1&environment=prod")
    assert "Environment with name &#39;prod&#39; does not exist" in asked
