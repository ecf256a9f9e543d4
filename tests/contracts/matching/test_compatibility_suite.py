"""The matching scenarios of the Pact compatibility suite, run against contracts.matching.

Features: V3/http_matching, V3/matching_rules, V4/matching_rules. Each scenario is one test; the steps
are implemented below in the manner of pact-reference's step definitions (requests default to
`GET /`; a `JSON:` or `.json` body is sent as application/json; other files take their content type from
the extension unless the table gives one). Mismatch texts are checked as the suite words them: the
expected text is contained in, or (it holds `\\s*` in places) fully matches as a regex, the message.
"""

from __future__ import annotations

import json
import mimetypes
import re
from pathlib import Path
from typing import Any

import pytest

from contracts.matching import match_request, match_response
from contracts.mismatches import Mismatch
from tests.contracts.matching.gherkin import Scenario, Step, read_feature
from tests.support import SHARED, need

SUITE = SHARED / "pact-compatibility-suite"
FIXTURES = SUITE / "fixtures"
FEATURES = ("V3/http_matching.feature", "V3/matching_rules.feature", "V4/matching_rules.feature")
SCENARIO_COUNT = 7 + 24 + 15


def _scenarios() -> list[Any]:
    if not SUITE.is_dir():
        return [pytest.param(None, None, id="compatibility-suite-missing")]
    params = []
    for feature in FEATURES:
        version = feature.split("/")[0][1:]
        for scenario in read_feature(SUITE / "features" / feature):
            params.append(
                pytest.param(version, scenario, id=f"{feature.removesuffix('.feature')}/{scenario.name}")
            )
    return params


def _content_type_of(name: str) -> str:
    if name.endswith(".json"):
        return "application/json"
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def _body(cell: str) -> tuple[Any, str | None]:
    """A table `body` cell as (body value, content type)."""
    if cell.startswith("JSON:"):
        return json.loads(cell.removeprefix("JSON:")), "application/json"
    if cell.startswith("file:"):
        name = cell.removeprefix("file:").strip()
        path = FIXTURES / name
        if name.endswith(".json"):
            return json.loads(path.read_text(encoding="utf-8")), "application/json"
        return path.read_bytes(), _content_type_of(name)
    if cell == "EMPTY":
        return "", None
    return cell, "text/plain"


def _headers(cell: str) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for item in re.findall(r"'([^']*)'", cell):
        name, _, value = item.partition(":")
        headers.setdefault(name.strip(), []).append(value.strip())
    return headers


def _request(row: dict[str, str], version: str) -> dict[str, Any]:
    request: dict[str, Any] = {"method": "GET", "path": "/"}
    headers: dict[str, Any] = {}
    if row.get("query"):
        query: dict[str, list[str]] = {}
        for pair in row["query"].split("&"):
            name, _, value = pair.partition("=")
            query.setdefault(name, []).append(value)
        request["query"] = query
    if row.get("headers"):
        headers.update(_headers(row["headers"]))
    if row.get("body"):
        body, content_type = _body(row["body"])
        request["body"] = body
        if content_type and not any(name.lower() == "content-type" for name in headers):
            headers["Content-Type"] = content_type
    if row.get("content type"):
        headers = {name: value for name, value in headers.items() if name.lower() != "content-type"}
        headers["Content-Type"] = row["content type"]
    if headers:
        request["headers"] = headers
    if row.get("matching rules"):
        request["matchingRules"] = json.loads((FIXTURES / row["matching rules"]).read_text(encoding="utf-8"))
    if row.get("status"):
        request["status"] = int(row["status"])
    return request


def _message_matches(error: str, message: str) -> bool:
    if error in message:
        return True
    try:
        return re.fullmatch(error, message) is not None
    except re.error:
        return False


class World:
    """State shared by the steps of one scenario."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.expected: dict[str, Any] = {}
        self.actuals: list[dict[str, Any]] = []
        self.results: list[list[Mismatch]] = []

    def run(self, step: Step) -> None:
        pattern, args = step.pattern, step.args
        if pattern in (
            "an expected request with a {} header of {}",
            "an expected request with an {} header of {}",
        ):
            self.expected = {"method": "GET", "path": "/", "headers": {args[0]: args[1]}}
        elif pattern in (
            "a request is received with a {} header of {}",
            "a request is received with an {} header of {}",
        ):
            self.actuals = [{"method": "GET", "path": "/", "headers": {args[0]: args[1]}}]
        elif pattern in (
            "an expected request configured with the following:",
            "an expected response configured with the following:",
        ):
            assert len(step.table) == 1
            self.expected = _request(step.table[0], self.version)
        elif pattern in ("a request is received with the following:", "the following requests are received:"):
            self.actuals = [_request(row, self.version) for row in step.table]
        elif (status := re.fullmatch(r"a status (\d+) response is received", pattern)) is not None:
            self.actuals = [{"status": int(status.group(1))}]
        elif pattern in (
            "the request is compared to the expected one",
            "the requests are compared to the expected one",
        ):
            self.results = [match_request(self.expected, actual, self.version) for actual in self.actuals]
        elif pattern == "the response is compared to the expected one":
            expected = {key: value for key, value in self.expected.items() if key not in ("method", "path")}
            self.results = [
                match_response(expected, {"status": a["status"]}, self.version) for a in self.actuals
            ]
        elif pattern in ("the comparison should be OK", "the response comparison should be OK"):
            assert self.results
            assert all(result == [] for result in self.results), [[str(m) for m in r] for r in self.results]
        elif pattern in ("the comparison should NOT be OK", "the response comparison should NOT be OK"):
            assert self.results
            assert all(result for result in self.results), [[str(m) for m in r] for r in self.results]
        elif pattern == "the mismatches will contain a mismatch with error {} -> {}":
            path, error = args
            found = [m for result in self.results for m in result if m.path == path]
            assert any(_message_matches(error, m.message) for m in found), (
                f"no mismatch at {path!r} saying {error!r}; got {[str(m) for r in self.results for m in r]}"
            )
        elif pattern == "the response mismatches will contain a {} mismatch with error {}":
            kind, error = args
            found = [m for result in self.results for m in result if m.kind.value == kind]
            assert any(_message_matches(error, m.message) for m in found), (
                f"no {kind} mismatch saying {error!r}; got {[str(m) for r in self.results for m in r]}"
            )
        else:
            raise NotImplementedError(f"no step definition for {step.keyword} {step.text!r}")


@pytest.mark.parametrize(("version", "scenario"), _scenarios())
def test_compatibility_scenario(version: str | None, scenario: Scenario | None) -> None:
    need(scenario is not None, f"{SUITE} is missing")
    assert version is not None
    assert scenario is not None
    world = World(version)
    for step in scenario.steps:
        world.run(step)


def test_all_matching_scenarios_are_collected(shared_dir: Path) -> None:
    total = sum(len(read_feature(SUITE / "features" / feature)) for feature in FEATURES)
    assert total == SCENARIO_COUNT
