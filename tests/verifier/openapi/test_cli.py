"""`tether verify openapi`: exit codes 0/1/2, the three output formats, --output and the response options."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from tests.support import tether_executable
from verifier.cli import verify_group

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "pets", "version": "1"},
    "paths": {
        "/pets/{id}": {
            "get": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Pet": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "owner": {"$ref": "#/components/schemas/Owner"},
                },
            },
            "Owner": {"type": "object", "properties": {"id": {"type": "integer"}}},
        }
    },
}


def _pact(*bodies: Any) -> dict[str, Any]:
    return {
        "consumer": {"name": "web"},
        "provider": {"name": "pets"},
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
        "interactions": [
            {
                "description": f"pet {i}",
                "providerState": "pets exist",
                "request": {"method": "GET", "path": f"/pets/{i}"},
                "response": {"status": 200, "body": body},
            }
            for i, body in enumerate(bodies)
        ],
    }


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_pact({"id": 1, "name": "rex"})))
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(_pact({"id": 0, "name": "a"}, {"id": 1, "name": "b", "owner": {"id": "x", "age": 3}}))
    )
    return {"spec": spec, "good": good, "bad": bad, "dir": tmp_path}


def _run(*args: str) -> Any:
    return CliRunner().invoke(verify_group, ["openapi", *args], catch_exceptions=False)


def test_compatible_exits_0_with_a_text_summary(files: dict[str, Path]) -> None:
    result = _run(str(files["spec"]), str(files["good"]))
    assert result.exit_code == 0
    assert "compatible with" in result.output
    assert "0 error(s), 0 warning(s)" in result.output


def test_incompatible_json_has_the_pactflow_shape_and_precise_locations(files: dict[str, Path]) -> None:
    result = _run(str(files["spec"]), str(files["bad"]), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["success"] is False
    assert report["warnings"] == []
    by_location = {e["mockDetails"]["location"]: e for e in report["errors"]}
    assert set(by_location) == {
        "[root].interactions[1].response.body.owner.id",
        "[root].interactions[1].response.body.owner.age",
    }
    wrong_type = by_location["[root].interactions[1].response.body.owner.id"]
    assert wrong_type["code"] == "response.body.incompatible"
    assert wrong_type["type"] == "error"
    assert wrong_type["message"].endswith(": must be integer")
    assert wrong_type["mockDetails"]["interactionDescription"] == "pet 1"
    assert wrong_type["mockDetails"]["interactionState"] == "pets exist"
    assert wrong_type["mockDetails"]["value"] == "x"
    assert wrong_type["specDetails"]["pathName"] == "/pets/{id}"
    assert wrong_type["specDetails"]["pathMethod"] == "get"
    assert wrong_type["specDetails"]["location"] == "[root].components.schemas.Owner.properties.id.type"
    assert wrong_type["specDetails"]["pointer"] == "#/components/schemas/Owner/properties/id/type"
    assert wrong_type["specDetails"]["value"] == "integer"
    extra = by_location["[root].interactions[1].response.body.owner.age"]
    assert extra["message"].endswith("must NOT have additional properties - age")
    assert extra["mockDetails"]["value"] == 3


def test_junit_has_a_testcase_per_interaction_and_failures_for_errors(files: dict[str, Path]) -> None:
    result = _run(str(files["spec"]), str(files["good"]), str(files["bad"]), "--format", "junit")
    assert result.exit_code == 1
    root = ET.fromstring(result.output.split("\n", 1)[1])
    assert root.tag == "testsuites"
    assert root.get("tests") == "3"
    assert root.get("failures") == "1"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(files["good"]), str(files["bad"])]
    bad_cases = suites[1].findall("testcase")
    assert [c.get("name") for c in bad_cases] == ["interactions[0] pet 0", "interactions[1] pet 1"]
    assert bad_cases[0].find("failure") is None
    failure = bad_cases[1].find("failure")
    assert failure is not None
    assert failure.get("type") == "response.body.incompatible"
    assert "owner.id" in (failure.text or "")
    assert "owner.age" in (failure.text or "")


def test_output_file_and_response_options(files: dict[str, Path]) -> None:
    out = files["dir"] / "report.json"
    result = _run(
        str(files["spec"]),
        str(files["bad"]),
        "--format",
        "json",
        "--output",
        str(out),
        "--additional-properties-in-response",
    )
    assert result.exit_code == 1
    assert "report in" in result.output
    errors = json.loads(out.read_text())["errors"]
    assert [e["mockDetails"]["location"] for e in errors] == ["[root].interactions[1].response.body.owner.id"]
    missing_name = files["dir"] / "missing-name.json"
    missing_name.write_text(json.dumps(_pact({"id": 1})))
    assert _run(str(files["spec"]), str(missing_name)).exit_code == 0
    strict = _run(
        str(files["spec"]), str(missing_name), "--required-properties-in-response", "--format", "json"
    )
    assert strict.exit_code == 1
    assert json.loads(strict.output)["errors"][0]["message"].endswith("must have required property 'name'")


@pytest.mark.parametrize(
    ("spec_text", "pact_text", "expected"),
    [
        ("openapi: 3.0.0\npaths: [unclosed\n", None, "spec.yaml: line 3 column 1: invalid YAML"),
        ('{"openapi": "3.0.0", "paths": {', None, "spec.yaml: line 1 column 32: invalid JSON"),
        ("info: {title: x}\npaths: {}\n", None, "neither an 'openapi' nor a 'swagger' version field"),
        ("openapi: 4.0.0\npaths: {}\n", None, "[root].openapi: unsupported OpenAPI version"),
        (
            None,
            "{not json",
            "pact.json: $: not valid JSON (Expecting property name enclosed in double quotes at line 1, column 2)",
        ),
        (
            None,
            '{"interactions": [{"request": {"path": "/a"}, "response": {"status": 200}}]}',
            'pact.json: $.consumer: missing; add "consumer": {"name": "<the consumer name>"}',
        ),
        (
            None,
            '{"consumer": {"name": "c"}, "provider": {"name": "p"}, "interactions": [{"description": "d", '
            '"request": {"method": "GET", "path": "/a"}, "response": {"status": "ok"}}]}',
            "pact.json: $.interactions[0].response.status: must be an HTTP status code (100-999)",
        ),
        (
            None,
            '{"consumer": {"name": "c"}, "provider": {"name": "p"}, "interactions": [{"description": "d", '
            '"request": {"method": "GET", "path": "/a"}, "response": {"status": 200, "body": {"a": "x"}, '
            '"matchingRules": {"body": {"$.a": {"matchers": [{"match": "regex", "regex": "["}]}}}}}]}',
            "pact.json: $.interactions[0].response.matchingRules: matching rule regex '[' is not a valid "
            "regular expression",
        ),
    ],
)
def test_unreadable_input_exits_2_naming_file_and_place(
    files: dict[str, Path], spec_text: str | None, pact_text: str | None, expected: str
) -> None:
    spec, pact = files["dir"] / "spec.yaml", files["dir"] / "pact.json"
    spec.write_text(spec_text) if spec_text is not None else spec.write_text(yaml.safe_dump(SPEC))
    pact.write_text(pact_text) if pact_text is not None else pact.write_text(files["good"].read_text())
    result = CliRunner().invoke(verify_group, ["openapi", str(spec), str(pact)])
    assert result.exit_code == 2
    assert expected in result.output


def test_unresolvable_ref_exits_2_naming_the_ref(files: dict[str, Path]) -> None:
    broken = json.loads(json.dumps(SPEC))
    broken["components"]["schemas"]["Pet"]["properties"]["owner"] = {"$ref": "#/components/schemas/Nobody"}
    spec = files["dir"] / "broken.json"
    spec.write_text(json.dumps(broken))
    # refs are resolved lazily: only an interaction reaching the broken ref trips over it
    assert CliRunner().invoke(verify_group, ["openapi", str(spec), str(files["good"])]).exit_code == 0
    result = CliRunner().invoke(verify_group, ["openapi", str(spec), str(files["bad"])])
    assert result.exit_code == 2
    assert "broken.json" in result.output
    assert "Nobody" in result.output


def test_missing_file_exits_2(files: dict[str, Path]) -> None:
    result = CliRunner().invoke(
        verify_group, ["openapi", str(files["spec"]), str(files["dir"] / "nope.json")]
    )
    assert result.exit_code == 2
    assert "nope.json: $: cannot read the file: No such file or directory" in result.output


def test_the_tether_executable_reports_exit_codes(files: dict[str, Path]) -> None:
    base = [*tether_executable(), "verify", "openapi", str(files["spec"])]
    good = subprocess.run([*base, str(files["good"])], capture_output=True, text=True, timeout=60)
    bad = subprocess.run(
        [*base, str(files["bad"]), "--format", "json"], capture_output=True, text=True, timeout=60
    )
    unreadable = subprocess.run(
        [*base, str(files["dir"] / "nope.json")], capture_output=True, text=True, timeout=60
    )
    assert (good.returncode, bad.returncode, unreadable.returncode) == (0, 1, 2), good.stderr + bad.stderr
    assert json.loads(bad.stdout)["success"] is False
    assert "Traceback" not in unreadable.stderr
    assert "nope.json" in unreadable.stderr


def test_text_groups_findings_by_file_and_interaction(files: dict[str, Path]) -> None:
    result = _run(str(files["spec"]), str(files["bad"]))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{files['bad']} interactions[1] 'pet 1' (state: pets exist)"
    assert lines[1].startswith("  ERROR response.body.incompatible: ")
    assert "    spec: #/components/schemas/Owner/" in result.output
    assert lines[-2:] == [
        f"Pact(s) NOT compatible with {files['spec']}: 2 error(s), 0 warning(s)",
        "  response.body.incompatible: 2",
    ]


def test_a_pact_with_a_byte_order_mark_is_read_like_tether_pact_reads_it(files: dict[str, Path]) -> None:
    bom = files["dir"] / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + files["good"].read_bytes())
    result = CliRunner().invoke(verify_group, ["openapi", str(files["spec"]), str(bom)])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output
    latin1 = files["dir"] / "latin1.json"
    latin1.write_bytes(b"\xff\xfe{}")
    result = CliRunner().invoke(verify_group, ["openapi", str(files["spec"]), str(latin1)])
    assert result.exit_code == 2
    assert "latin1.json: $: the file is not UTF-8 text; a pact file is JSON" in result.output


def test_junit_stays_valid_xml_when_the_pact_holds_control_characters(files: dict[str, Path]) -> None:
    pact = json.loads(files["good"].read_text())
    pact["interactions"][0]["description"] = "bell \x07 and ]]> <&"
    pact["interactions"][0]["request"]["path"] = "/nowhere\x01"
    weird = files["dir"] / "weird.json"
    weird.write_text(json.dumps(pact))
    result = _run(str(files["spec"]), str(weird), "--format", "junit")
    assert result.exit_code == 1
    root = ET.fromstring(result.output)
    case = root.find("testsuite/testcase")
    assert case is not None
    assert case.get("name") == "interactions[0] bell \\x07 and ]]> <&"
    failure = case.find("failure")
    assert failure is not None
    assert "GET /nowhere\\x01" in (failure.get("message") or "")


def test_a_ref_cycle_without_constraints_is_exit_2_naming_the_chain(files: dict[str, Path]) -> None:
    cyclic = json.loads(json.dumps(SPEC))
    schemas = cyclic["components"]["schemas"]
    schemas["Pet"]["properties"]["owner"] = {"$ref": "#/components/schemas/A"}
    schemas["A"] = {"$ref": "#/components/schemas/B"}
    schemas["B"] = {"$ref": "#/components/schemas/A"}
    spec = files["dir"] / "cyclic.json"
    spec.write_text(json.dumps(cyclic))
    result = _run(str(spec), str(files["bad"]))
    assert result.exit_code == 2, result.output
    assert (
        "$ref cycle #/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A: "
        "these schemas only refer to each other"
    ) in result.output
    assert "Traceback" not in result.output
