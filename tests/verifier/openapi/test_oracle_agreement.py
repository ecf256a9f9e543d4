"""Re-run PactFlow's comparator (the oracle) on every corpus case and check the recorded verdicts are still
its verdicts, so the corpus cannot drift from the tool it claims to agree with."""

from __future__ import annotations

import shutil

import pytest

from tests.support import need
from tests.verifier.openapi.corpus import COMPARATOR_DIR, load_cases, run_comparator


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
