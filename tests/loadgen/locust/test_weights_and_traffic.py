from __future__ import annotations

import json
from pathlib import Path

import pytest

from loadgen.locust.errors import ScenarioError
from loadgen.locust.routes import Route, route_of, template_for
from loadgen.locust.traffic import count_routes, read_requests
from loadgen.locust.weights import load_weights_file

ROUTES = [Route("GET", "/products"), Route("GET", "/products/{id}"), Route("POST", "/orders")]


def test_weights_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "weights.yaml"
    path.write_text("consumers:\n  OrderWeb: 3\ninteractions:\n  OrderWeb:\n    a request for a product: 5\n")
    plan = load_weights_file(path)
    assert plan.consumers == {"OrderWeb": 3}
    assert plan.explicit_interaction_weight("OrderWeb", "a request for a product") == 5
    assert plan.explicit_interaction_weight("OrderWeb", "something else") is None
    assert plan.source == "weights file weights.yaml"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            "consumers:\n  OrderWeb: many\n",
            "invalid weights at consumers/OrderWeb: 'many' is not of type 'integer'",
        ),
        ("consumer:\n  OrderWeb: 1\n", "Additional properties are not allowed ('consumer' was unexpected)"),
        (
            "interactions:\n  OrderWeb:\n    x: -1\n",
            "invalid weights at interactions/OrderWeb/x: -1 is less than the minimum of 0",
        ),
        ("consumers: [1\n", "weights.yaml: line 2 column 1: invalid YAML: did not find expected ',' or ']'"),
    ],
)
def test_bad_weights_file_names_the_problem(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "weights.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_weights_file(path)
    assert fragment in str(info.value)
    assert str(path) in str(info.value)


def test_access_log_counts_per_route(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text(
        '127.0.0.1 - - [22/Nov/2026:10:00:00 +0000] "GET /products/1 HTTP/1.1" 200 51\n'
        '127.0.0.1 - - [22/Nov/2026:10:00:01 +0000] "GET /products/2?x=1 HTTP/1.1" 200 51 "-" "curl/8"\n'
        '127.0.0.1 - - [22/Nov/2026:10:00:02 +0000] "GET /products HTTP/1.1" 200 90\n'
        '127.0.0.1 - - [22/Nov/2026:10:00:03 +0000] "DELETE /admin HTTP/1.1" 403 0\n'
        "\n"
    )
    counts = count_routes(read_requests(log), ROUTES, source=str(log))
    assert counts.by_route == {Route("GET", "/products/{id}"): 2, Route("GET", "/products"): 1}
    assert counts.unmatched == {"DELETE /admin": 1}
    assert (counts.total, counts.matched) == (4, 3)


def test_har_counts_per_route(tmp_path: Path) -> None:
    har = tmp_path / "session.har"
    entries = [
        {"request": {"method": "post", "url": "http://api.local/orders"}},
        {"request": {"method": "GET", "url": "http://api.local/products/3?full=1"}},
    ]
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}))
    counts = count_routes(read_requests(har), ROUTES, source=str(har))
    assert counts.by_route == {Route("POST", "/orders"): 1, Route("GET", "/products/{id}"): 1}


def test_unreadable_traffic_logs_are_explained(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.log"
    garbage.write_text("this is not\nan access log\n")
    with pytest.raises(
        ScenarioError, match=r"no line is in common or combined log format \(first bad line: 1\)"
    ):
        read_requests(garbage)
    bad_har = tmp_path / "bad.har"
    bad_har.write_text('{"log": {}}')
    with pytest.raises(ScenarioError, match=r"is not a HAR file: expected a JSON object with log.entries"):
        read_requests(bad_har)


def test_templates() -> None:
    assert template_for("/orders/42/items/3") == "/orders/{id}/items/{id}"
    assert template_for("/users/0b7d1c2e-6a4b-4e0e-9a1c-1f2a3b4c5d6e") == "/users/{id}"
    assert template_for("/products/latest") == "/products/latest"
    assert template_for("/orders/42", expression="/orders/${orderId}") == "/orders/{orderId}"
    assert template_for("/orders/42", openapi_paths=["/orders/{orderId}"]) == "/orders/{orderId}"
    assert route_of("GET", "/products", ROUTES) == Route("GET", "/products")
    assert route_of("PUT", "/products", ROUTES) is None


def test_contract_source_options_need_a_source() -> None:
    from click.testing import CliRunner

    from loadgen.cli import loadgen_group

    runner = CliRunner()
    nothing = runner.invoke(loadgen_group, ["locustfile", "--provider", "OrdersApi"])
    assert nothing.exit_code == 2
    assert "give --pact FILE (repeatable) or --broker-url URL" in nothing.output
    selectors = runner.invoke(
        loadgen_group, ["locustfile", "--provider", "OrdersApi", "--pact", ".", "--tag", "prod"]
    )
    assert selectors.exit_code == 2
    assert "need --broker-url" in selectors.output


def _log(tmp_path: Path, lines: list[str]) -> Path:
    log = tmp_path / "access.log"
    log.write_text("".join(f'127.0.0.1 - - [22/Nov/2026:10:00:00 +0000] "{line}\n' for line in lines))
    return log


def _weights(traffic: Path) -> dict[tuple[str, str], int]:
    from contracts.pactfile import parse_pact
    from loadgen.locust.scenario import build_scenario
    from loadgen.locust.weights import WeightPlan
    from tests.loadgen.locust.pacts import PROVIDER, get_product, http, list_products, v4_pact

    missing = http("a request for a product that does not exist", "GET", "/products/99", 404)
    pacts = [
        parse_pact(v4_pact("Web", [list_products(), get_product(), missing])),
        parse_pact(v4_pact("Mobile", [get_product(11, "a request for product 11")])),
    ]
    routes = {task.route for task in build_scenario(pacts, provider=PROVIDER).tasks}
    counts = count_routes(read_requests(traffic), routes, source="log", consumers=["Web", "Mobile"])
    scenario = build_scenario(pacts, provider=PROVIDER, plan=WeightPlan(traffic=counts))
    return {(task.consumer, task.description): task.weight for task in scenario.tasks}


def test_traffic_weights_follow_route_status_and_consumer(tmp_path: Path) -> None:
    lines = [
        'GET /products/1 HTTP/1.1" 200 51 "-" "Web/2.1"',
        'GET /products/2 HTTP/1.1" 200 51 "-" "Web/2.1"',
        'GET /products/3 HTTP/1.1" 200 51 "-" "Mobile/1.0 (iOS)"',
        'GET /products/9 HTTP/1.1" 404 0 "-" "Web/2.1"',
        'GET /products/5 HTTP/1.1" 200 51',  # no agent: shared by every consumer's interaction
        'GET /products/6 HTTP/1.1" 500 0 "-" "Web/2.1"',  # a status no interaction expects: any of Web's
    ]
    weights = _weights(_log(tmp_path, lines))
    # Web's 200s: 2 own + half of the anonymous one + half of the 500 (shared with its 404 interaction)
    assert weights[("Web", "a request for a product")] == 3
    assert weights[("Web", "a request for a product that does not exist")] == 2  # its 404 + half the 500
    assert weights[("Mobile", "a request for product 11")] == 2  # 1 own + half the anonymous one, rounded
    assert weights[("Web", "a request for all products")] == 0  # never seen


def test_a_tiny_log_never_weighs_a_seen_route_zero_and_warns(tmp_path: Path) -> None:
    log = _log(tmp_path, ['GET /products/1 HTTP/1.1" 200 51', 'GET /products HTTP/1.1" 200 9'])
    weights = _weights(log)
    assert weights[("Web", "a request for all products")] == 1
    assert weights[("Web", "a request for a product")] == 1  # half of one request, still 1
    assert weights[("Mobile", "a request for product 11")] == 1
    counts = count_routes(read_requests(log), [Route("GET", "/products")], source="access.log")
    assert counts.warnings == [
        "only 1 request(s) of access.log matched an interaction's route: weights from fewer than 100 are rough;"
        " use a longer log"
    ]


def test_a_log_matching_nothing_keeps_every_weight_1_and_reports_templates(tmp_path: Path) -> None:
    log = _log(tmp_path, ['DELETE /admin/users/17 HTTP/1.1" 204 0', 'DELETE /admin/users/18 HTTP/1.1" 204 0'])
    assert set(_weights(log).values()) == {1}
    counts = count_routes(read_requests(log), ROUTES, source="access.log")
    assert counts.unmatched == {"DELETE /admin/users/{id}": 2}
    assert counts.warnings == ["no request of access.log matched an interaction's route: every weight is 1"]


def test_named_routes_are_the_templates_the_mocks_accept() -> None:
    """OpenAPI and provider-state templates come from contracts.matching.path_templates, the rule the mock
    server and the pytest mocks accept paths by, so a route name never disagrees with what a mock serves."""
    from contracts.matching.path_templates import path_template

    spec_paths = ["/orders/{orderId}/items/{itemId}", "/orders/{orderId}"]
    named = template_for("/orders/42/items/7", openapi_paths=spec_paths)
    assert named == "/orders/{orderId}/items/{itemId}"
    accepted = path_template("/orders/42/items/7", openapi_paths=spec_paths)
    assert accepted.text == named
    assert accepted.accepts("/orders/9/items/1")
    assert not accepted.accepts("/orders/9/items")
    assert (
        template_for("/orders/42", expression="/orders/${orderId}")
        == path_template("/orders/42", expression="/orders/${orderId}").text
    )
