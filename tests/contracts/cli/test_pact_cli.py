"""`tether pact validate | hash | show` on real files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from contracts.cli import pact_group
from contracts.hashing import pact_version_sha
from tests.support import tether_executable

GOOD: dict[str, Any] = {
    "consumer": {"name": "Web"},
    "provider": {"name": "Orders"},
    "interactions": [
        {
            "type": "Synchronous/HTTP",
            "description": "get order 7",
            "pending": True,
            "providerStates": [{"name": "an order", "params": {"id": 7}}],
            "request": {"method": "GET", "path": "/orders/7", "query": {"expand": ["lines"]}},
            "response": {"status": 200, "body": {"content": {"id": 7}, "contentType": "application/json"}},
        },
        {
            "type": "Asynchronous/Messages",
            "description": "order shipped",
            "contents": {"content": {"id": 7}, "contentType": "application/json", "encoded": False},
        },
        {
            "type": "Synchronous/Messages",
            "description": "stock query",
            "request": {"contents": {"content": "sku=1", "contentType": "text/plain"}},
            "response": [{"contents": {"content": {"n": 1}, "contentType": "application/json"}}],
        },
    ],
    "metadata": {"pactSpecification": {"version": "4.0"}},
}


def _write(tmp_path: Path, name: str, document: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return path


def test_validate_accepts_good_pacts(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.json", GOOD)
    result = CliRunner().invoke(pact_group, ["validate", str(good)])
    assert result.exit_code == 0, result.output
    assert result.output == f"ok: {good}: Web -> Orders, spec V4, 3 interactions\n"


def test_validate_reports_every_bad_file_and_exits_2(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.json", GOOD)
    not_json = _write(tmp_path, "not-json.json", "{")
    no_request = _write(
        tmp_path,
        "no-request.json",
        {**GOOD, "interactions": [{"type": "Synchronous/HTTP", "description": "d", "response": {}}]},
    )
    bad_generator = _write(
        tmp_path,
        "bad-generator.json",
        {
            **GOOD,
            "interactions": [
                {
                    **GOOD["interactions"][0],
                    "response": {
                        "status": 200,
                        "generators": {
                            "body": {
                                "$.id": {"type": "RandomNumber"},
                                "$.code": {"type": "Regex", "regex": "(["},
                            }
                        },
                    },
                }
            ],
        },
    )
    result = CliRunner().invoke(
        pact_group,
        [
            "validate",
            str(good),
            str(not_json),
            str(no_request),
            str(bad_generator),
            str(tmp_path / "nope.json"),
        ],
    )
    assert result.exit_code == 2
    assert result.stdout == f"ok: {good}: Web -> Orders, spec V4, 3 interactions\n"
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"error: {not_json}: $: not valid JSON")
    assert errors[1] == (
        f'error: {no_request}: $.interactions[0].request: missing; an HTTP interaction needs a "request" '
        "with method and path"
    )
    assert errors[2].startswith(
        f"error: {bad_generator}: $.interactions[0].response.generators.body['$.id'].type: unknown generator type "
        "'RandomNumber'"
    )
    assert errors[3].startswith(
        f"error: {bad_generator}: $.interactions[0].response.generators.body['$.code'].regex: '([' is not a valid"
    )
    assert errors[4].startswith(f"error: {tmp_path / 'nope.json'}: $: cannot read the file")
    assert "Traceback" not in result.output


def test_hash_prints_the_pact_version_sha(tmp_path: Path) -> None:
    path = _write(tmp_path, "good.json", GOOD)
    result = CliRunner().invoke(pact_group, ["hash", str(path)])
    assert result.exit_code == 0
    assert result.output == pact_version_sha(GOOD) + "\n"
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(GOOD, indent=3, sort_keys=True))
    assert CliRunner().invoke(pact_group, ["hash", str(pretty)]).output == result.output


def test_hash_of_an_invalid_file_exits_2(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.json", {"consumer": {"name": "a"}, "interactions": []})
    result = CliRunner().invoke(pact_group, ["hash", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: $.provider: missing")


def test_show_summarises_interactions(tmp_path: Path) -> None:
    path = _write(tmp_path, "good.json", GOOD)
    result = CliRunner().invoke(pact_group, ["show", "--width", "200", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Web -> Orders  spec V4  3 interactions  sha ")
    row = next(line for line in lines if "get order 7" in line)
    for cell in ("Synchronous/HTTP (pending)", 'an order {"id": 7}', "GET /orders/7?expand=", "200"):
        assert cell in row
    assert any("order shipped" in line and "application/json" in line for line in lines)
    assert any(
        "stock query" in line and "text/plain" in line and "1 response message" in line for line in lines
    )


def test_tether_pact_runs_through_the_front_door(tmp_path: Path) -> None:
    path = _write(tmp_path, "good.json", GOOD)
    done = subprocess.run(
        [*tether_executable(), "pact", "validate", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"ok: {path}")
    bad = subprocess.run(
        [*tether_executable(), "pact", "hash", str(tmp_path / "missing.json")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "cannot read the file" in bad.stderr


def test_show_prints_names_with_square_brackets_literally(tmp_path: Path) -> None:
    document = {
        "consumer": {"name": "web[/x]"},
        "provider": {"name": "[red]orders"},
        "interactions": [
            {
                "description": "get [/b] thing [bold]x",
                "providerState": "[/s]",
                "request": {"method": "GET", "path": "/a[/i]"},
                "response": {"status": 200},
            }
        ],
    }
    path = _write(tmp_path, "brackets.json", document)
    result = CliRunner().invoke(pact_group, ["show", "--width", "200", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("web[/x] -> [red]orders  spec V2")
    row = next(line for line in result.output.splitlines() if "thing" in line)
    for cell in ("get [/b] thing [bold]x", "[/s]", "GET /a[/i]"):
        assert cell in row


def test_absurdly_deep_json_is_exit_2_not_a_traceback(tmp_path: Path) -> None:
    body = "[" * 5000 + "]" * 5000
    path = _write(
        tmp_path,
        "deep.json",
        '{"consumer": {"name": "c"}, "provider": {"name": "p"}, "interactions": [{"description": "d", '
        '"request": {"method": "GET", "path": "/"}, "response": {"status": 200, "body": ' + body + "}}]}",
    )
    for command in ("validate", "hash", "show"):
        result = CliRunner().invoke(pact_group, [command, str(path)])
        assert result.exit_code == 2, (command, result.output)
        assert "deep.json: $: the JSON is nested too deeply to be read" in result.output
