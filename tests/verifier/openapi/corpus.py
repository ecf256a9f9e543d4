"""The (spec, pact) corpus in cases/: loading cases, running Tether and the comparator oracle on them."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from contracts.openapi.checker import CheckOptions
from contracts.openapi.run import check_documents, check_files

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
ORACLE_SCRIPT = HERE / "oracle.cjs"
NODE_MODULES = HERE.parents[2] / ".cache" / "npm-tools" / "node_modules"
COMPARATOR_DIR = NODE_MODULES / "@pactflow" / "openapi-pact-comparator"


@dataclass
class Case:
    name: str
    path: Path
    data: dict[str, Any]

    @property
    def spec(self) -> Any:
        if "spec_file" in self.data:
            return None
        return self.data["spec"]

    @property
    def options(self) -> CheckOptions:
        return CheckOptions(**self.data.get("options", {}))

    @property
    def expected(self) -> dict[str, Any]:
        """What Tether must report: the comparator's verdict unless the case records a deliberate difference."""
        if "tether" in self.data:
            return self.data["tether"]
        comparator = self.data.get("comparator")
        assert comparator is not None, f"{self.name}: no oracle record"
        assert "crash" not in comparator, (
            f"{self.name}: the comparator crashed and no tether entry explains it"
        )
        return comparator


def load_cases() -> list[Case]:
    return [
        Case(path.stem, path, yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in sorted(CASES_DIR.glob("*.yaml"))
    ]


def _interaction(location: str) -> str:
    marker = "[root].interactions["
    return location[len(marker) :].split("]", 1)[0] if location.startswith(marker) else "?"


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The verdict, the codes, and per interaction index the `type:code` pairs (counts are not compared:
    ajv and jsonschema split some schema failures differently)."""
    errors = sorted({r["code"] for r in results if r.get("type") == "error"})
    warnings = sorted({r["code"] for r in results if r.get("type") == "warning"})
    by_interaction: dict[str, set[str]] = {}
    for r in results:
        index = _interaction(str((r.get("mockDetails") or {}).get("location", "")))
        by_interaction.setdefault(index, set()).add(f"{r.get('type')}:{r['code']}")
    return {
        "success": not errors,
        "errors": errors,
        "warnings": warnings,
        "interactions": {k: sorted(v) for k, v in sorted(by_interaction.items())},
    }


def run_tether(case: Case) -> dict[str, Any]:
    if "spec_file" in case.data:
        with tempfile.TemporaryDirectory() as tmp:
            pact_path = Path(tmp) / "pact.json"
            pact_path.write_text(json.dumps(case.data["pact"]), encoding="utf-8")
            report = check_files(CASES_DIR / case.data["spec_file"], [pact_path], case.options)
    else:
        report = check_documents(case.data["spec"], [case.data["pact"]], case.options)
    return summarise([f.to_json() for f in report.findings])


def run_comparator(cases: list[Case]) -> dict[str, dict[str, Any]]:
    """Run the comparator (one node process) on every case with an inline spec."""
    items = [
        {"name": c.name, "spec": c.data["spec"], "pact": c.data["pact"]} for c in cases if "spec" in c.data
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(items, handle)
        input_path = handle.name
    try:
        env = {k: v for k, v in os.environ.items() if k != "QUIRKS"}
        env["PACT_DO_NOT_TRACK"] = "true"
        completed = subprocess.run(
            ["node", str(ORACLE_SCRIPT), str(NODE_MODULES), input_path],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            timeout=300,
        )
    finally:
        os.unlink(input_path)
    out: dict[str, dict[str, Any]] = {}
    for entry in json.loads(completed.stdout):
        if "crash" in entry:
            out[entry["name"]] = {"crash": entry["crash"]}
        else:
            out[entry["name"]] = summarise(entry["results"])
    return out
