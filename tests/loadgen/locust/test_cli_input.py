"""`tether loadgen` refuses unusable input with exit code 2 before Locust starts, and a run that made
no request never passes its thresholds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from loadgen.cli import loadgen_group, print_summary
from loadgen.locust.runner import EndpointStats, RunResult, Thresholds, evaluate

GOOD = "class WebUser:\n    consumer = 'Web'\n"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(loadgen_group, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("locustfile", "extra", "message"),
    [
        ("x = (\n", [], "line 1"),
        (GOOD, ["--host", "notaurl"], "--host 'notaurl' is not an http(s) URL"),
        (GOOD, ["-t", "banana"], "-t/--run-time 'banana' is not a duration"),
        (GOOD, ["-u", "0"], "Invalid value for '-u' / '--users'"),
        (GOOD, ["--workers", "-1"], "Invalid value for '--workers'"),
        (GOOD, ["--max-fail-ratio", "2"], "Invalid value for '--max-fail-ratio'"),
        (GOOD, ["--html", "/no/such/dir/report.html"], "--html /no/such/dir/report.html: no such directory"),
    ],
)
def test_unusable_run_options_are_exit_2(
    tmp_path: Path, locustfile: str, extra: list[str], message: str
) -> None:
    path = tmp_path / "locustfile.py"
    path.write_text(locustfile)
    args = ["run", "--locustfile", str(path), "--host", "http://127.0.0.1:9", *extra]
    code, output = _run(*args)
    assert code == 2, output
    assert message in output


def test_a_run_without_requests_breaks_its_thresholds() -> None:
    nothing = EndpointStats("", "Aggregated", 0, 0, 0.0, 0.0, 0.0, 0.0)
    (breach,) = evaluate(nothing, Thresholds())
    assert breach.message == (
        "no request was made: check --host, the --tag/--consumer filters and the provider-state set-up"
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--pact", "no/such.json"], "no/such.json"),
        (
            ["--pact", "{pact}", "--state-change-url", "notaurl"],
            "--state-change-url 'notaurl' is not an http(s) URL",
        ),
    ],
)
def test_unusable_locustfile_input_is_exit_2(tmp_path: Path, extra: list[str], message: str) -> None:
    pact = Path(__file__).parents[3] / "examples" / "pacts" / "OrderWeb-OrdersApi.json"
    args = [a.replace("{pact}", str(pact)) for a in extra]
    code, output = _run("locustfile", "--provider", "OrdersApi", *args, "--out", str(tmp_path / "l.py"))
    assert code == 2, output
    assert message in output
    assert not (tmp_path / "l.py").exists()


def test_the_summary_prints_route_names_with_square_brackets_literally() -> None:
    row = EndpointStats("GET", "GET /a[/i]", 3, 0, 1.0, 2.0, 3.0, 1.0)
    total = EndpointStats("", "Aggregated", 3, 0, 1.0, 2.0, 3.0, 1.0)
    console = Console(width=200, record=True)
    print_summary(console, RunResult(0, (row,), total, ()))
    assert "GET /a[/i]" in console.export_text()


def test_a_weights_file_naming_unknown_interactions_is_exit_2(tmp_path: Path) -> None:
    pact = Path(__file__).parents[3] / "examples" / "pacts" / "OrderWeb-OrdersApi.json"
    weights = tmp_path / "weights.yaml"
    weights.write_text(
        "consumers:\n  OrderMobile: 2\ninteractions:\n  OrderWeb:\n    a request for product 24: 3\n"
    )
    args = ["locustfile", "--provider", "OrdersApi", "--pact", str(pact), "--weights", str(weights)]
    code, output = _run(*args, "--out", str(tmp_path / "l.py"))
    assert code == 2, output
    assert (
        "the weights file names interactions OrderWeb does not have: 'a request for product 24'; "
        "its interactions are: 'a request for a product that does not exist'"
    ) in output.replace("\n", " ")
    assert not (tmp_path / "l.py").exists()
    # a consumer the pacts do not hold is only noted: one weights file can serve several selections
    weights.write_text("consumers:\n  OrderMobile: 2\n")
    code, output = _run(*args, "--out", str(tmp_path / "l.py"))
    assert code == 0, output
    assert "note     weights for consumer 'OrderMobile': no pact of that consumer here" in output


def test_a_pact_whose_rules_cannot_be_used_is_exit_2(tmp_path: Path) -> None:
    pact = tmp_path / "bad-rules.json"
    interaction = {
        "description": "d",
        "request": {"method": "GET", "path": "/a"},
        "response": {
            "status": 200,
            "body": {"a": "x"},
            "matchingRules": {"body": {"$.a": {"matchers": [{"match": "regex", "regex": "["}]}}},
        },
    }
    pact.write_text(
        json.dumps(
            {"consumer": {"name": "c"}, "provider": {"name": "OrdersApi"}, "interactions": [interaction]}
        )
    )
    args = ["locustfile", "--provider", "OrdersApi", "--pact", str(pact), "--out", str(tmp_path / "l.py")]
    code, output = _run(*args)
    assert code == 2, output
    assert "$.interactions[0].response.matchingRules: matching rule regex '[' is not a valid" in output
    assert not (tmp_path / "l.py").exists()


def test_no_states_leaves_out_the_interactions_that_need_one(tmp_path: Path) -> None:
    from tests.loadgen.locust.pacts import get_product, list_products, v4_pact

    pact = tmp_path / "Shop-OrdersApi.json"
    pact.write_text(json.dumps(v4_pact("Shop", [get_product(), list_products()])))
    out = tmp_path / "l.py"
    args = ["locustfile", "--provider", "OrdersApi", "--pact", str(pact), "--no-states", "--out", str(out)]
    code, output = _run(*args)
    assert code == 0, output
    assert "note     Shop: 'a request for a product' needs a provider state (--no-states)" in output
    text = out.read_text()
    assert "SHOP_A_REQUEST_FOR_ALL_PRODUCTS = ContractInteraction(" in text
    assert "SHOP_A_REQUEST_FOR_A_PRODUCT =" not in text
    examples = Path(__file__).parents[3] / "examples" / "pacts" / "OrderWeb-OrdersApi.json"
    code, output = _run("locustfile", "--provider", "OrdersApi", "--pact", str(examples), "--no-states")
    assert code == 2, output
    assert "no HTTP interactions that need no provider state for provider 'OrdersApi'" in output


def test_a_bad_wait_time_is_exit_2(tmp_path: Path) -> None:
    pact = Path(__file__).parents[3] / "examples" / "pacts" / "OrderWeb-OrdersApi.json"
    out = tmp_path / "l.py"
    args = ["locustfile", "--provider", "OrdersApi", "--pact", str(pact), "--wait-time", "sometimes"]
    code, output = _run(*args, "--out", str(out))
    assert code == 2, output
    assert "--wait-time 'sometimes' is not a Locust wait time" in output
    assert not out.exists()
