"""Unusable input ends with exit code 2 and a message naming the option and the fix."""

from __future__ import annotations

import json
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
        (["--pact", str(SPEC)], "openapi.yaml: $: not valid JSON"),
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
        (
            ["--openapi", str(WEB_PACT)],
            "OrderWeb-OrdersApi.json: [root]: not an OpenAPI document: it has neither an 'openapi' nor",
        ),
        (
            ["--openapi", "{bad_yaml}"],
            "bad.yaml: line 3 column 1: invalid YAML: did not find expected node content",
        ),
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
def test_bad_options(extra: list[str], message: str, tmp_path: Path) -> None:
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("openapi: 3.0.0\npaths: [\n")
    extra = [arg.replace("{bad_yaml}", str(bad_yaml)) for arg in extra]
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


def _pact_file(tmp_path: Path, name: str, document: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"provider": {"name": "OrdersApi"}, "interactions": []},
            'bad.json: $.consumer: missing; add "consumer": {"name": "<the consumer name>"}',
        ),
        (
            {"consumer": {"name": "Web"}, "provider": {"name": "OrdersApi"}, "interactions": [{"x": 1}]},
            'bad.json: $.interactions[0].description: every interaction needs a "description" string',
        ),
        (
            {
                "consumer": {"name": "Web"},
                "provider": {"name": "OrdersApi"},
                "interactions": [
                    {
                        "description": "d",
                        "request": {"method": "GET", "path": "/a", "generators": {"path": {"type": "Frob"}}},
                        "response": {"status": 200},
                    }
                ],
                "metadata": {"pactSpecification": {"version": "3.0.0"}},
            },
            "bad.json: $.interactions[0].request.generators.path.type: unknown generator type 'Frob'",
        ),
        (
            {"consumer": {"name": "Web"}, "provider": {"name": "Billing"}, "interactions": []},
            "bad.json: the pact is for provider 'Billing', not 'OrdersApi'; give --provider Billing, "
            "or the pact files of OrdersApi",
        ),
    ],
)
def test_unusable_pact_files_are_exit_2_naming_the_problem(
    tmp_path: Path, document: object, message: str
) -> None:
    pact = _pact_file(tmp_path, "bad.json", document)
    run = tether_verify(*BASE, "--provider-base-url", "http://127.0.0.1:9", "--pact", pact)
    assert run.exit_code == 2, run.stdout + run.stderr
    assert f"error: --pact {tmp_path}/{message}" in run.stderr
    # in a directory, every pact must be readable; those of other providers are left out
    run = tether_verify(*BASE, "--provider-base-url", "http://127.0.0.1:9", "--pact", str(tmp_path))
    assert run.exit_code == 2, run.stdout + run.stderr
    if "Billing" in message:
        assert (
            f"error: --pact {tmp_path}: no pact in the directory is for provider 'OrdersApi' "
            "(found: Web -> Billing)"
        ) in run.stderr
    else:
        assert f"error: --pact {tmp_path}: {tmp_path}/{message}" in run.stderr


def test_a_v3_message_pact_is_a_pact(tmp_path: Path) -> None:
    pact = _pact_file(
        tmp_path,
        "messages.json",
        {
            "consumer": {"name": "Web"},
            "provider": {"name": "OrdersApi"},
            "messages": [{"description": "m", "contents": {"a": 1}}],
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
        },
    )
    run = tether_verify(*BASE, "--provider-base-url", "http://127.0.0.1:9", "--pact", pact)
    assert run.exit_code == 2
    assert "the provider does not answer" in run.stderr  # past the pact checks


def test_a_pact_with_a_byte_order_mark_is_refused_before_the_rust_verifier_chokes_on_it(
    tmp_path: Path,
) -> None:
    pact = tmp_path / "bom.json"
    pact.write_bytes(b"\xef\xbb\xbf" + WEB_PACT.read_bytes())
    run = tether_verify(*BASE, "--provider-base-url", "http://127.0.0.1:9", "--pact", str(pact))
    assert run.exit_code == 2
    assert f"--pact {pact}: the file starts with a UTF-8 byte-order mark" in run.stderr
    assert "save it as UTF-8 without BOM" in run.stderr


def test_unreachable_state_change_url_is_exit_2_before_replay(provider_url: str) -> None:
    url = f"http://127.0.0.1:{free_port()}/_pact/provider-states"
    run = tether_verify(
        *BASE, "--provider-base-url", provider_url, "--pact", str(WEB_PACT), "--state-change-url", url
    )
    assert run.exit_code == 2, run.stdout + run.stderr
    assert f"--state-change-url {url}: the provider's state-change endpoint does not answer" in run.stderr
    assert "Replaying" not in run.stdout


def test_unreachable_pact_url_is_exit_2_before_replay(provider_url: str) -> None:
    url = f"http://127.0.0.1:{free_port()}/pacts/provider/OrdersApi/consumer/Web/latest"
    run = tether_verify(*BASE, "--provider-base-url", provider_url, "--pact", url)
    assert run.exit_code == 2, run.stdout + run.stderr
    assert f"--pact {url}: the pact URL does not answer" in run.stderr
