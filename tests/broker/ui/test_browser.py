"""The web UI in a real browser: Playwright driving Debian's Chromium against a broker served by
``tether broker serve`` and seeded through its HTTP API with the example project's pacts.

Screenshots go to ``tmp_path``; set ``TETHER_UI_SCREENSHOTS=docs/screenshots`` to refresh the ones
the README shows."""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from brokerclient.client import BrokerClient, ContractToPublish
from tests.broker.conftest import StartBroker
from tests.broker.ui.seed import API, FAILING_MISMATCH, MOBILE, WEB, add_webhook, seed
from tests.broker.webhook_receiver import receiver
from tests.support import need

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WRITER, READER = ("writer", "w-pass"), ("reader", "r-pass")
AUTH_ENV = {
    "TETHER_BROKER_BASIC_AUTH": "writer:w-pass:write,reader:r-pass:read",
    "TETHER_WEBHOOK_HOST_ALLOW_LIST": "127.0.0.1",
    "TETHER_WEBHOOK_SCHEME_ALLOW_LIST": "http,https",
}


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    target = Path(os.environ.get("TETHER_UI_SCREENSHOTS") or tmp_path / "screenshots")
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture
def browser() -> Iterator[Any]:
    need(CHROMIUM.exists(), "Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _page(browser: Any, credentials: tuple[str, str] | None, *, width: int = 1280, height: int = 860) -> Any:
    options: dict[str, Any] = {"viewport": {"width": width, "height": height}, "reduced_motion": "reduce"}
    if credentials is not None:
        options["http_credentials"] = {"username": credentials[0], "password": credentials[1]}
    context = browser.new_context(**options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.errors = errors
    return page


AUDIT = """() => {
  const problems = [];
  const ids = Array.from(document.querySelectorAll("[id]")).map(e => e.id);
  ids.filter((id, i) => ids.indexOf(id) !== i).forEach(id => problems.push("duplicate id " + id));
  document.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(e => {
    if (!(e.labels && e.labels.length) && !e.getAttribute("aria-label")) problems.push("unlabelled " + e.name);
  });
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push(h1 + " h1 elements");
  document.querySelectorAll("a").forEach(a => {
    if (!a.textContent.trim() && !a.getAttribute("aria-label") && !a.querySelector("title")) problems.push("empty link " + a.href);
  });
  document.querySelectorAll("svg[role=img]").forEach(s => { if (!s.getAttribute("aria-labelledby")) problems.push("svg without a name"); });
  if (!document.documentElement.lang) problems.push("no lang");
  return problems;
}"""


def _audit(page: Any) -> None:
    """Markup checks on the page as rendered: unique ids, labelled fields, one h1, named links."""
    assert page.evaluate(AUDIT) == [], page.url


def _screenshot(page: Any, path: Path) -> None:
    """Capture once the page has settled (a capture during a navigation fails)."""
    page.wait_for_load_state("load")
    _audit(page)
    page.screenshot(path=str(path), animations="disabled")
    assert path.stat().st_size > 5_000


def test_click_through_dashboard_pact_matrix_can_i_deploy(
    browser: Any, start_broker: StartBroker, tmp_path: Path, shots: Path
) -> None:
    from playwright.sync_api import expect

    with receiver() as rx, start_broker(f"sqlite:///{tmp_path / 'ui.db'}", env=AUTH_ENV) as running:
        seeded = seed(running.url, auth=WRITER)
        add_webhook(running.url, rx.url, auth=WRITER)
        page = _page(browser, WRITER)

        # a browser asking for / lands on the dashboard
        page.goto(running.url + "/")
        assert page.url == running.url + "/ui"
        expect(page.get_by_role("heading", level=1)).to_have_text("Integrations")
        for role in ("banner", "main", "contentinfo"):  # landmarks
            expect(page.get_by_role(role)).to_have_count(1)
        expect(
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Integrations")
        ).to_have_attribute("aria-current", "page")
        rows = page.locator("table.integrations tbody tr")
        expect(rows).to_have_count(2)
        web_row = rows.filter(has_text=WEB)
        expect(web_row.locator(".badge")).to_have_text("Failed")
        expect(rows.filter(has_text=MOBILE).locator(".badge")).to_have_text("Passed")
        expect(web_row).to_contain_text("failed by 5.1.0")
        expect(web_row).to_contain_text("compatible with 5.2.0")
        _screenshot(page, shots / "dashboard.png")

        page.get_by_label("Name").fill("mobile")
        page.get_by_role("button", name="Filter").click()
        expect(rows).to_have_count(1)
        expect(page.locator("#result-summary")).to_have_text(re.compile(r"Showing 1.1 of 1 integration"))
        page.get_by_role("link", name="Clear").click()
        expect(rows).to_have_count(2)

        # dashboard -> pact documentation
        web_row.get_by_role("link", name="1.1.0").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{WEB} → {API}")
        first = page.locator("article.interaction").first
        expect(first.get_by_role("heading", level=3)).to_have_text(seeded.changed_description)
        order = page.locator("article.interaction", has_text="a request for an existing order")
        expect(order.locator(".rules li", has_text="$.id")).to_have_text(
            ["$.id: any integer", "$.id: from provider state: ${orderId}"]
        )
        expect(order.locator("code.line").first).to_have_text("GET /orders/1001")
        expect(page.locator(".result-list")).to_contain_text("by OrdersApi 5.1.0")
        _screenshot(page, shots / "pact.png")

        # diff against the earlier version, picked from the list
        page.get_by_label("Earlier pact").select_option(index=0)
        page.get_by_role("button", name="Show diff").click()
        removed = page.locator("pre.diff .d-remove", has_text='"description"')
        added = page.locator("pre.diff .d-add", has_text='"description"')
        expect(removed).to_contain_text(seeded.web_pact_v1["interactions"][0]["description"])
        expect(added).to_contain_text(seeded.changed_description)

        # pact -> matrix -> the failed verification's mismatches
        page.get_by_role("link", name="Matrix", exact=True).last.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Matrix")
        expect(page.get_by_label("Consumer", exact=True)).to_have_value(WEB)
        matrix_rows = page.locator("table.matrix tbody tr")
        expect(matrix_rows).to_have_count(5)
        page.get_by_label("Result").select_option("failed")
        page.get_by_role("button", name="Show").click()
        expect(matrix_rows).to_have_count(2)
        page.get_by_label("Result").select_option("")
        page.get_by_role("button", name="Show").click()
        expect(page.get_by_label("Result")).to_have_value("")
        expect(matrix_rows).to_have_count(5)
        _screenshot(page, shots / "matrix.png")
        failing = matrix_rows.filter(has_text="Pact verification").filter(has_text="Failed")
        failing.get_by_role("link", name=re.compile("^mismatches")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Verification of OrderWeb → OrdersApi")
        expect(page.locator(".mismatches li")).to_have_text([f"body $.status: {FAILING_MISMATCH}"])
        _audit(page)

        # can-i-deploy, from the navigation
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Can I deploy?").click()
        page.get_by_label("Pacticipant").fill(WEB)
        page.get_by_label("Pacticipant").press("Tab")  # change: the page suggests WEB's versions
        expect(page.locator("#cid-versions option")).to_have_count(2)
        assert page.locator("#cid-versions option").evaluate_all("os => os.map(o => o.value)") == [
            "1.1.0",
            "1.0.0",
        ]
        page.get_by_label("Version").fill("1.0.0")
        page.get_by_label("Environment").select_option("production")
        page.get_by_role("button", name="Ask").click()
        answer = page.locator("section.answer")
        expect(answer).to_have_class(re.compile("answer-yes"))
        expect(answer.get_by_role("heading")).to_have_text(
            "Yes — OrderWeb 1.0.0 can be deployed to production"
        )
        expect(answer).to_contain_text("All required verification results are published and successful")
        expect(page.locator("table.matrix tbody tr")).to_have_count(1)
        _screenshot(page, shots / "can-i-deploy.png")
        page.get_by_label("Version").fill("1.1.0")
        page.get_by_role("button", name="Ask").click()
        expect(answer.get_by_role("heading")).to_contain_text("Unknown — OrderWeb 1.1.0 cannot be deployed")

        # environments, provider contracts
        page.get_by_role("link", name="Environments").click()
        production = page.locator("section.env", has_text="production")
        expect(production.locator("tbody tr")).to_have_count(3)
        _audit(page)
        page.goto(f"{running.url}/ui/provider-contracts")
        page.get_by_role("link", name="5.1.0").click()
        mobile_check = page.locator("li.check", has_text=MOBILE)
        expect(mobile_check.locator(".badge")).to_have_text("Failed")
        expect(mobile_check.locator("table.findings")).to_contain_text("request.path-or-method.unknown")
        _screenshot(page, shots / "provider-contract.png")

        # webhooks: the Test button runs the webhook through the API and shows the outcome
        page.get_by_role("link", name="Webhooks").click()
        hook = page.locator("section.webhook", has_text="Notify CI")
        hook.get_by_role("button", name=re.compile("^Test")).click()
        expect(hook.locator(".execute-result")).to_contain_text(
            "Test delivery succeeded — the target answered 200"
        )
        assert rx.wait_for(1)[0].path == "/hook"
        page.reload()
        expect(hook.locator(".delivery")).to_have_count(1)
        expect(hook.locator(".delivery .badge")).to_have_text("success")
        hook.locator(".delivery summary").click()
        expect(hook.locator(".delivery pre")).to_contain_text(f"POST {rx.url}/hook")
        _audit(page)

        # phone width: the dashboard's rows become cards
        phone = _page(browser, WRITER, width=390, height=844)
        phone.goto(running.url + "/ui")
        card = phone.locator("table.integrations tbody tr").first
        box = card.bounding_box()
        assert box is not None
        assert box["width"] <= 390
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        _screenshot(phone, shots / "dashboard-phone.png")
        assert page.errors == []
        assert phone.errors == []


def test_read_only_users_see_no_mutating_buttons(
    browser: Any, start_broker: StartBroker, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    with start_broker(f"sqlite:///{tmp_path / 'ro.db'}", env=AUTH_ENV) as running:
        seed(running.url, auth=WRITER)
        add_webhook(running.url, "http://127.0.0.1:9", auth=WRITER)
        reader = _page(browser, READER)
        for path in ("/ui", "/ui/environments", f"/ui/pacts/provider/{API}/consumer/{WEB}", "/ui/webhooks"):
            reader.goto(running.url + path)
            expect(reader.locator("main button[type=submit]").filter(has_text="Test")).to_have_count(0)
            expect(reader.locator("main form[method=post]")).to_have_count(0)
            expect(reader.locator(".who")).to_have_text("read · read-only")
        expect(reader.locator("section.webhook")).to_have_count(1)
        writer = _page(browser, WRITER)
        writer.goto(running.url + "/ui/webhooks")
        expect(writer.locator("main form[method=post] button")).to_have_text(["Test Notify CI"])
        # and the API still refuses the reader, whatever the page shows
        refused = httpx.post(running.url + "/webhooks/ui-test-webhook-0001/execute", auth=READER)
        assert refused.status_code == 403


def _network(client: BrokerClient, services: int) -> list[tuple[str, str]]:
    """``services`` services in layers: web/mobile front ends, BFFs, domain services, data stores."""
    names = [
        f"{kind}-{index:02d}"
        for kind, count in (("web", 8), ("bff", 12), ("svc", 18), ("store", 12))
        for index in range(count)
    ][:services]
    layers = [[n for n in names if n.startswith(kind)] for kind in ("web", "bff", "svc", "store")]
    edges: list[tuple[str, str]] = []
    for upper, lower in itertools.pairwise(layers):
        for index, provider in enumerate(lower):
            for consumer in {upper[index % len(upper)], upper[(index * 7 + 3) % len(upper)]}:
                edges.append((consumer, provider))
    for consumer in {c for c, _ in edges}:
        contracts = [
            ContractToPublish(
                consumer,
                provider,
                json.dumps(
                    {
                        "consumer": {"name": consumer},
                        "provider": {"name": provider},
                        "interactions": [
                            {
                                "description": "get",
                                "request": {"method": "GET", "path": "/"},
                                "response": {"status": 200},
                            }
                        ],
                        "metadata": {"pactSpecification": {"version": "3.0.0"}},
                    }
                ).encode(),
            )
            for c, provider in edges
            if c == consumer
        ]
        client.publish_contracts(consumer, "1.0.0", contracts, branch="main")
    for index, (consumer, provider) in enumerate(edges):
        if index % 4 == 3:
            continue  # left unverified
        href = client.get_pact(provider, consumer)["_links"]["pb:publish-verification-results"]["href"]
        client.publish_verification_result(
            href, {"success": index % 9 != 0, "providerApplicationVersion": "2.0.0"}
        )
    return edges


def test_network_graph_is_readable_at_50_services(
    browser: Any, start_broker: StartBroker, tmp_path: Path, shots: Path
) -> None:
    from playwright.sync_api import expect

    with start_broker(f"sqlite:///{tmp_path / 'net.db'}") as running:
        with BrokerClient(running.url) as client:
            edges = _network(client, 50)
        page = _page(browser, None, width=1400, height=1000)
        page.goto(running.url + "/ui/network")
        nodes = page.locator("svg.graph a.node")
        expect(nodes).to_have_count(50)
        expect(page.locator("svg.graph path.edge")).to_have_count(len(edges))
        expect(page.locator("svg.graph path.edge-failed")).not_to_have_count(0)
        expect(page.locator("svg.graph path.edge-unverified")).not_to_have_count(0)
        boxes = page.evaluate(
            "Array.from(document.querySelectorAll('svg.graph a.node rect')).map(r => {"
            " const b = r.getBoundingClientRect(); return [b.x, b.y, b.width, b.height]; })"
        )
        for index, (x, y, w, h) in enumerate(boxes):  # no two service boxes overlap
            for x2, y2, w2, h2 in boxes[index + 1 :]:
                assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y
        labels = page.evaluate(
            "Array.from(document.querySelectorAll('svg.graph a.node')).map(n => {"
            " const t = n.querySelector('text').getBBox(), r = n.querySelector('rect').getBBox();"
            " return t.x + t.width <= r.x + r.width && t.height >= 10; })"
        )
        assert all(labels)  # every name fits in its box at a readable size
        # highlighting a service dims the rest
        page.get_by_label("Highlight a service").fill("svc-03")
        expect(page.locator("svg.graph")).to_have_class(re.compile("dimmed"))
        highlighted = page.locator("svg.graph path.edge.hl")
        expected = sum(1 for c, p in edges if "svc-03" in (c, p))
        expect(highlighted).to_have_count(expected)
        page.get_by_label("Highlight a service").fill("")
        page.get_by_label("Highlight a service").blur()
        expect(page.locator("svg.graph")).not_to_have_class(re.compile("dimmed"))
        _screenshot(page, shots / "network.png")
        page.locator("svg.graph a.node", has_text="web-00").click()
        expect(page.get_by_label("Name")).to_have_value("web-00")
        assert page.errors == []
