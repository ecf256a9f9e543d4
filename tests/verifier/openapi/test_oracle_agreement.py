"""Re-run PactFlow's comparator (the oracle) on every corpus case and check the recorded verdicts are still
its verdicts, so the corpus cannot drift from the tool it claims to agree with."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import need, npm_tool
from tests.verifier.openapi.corpus import COMPARATOR_DIR, load_cases, run_comparator, run_tether


@pytest.mark.npm
def test_recorded_oracle_verdicts_are_the_comparators() -> None:
    need(shutil.which("node") is not None, "node is not installed")
    need(COMPARATOR_DIR.is_dir(), f"{COMPARATOR_DIR} is missing: run `make npm-tools`")
    cases = load_cases()
    live = run_comparator(cases)
    recorded = {c.name: c.data["comparator"] for c in cases if "comparator" in c.data}
    assert set(live) == set(recorded)
    mismatches = {name: (recorded[name], live[name]) for name in live if live[name] != recorded[name]}
    assert mismatches == {}, "re-run `python -m tests.verifier.openapi.regenerate_oracle` and review the diff"


@pytest.mark.npm
@pytest.mark.parametrize(
    ("case_name", "flags"),
    [
        ("response_body_missing_required", []),
        ("response_body_missing_required_enforced", ["-R", "true"]),
        ("response_body_additional_property", []),
        ("response_body_additional_allowed", ["-A", "true"]),
    ],
)
def test_response_options_mean_what_swagger_mock_validator_means(
    case_name: str, flags: list[str], tmp_path: Path
) -> None:
    """--additional-properties-in-response / --required-properties-in-response are SMV's -A / -R."""
    smv = npm_tool("swagger-mock-validator")
    case = next(c for c in load_cases() if c.name == case_name)
    spec, pact = tmp_path / "spec.json", tmp_path / "pact.json"
    spec.write_text(json.dumps(case.data["spec"]))
    pact.write_text(json.dumps(case.data["pact"]))
    completed = subprocess.run(
        [str(smv), str(spec), str(pact), *flags],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
    )
    assert (completed.returncode == 0) is run_tether(case)["success"], completed.stdout + completed.stderr
