"""The generator scenarios of the Pact compatibility suite (V3 generators and http_generators, V4
generators), run by a small Gherkin loader: each scenario becomes one test, each step one regex."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from contracts.generators import generate_request, generate_response
from contracts.generators.json_paths import parse_json_path
from tests.support import SHARED

SUITE = SHARED / "pact-compatibility-suite"
FEATURES = [
    SUITE / "features" / "V3" / "generators.feature",
    SUITE / "features" / "V3" / "http_generators.feature",
    SUITE / "features" / "V4" / "generators.feature",
]


@dataclass
class Step:
    text: str
    table: list[list[str]] = field(default_factory=list)


@dataclass
class Scenario:
    feature: Path
    name: str
    steps: list[Step]


def load_scenarios(path: Path) -> list[Scenario]:
    scenarios: list[Scenario] = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line.startswith("Scenario:"):
            scenarios.append(Scenario(path, line.removeprefix("Scenario:").strip(), []))
        elif line.startswith("|") and scenarios and scenarios[-1].steps:
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            scenarios[-1].steps[-1].table.append(cells)
        elif re.match(r"(Given|When|Then|And|But) ", line) and scenarios:
            scenarios[-1].steps.append(Step(line.split(" ", 1)[1]))
    return scenarios


SCENARIOS = [scenario for path in FEATURES if path.exists() for scenario in load_scenarios(path)]


def _value(cell: str) -> Any:
    if cell.startswith("file: "):
        return json.loads((SUITE / "fixtures" / cell.removeprefix("file: ")).read_text())
    if cell.startswith("JSON: "):
        return json.loads(cell.removeprefix("JSON: "))
    return json.loads((SUITE / "fixtures" / cell).read_text())


def _lookup(document: Any, path: str) -> Any:
    for token in parse_json_path(path):
        document = document[token]
    return document


def _is_date(text: Any, fmt: str, kind: type) -> bool:
    try:
        parsed = datetime.strptime(text, fmt)
    except (TypeError, ValueError):
        return False
    return isinstance(parsed.date() if kind is date else parsed.time(), kind)


def _uuid(text: Any, pattern: str) -> bool:
    if not isinstance(text, str) or not re.fullmatch(pattern, text):
        return False
    return uuid.UUID(text.removeprefix("urn:uuid:")).version == 4


VALUE_TYPES = {
    "integer": lambda v: isinstance(v, str) and v.isdigit() and 0 <= int(v) <= 1000,
    "decimal number": lambda v: isinstance(v, str) and re.fullmatch(r"\d+\.\d+", v) and len(v) == 7,
    "hexadecimal number": lambda v: isinstance(v, str) and re.fullmatch(r"[0-9A-Fa-f]{6}", v),
    "random string": lambda v: isinstance(v, str) and len(v) == 6,
    "string from the regex": lambda v: isinstance(v, str) and re.fullmatch(r"\d{1,8}", v),
    "date": lambda v: _is_date(v, "%Y-%m-%d", date),
    "time": lambda v: _is_date(v, "%H:%M:%S", time),
    "date-time": lambda v: (
        isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{1,9}.*", v)
    ),
    "UUID": lambda v: _uuid(v, r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    "lower-case-hyphenated UUID": lambda v: _uuid(
        v, r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    ),
    "upper-case-hyphenated UUID": lambda v: _uuid(
        v, r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}"
    ),
    "simple UUID": lambda v: _uuid(v, r"[0-9a-f]{32}"),
    "URN UUID": lambda v: _uuid(v, r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    "boolean": lambda v: isinstance(v, bool),
}


class World:
    def __init__(self, v4: bool) -> None:
        self.v4 = v4
        self.kind = "request"
        self.part: dict[str, Any] = {}
        self.original_body: Any = None
        self.mode: str | None = None
        self.result: dict[str, Any] = {}

    def configure(self, kind: str, table: list[list[str]]) -> None:
        header, row = table[0], table[1]
        columns = dict(zip(header, row, strict=True))
        self.kind = kind
        self.part = {"method": "GET", "path": "/path/one"} if kind == "request" else {"status": 200}
        if "body" in columns:
            self.original_body = _value(columns["body"])
            self.part["headers"] = {"Content-Type": "application/json"}
            self.part["body"] = (
                {"content": self.original_body, "contentType": "application/json", "encoded": False}
                if self.v4
                else self.original_body
            )
        self.part["generators"] = _value(columns["generators"])

    def prepare(self, context: str | None, table: list[list[str]]) -> None:
        values = json.loads(table[0][0]) if table else {}
        provider_state = values if context == "providerState" else {}
        mock_server = values.get("href") if context == "mockServer" else None
        default_mode = "provider" if self.kind == "request" else "consumer"
        mode: Any = (self.mode or default_mode).lower()
        generate = generate_request if self.kind == "request" else generate_response
        self.result = generate(
            self.part,
            "4" if self.v4 else "3",
            mode=mode,
            provider_state=provider_state,
            mock_server_url=mock_server,
        )

    def body(self) -> Any:
        body = self.result["body"]
        return body["content"] if self.v4 else body

    def field(self, name: str) -> Any:
        match = re.fullmatch(r"(header|queryParameter)\[(.+)\]", name)
        if match is None:
            return self.result[name]
        if match.group(1) == "header":
            value = self.result["headers"][match.group(2)]
        else:
            value = self.result["query"][match.group(2)]
        return value[0] if isinstance(value, list) else value


def run(scenario: Scenario) -> None:
    world = World(v4="/V4/" in str(scenario.feature))
    for step in scenario.steps:
        text = step.text
        if m := re.fullmatch(r"a (request|response) configured with the following generators:", text):
            world.configure(m.group(1), step.table)
        elif m := re.fullmatch(r'the generator test mode is set as "(\w+)"', text):
            world.mode = m.group(1)
        elif m := re.fullmatch(
            r'the (?:request|response) is prepared for use(?: with a "(\w+)" context:)?', text
        ):
            world.prepare(m.group(1), step.table)
        elif m := re.fullmatch(r'the body value for "(.+)" will have been replaced with an? "(.+)"', text):
            value = _lookup(world.body(), m.group(1))
            assert value != _lookup(world.original_body, m.group(1))
            assert VALUE_TYPES[m.group(2)](value), f"{value!r} is not a {m.group(2)}"
        elif m := re.fullmatch(r'the body value for "(.+)" will have been replaced with "(.+)"', text):
            expected_text = m.group(2)
            try:
                expected: Any = json.loads(expected_text)
            except ValueError:
                expected = expected_text
            assert _lookup(world.body(), m.group(1)) == expected
        elif m := re.fullmatch(r'the (?:request|response) "(.+)" will be set as "(.+)"', text):
            assert world.field(m.group(1)) == m.group(2)
        elif m := re.fullmatch(r'the (?:request|response) "(.+)" will match "(.+)"', text):
            assert re.fullmatch(m.group(2), str(world.field(m.group(1))))
        elif m := re.fullmatch(r'the (?:request|response) "(.+)" will not be "(.+)"', text):
            assert str(world.field(m.group(1))) != m.group(2)
        else:
            raise AssertionError(f"no step definition for {text!r}")


def test_every_scenario_is_loaded() -> None:
    assert len(SCENARIOS) == 10 + 7 + 6


@pytest.mark.parametrize(
    "scenario", SCENARIOS, ids=lambda s: f"{s.feature.parent.name}/{s.feature.stem}: {s.name}"
)
@pytest.mark.parametrize("attempt", range(3))
def test_compatibility_scenario(scenario: Scenario, attempt: int) -> None:
    run(scenario)
