"""Unusable input ends with exit code 2 and a message naming the option and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.examples.servers import SPEC, WEB_PACT
from tests.support import free_port
from tests.verifier.live.cli_runner import tether_verify

BASE = ["provider", "--provider", "OrdersApi"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "nothing to verify: give --pact FILE, --broker-url URL, or --openapi SPEC"),
        (["--pact", "no/such/pact.json"], "--pact no/such/pact.json: no such file or directory"),
        (["--pact", str(SPEC)], "not a readable JSON pact file"),
        (
            ["--broker-url", "http://127.0.0.1:9", "--consumer-version-selector", "{mainBranch: true}"],
            "--consumer-version-selector '{mainBranch: true}' is not JSON",
        ),
        (
            ["--broker-url", "http://127.0.0.1:9", "--consumer-version-selector", '{"mainbranch": true}'],
            "unknown key 'mainbranch'; known keys: consumer, tag, fallbackTag",
        ),
        (
            ["--broker-url", "http://127.0.0.1:9", "--consumer-version-selector", '{"deployed": false}'],
            "'deployed' can only be true",
        ),
        (
            ["--pact", str(WEB_PACT), "--main-branch"],
            "selects pacts from a broker: give --broker-url and no --pact",
        ),
        (["--pact", str(WEB_PACT), "--enable-pending"], "--enable-pending selects pacts from a broker"),
        (
            ["--broker-url", "http://127.0.0.1:9", "--include-wip-pacts-since", "2024-13-01"],
            "--include-wip-pacts-since '2024-13-01' is not a valid date",
        ),
        (["--pact", str(WEB_PACT), "--publish"], "--publish needs --provider-version"),
        (
            ["--pact", str(WEB_PACT), "--publish", "--provider-version", "1"],
            "--publish needs a broker: give --broker-url",
        ),
        (
            ["--broker-url", "ftp://x", "--pact", str(WEB_PACT)],
            "--broker-url 'ftp://x' is not an http(s) URL",
        ),
        (
            ["--pact", str(WEB_PACT), "--max-examples", "5"],
            "--max-examples tunes the self-check: give --openapi",
        ),
        (["--openapi", str(WEB_PACT)], "not an OpenAPI document (no top-level `openapi` or `swagger` key)"),
        (["--openapi", "missing.yaml"], "--openapi missing.yaml: no such file"),
        (["--openapi", str(SPEC), "--phases", "examples,chaos"], "unknown phase(s) ['chaos']"),
        (
            ["--pact", str(WEB_PACT), "--header", "no colon"],
            "--header 'no colon' must look like 'Name: value'",
        ),
        (["--pact", str(WEB_PACT), "--self-check-only"], "--self-check-only needs --openapi SPEC"),
        (
            ["--broker-url", "http://127.0.0.1:9", "--broker-token", "t", "--broker-username", "u"],
            "give either --broker-token or --broker-username/--broker-password, not both",
        ),
    ],
)
def test_bad_options(extra: list[str], message: str) -> None:
    run = tether_verify(*BASE, "--provider-base-url", "http://127.0.0.1:9", *extra)
    assert run.exit_code == 2, run.stdout + run.stderr
    assert message in run.stderr
    assert run.stderr.startswith("error: ")
    assert "Traceback" not in run.stderr
    assert run.stdout == ""


def test_unreachable_provider_is_exit_2() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    run = tether_verify(*BASE, "--provider-base-url", url, "--pact", str(WEB_PACT))
    assert run.exit_code == 2
    assert f"--provider-base-url {url}: the provider does not answer" in run.stderr
    assert "start it first, or fix the URL" in run.stderr


def test_unreachable_broker_is_exit_2(provider_url: str) -> None:
    broker = f"http://127.0.0.1:{free_port()}"
    run = tether_verify(*BASE, "--provider-base-url", provider_url, "--broker-url", broker, "--main-branch")
    assert run.exit_code == 2
    assert f"--broker-url {broker}: the broker does not answer" in run.stderr


def test_unwritable_output_is_exit_2(provider_url: str, tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "report.json"
    run = tether_verify(
        *BASE, "--provider-base-url", provider_url, "--pact", str(WEB_PACT), "--output", str(target)
    )
    assert run.exit_code == 2
    assert f"cannot write {target}" in run.stderr


def test_empty_pact_is_a_failure_not_a_pass(provider_url: str, tmp_path: Path) -> None:
    pact = tmp_path / "empty.json"
    pact.write_text(
        '{"consumer": {"name": "X"}, "provider": {"name": "OrdersApi"}, "interactions": [],'
        ' "metadata": {"pactSpecification": {"version": "3.0.0"}}}'
    )
    run = tether_verify(*BASE, "--provider-base-url", provider_url, "--pact", str(pact), "--format", "json")
    assert run.exit_code == 1
    assert '"success": false' in run.stdout
    assert "no interactions were verified" in run.stdout
