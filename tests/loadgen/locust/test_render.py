from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from contracts.pactfile import parse_pact
from contracts.pactwriter import dump_request, dump_response
from loadgen.locust.errors import ScenarioError
from loadgen.locust.pyliteral import literal
from loadgen.locust.render import render_locustfile
from loadgen.locust.routes import Route
from loadgen.locust.scenario import build_scenario
from loadgen.locust.weights import WeightPlan
from tests.loadgen.locust.pacts import PROVIDER, create_order, get_product, list_products, v4_pact

RUFF = Path(sys.executable).parent / "ruff"


def _pacts() -> list[Any]:
    return [
        parse_pact(v4_pact("OrderWeb", [get_product(), list_products()])),
        parse_pact(v4_pact("OrderMobile", [create_order(), get_product(11, "a request for product 11")])),
    ]


def _interactions(source: str) -> dict[str, dict[str, Any]]:
    """The ContractInteraction(...) constants of a generated file, evaluated as literals."""
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            call = node.value
            if isinstance(call.func, ast.Name) and call.func.id == "ContractInteraction":
                target = node.targets[0]
                assert isinstance(target, ast.Name)
                found[target.id] = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords if kw.arg}
    return found


def test_scenario_has_one_user_per_consumer_and_one_task_per_interaction() -> None:
    scenario = build_scenario(_pacts(), provider=PROVIDER)
    assert [(u.consumer, u.class_name, u.weight) for u in scenario.users] == [
        ("OrderMobile", "OrderMobileUser", 2),
        ("OrderWeb", "OrderWebUser", 2),
    ]
    web = scenario.users[1]
    assert [(t.function_name, t.route, t.weight) for t in web.tasks] == [
        ("a_request_for_a_product", Route("GET", "/products/{id}"), 1),
        ("a_request_for_all_products", Route("GET", "/products"), 1),
    ]
    assert web.tasks[0].tags == (
        "consumer:OrderWeb",
        "interaction:a-request-for-a-product",
        "state:a-product-exists",
        "needs-state",
    )


def test_explicit_weights_win_over_defaults() -> None:
    plan = WeightPlan(
        source="weights file w.yaml",
        consumers={"OrderWeb": 9},
        interactions={"OrderWeb": {"a request for all products": 4}},
    )
    scenario = build_scenario(_pacts(), provider=PROVIDER, plan=plan)
    web = next(u for u in scenario.users if u.consumer == "OrderWeb")
    assert web.weight == 9
    assert [t.weight for t in web.tasks] == [1, 4]


def test_pacts_of_another_provider_are_refused() -> None:
    other = parse_pact({**v4_pact("OrderWeb", [list_products()]), "provider": {"name": "Billing"}})
    with pytest.raises(ScenarioError, match="pact OrderWeb -> Billing is not for provider 'OrdersApi'"):
        build_scenario([other], provider=PROVIDER)


def test_generated_locustfile_is_formatted_lint_clean_and_embeds_the_contract(tmp_path: Path) -> None:
    scenario = build_scenario(_pacts(), provider=PROVIDER, sources=["pacts/web.json (given as file)"])
    text = render_locustfile(scenario, command=["tether", "loadgen", "locustfile", "--provider", PROVIDER])
    path = tmp_path / "locustfile.py"
    path.write_text(text)
    compile(text, str(path), "exec")
    fmt = subprocess.run(
        [RUFF, "format", "--check", "--diff", str(path)], capture_output=True, text=True, check=False
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    lint = subprocess.run(
        [RUFF, "check", "--isolated", "--select", "E,F,W,I,UP,B", "--line-length", "120", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout

    constants = _interactions(text)
    assert set(constants) == {
        "ORDERWEB_A_REQUEST_FOR_A_PRODUCT",
        "ORDERWEB_A_REQUEST_FOR_ALL_PRODUCTS",
        "ORDERMOBILE_A_REQUEST_TO_CREATE_AN_ORDER",
        "ORDERMOBILE_A_REQUEST_FOR_PRODUCT_11",
    }
    product = constants["ORDERWEB_A_REQUEST_FOR_A_PRODUCT"]
    pact = _pacts()[0]
    (first, *_) = pact.http_interactions
    assert product["request"] == dump_request(first.request, first.spec_version)
    assert product["response"] == dump_response(first.response, first.spec_version)
    assert product["name"] == "GET /products/{id} (OrderWeb)"
    assert product["provider_states"] == [{"name": "a product exists", "params": {"id": 10}}]
    assert "class OrderWebUser(ContractUser):" in text
    assert (
        '@task(1)\n    def a_request_for_a_product(self) -> None:\n        """A request for a product (given a product exists)."""'
        in text
    )
    assert "tether loadgen locustfile --provider OrdersApi" in text


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2.5, None, True], "b": {"c": 'say "hi"', "d": "it's"}},
        ["x" * 150, {"nested": {"deep": list(range(40))}}],
        "ünïcode \\ backslash",
        [],
        {},
    ],
)
def test_literals_round_trip(value: Any) -> None:
    assert ast.literal_eval(literal(value)) == value


def test_secrets_never_reach_the_generated_file() -> None:
    scenario = build_scenario(_pacts(), provider=PROVIDER)
    command = [
        "tether",
        "loadgen",
        "locustfile",
        "--broker-token",
        "s3cr3t",
        "--broker-password=pw",
        "--provider",
        "X",
    ]
    text = render_locustfile(scenario, command=command)
    assert "s3cr3t" not in text
    assert "--broker-password=pw" not in text
    assert "--broker-token *** --broker-password=*** --provider X" in text


def test_wait_time_is_an_option_and_imports_only_what_it_uses() -> None:
    scenario = build_scenario(_pacts(), provider=PROVIDER)
    default = render_locustfile(scenario)
    assert "from locust import between, tag, task" in default
    assert "WAIT_TIME = between(1, 3)" in default
    fast = render_locustfile(scenario, wait_time="constant( 0 )")
    assert "from locust import constant, tag, task" in fast
    assert "WAIT_TIME = constant(0)" in fast
    with pytest.raises(
        ScenarioError, match=r"--wait-time 'between\(1\)' is not a Locust wait time: use between"
    ):
        render_locustfile(scenario, wait_time="between(1)")


def test_long_literals_stay_within_the_line_length_ruff_keeps(tmp_path: Path) -> None:
    """A value that fits in 100 columns alone but not after its key was left flat, and ruff reflowed it."""
    body = {"currency": "EUR", "id": 42, "name": "Travel mug", "price": 12.5, "tags": ["kitchen"]}
    interaction = {
        "type": "Synchronous/HTTP",
        "description": "a request for a product",
        "request": {"method": "GET", "path": "/products/42"},
        "response": {
            "status": 200,
            "body": {"contentType": "application/json", "encoded": False, "content": body},
        },
    }
    scenario = build_scenario([parse_pact(v4_pact("Shop", [interaction]))], provider=PROVIDER)
    path = tmp_path / "locustfile.py"
    path.write_text(render_locustfile(scenario))
    config = Path(__file__).parents[3] / "pyproject.toml"
    fmt = subprocess.run(
        [RUFF, "format", "--config", str(config), "--check", "--diff", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
