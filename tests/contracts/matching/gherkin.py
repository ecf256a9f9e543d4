"""A small reader for the Pact compatibility suite's Gherkin: features, scenarios, steps, data tables.

Only what the suite's matching features use (no outlines, backgrounds or doc strings there); anything
else raises so a new upstream construct is noticed instead of silently skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_KEYWORDS = ("Given ", "When ", "Then ", "And ", "But ")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


@dataclass
class Step:
    keyword: str
    text: str
    table: list[dict[str, str]] = field(default_factory=list)

    @property
    def pattern(self) -> str:
        """The step text with quoted arguments replaced by `{}`."""
        return _QUOTED.sub("{}", self.text)

    @property
    def args(self) -> list[str]:
        return [value.replace('\\"', '"') for value in _QUOTED.findall(self.text)]


@dataclass
class Scenario:
    feature: str
    name: str
    steps: list[Step] = field(default_factory=list)


def _cells(line: str) -> list[str]:
    inner = line.strip()[1:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", inner)]


def read_feature(path: Path) -> list[Scenario]:
    scenarios: list[Scenario] = []
    current: Scenario | None = None
    header: list[str] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("Feature:") or line.startswith("@"):
            continue
        if line.startswith("Scenario:"):
            current = Scenario(path.stem, line.removeprefix("Scenario:").strip())
            scenarios.append(current)
            header = None
            continue
        if current is None:
            raise ValueError(f"{path}:{number}: unsupported Gherkin outside a scenario: {line!r}")
        if line.startswith("|"):
            cells = _cells(line)
            if header is None:
                header = cells
            else:
                current.steps[-1].table.append(dict(zip(header, cells, strict=True)))
            continue
        keyword = next((word for word in _KEYWORDS if line.startswith(word)), None)
        if keyword is None:
            raise ValueError(f"{path}:{number}: unsupported Gherkin: {line!r}")
        current.steps.append(Step(keyword.strip(), line[len(keyword) :]))
        header = None
    return scenarios
