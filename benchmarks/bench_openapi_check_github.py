"""Static pact-vs-OpenAPI check on GitHub's real 13 MB spec: Tether vs PactFlow's openapi-pact-comparator.

    .venv/bin/python benchmarks/bench_openapi_check_github.py [--rounds 7] [--interactions 320] [--keep DIR]
        [--baseline TREE]   # also time another checkout's Tether (e.g. /work/main), same venv, interleaved

The spec is `@octokit/openapi`'s `generated/api.github.com.json` (OpenAPI 3.0, ~1,100 operations, deep
`$ref`s into components). A pact of --interactions interactions is drawn from its operations with a fixed
seed: operations sampled across the whole document, varied ids and names in the paths, required and some
optional query parameters, request bodies and response bodies taken from the spec's own examples (the
`examples` of the media type, `$ref`s into `components/examples`), else generated from the schemas. A few
interactions (every 40th) are made wrong on purpose (an unknown path, an undocumented status, a wrong
type in the response body) so the verdicts compared are not all "pass"; many more fail because GitHub's own
examples disagree with its schemas (both tools report those).

Both tools run as whole processes, start-up included, alternating round by round (so the machine's load
hits both alike), and the median of the rounds is reported. One warm-up run of each is not counted: it
fills the page cache and writes Python's bytecode cache (PYTHONDONTWRITEBYTECODE is dropped for the runs,
as an installed package has its bytecode compiled):

* `tether verify openapi SPEC PACT --format json`
* `opc --oas SPEC PACT` (@pactflow/openapi-pact-comparator 2.3.1, node)

Verdict agreement: Tether's error codes per interaction against the comparator's; disagreements are printed
and recorded. One known defect of the comparator shows on this spec and is listed as such (see
`KNOWN_COMPARATOR_DEFECTS`); any other disagreement fails the benchmark. Where Tether's time goes (import,
spec load, operation index, check, rendering) is measured in-process too. Figures are written to
benchmarks/results/openapi_check_github.json.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_openapi_check import interaction_codes  # noqa: E402

from contracts.openapi.document import OpenAPIDocument, load_openapi  # noqa: E402
from contracts.openapi.operations import Operation, OperationIndex  # noqa: E402
from tests.contracts.openapi.synthesize import Synthesizer  # noqa: E402

MODULES = ROOT / ".cache" / "npm-tools" / "node_modules"
BIN = MODULES / ".bin"
SPEC = MODULES / "@octokit" / "openapi" / "generated" / "api.github.com.json"
RESULTS = ROOT / "benchmarks" / "results" / "openapi_check_github.json"
SEED = 20261204
WORDS = ["octocat", "hello-world", "tether", "linguist", "docs", "api", "spoon-knife", "mona", "hubot"]


# comparator findings Tether deliberately does not report (the spec says the value is allowed)
KNOWN_COMPARATOR_DEFECTS = {
    "nullable-without-type": "`nullable: true` beside `oneOf` and no `type` (e.g. custom-property-value.value): "
    "the comparator reads it as `type: [object, null]` and rejects the strings and arrays the oneOf allows",
}


def spec_node(root: Mapping[str, Any], location: str) -> Any:
    """The spec node a comparator location (`[root].paths./a/{b}.get.responses.200...`) names; keys may
    hold dots, and where a `$ref` was followed the location goes on with the target's `components...`."""
    tokens = location.split(".")[1:]
    node: Any = root
    i = 0
    while i < len(tokens):
        if isinstance(node, list) and tokens[i].isdigit() and int(tokens[i]) < len(node):
            node, i = node[int(tokens[i])], i + 1
            continue
        if not isinstance(node, Mapping):
            return None
        for j in range(len(tokens), i, -1):
            key = ".".join(tokens[i:j])
            if key in node:
                node, i = node[key], j
                break
        else:
            if tokens[i] not in ("components", "definitions") or node is root:
                return None
            node = root  # the comparator names a referenced schema from the root
    return node


def _comparator_defect(root: Mapping[str, Any], result: Mapping[str, Any]) -> str | None:
    message = str(result.get("message", ""))
    spec = result.get("specDetails", {})
    location = str(spec.get("location", ""))
    if message.endswith("must be object,null") and spec.get("value") == ["object", "null"]:
        parent = spec_node(root, location.rsplit(".", 1)[0])
        if isinstance(parent, Mapping) and parent.get("nullable") is True and "type" not in parent:
            return "nullable-without-type"
    return None


PHASES = """
import json, sys, time
def now(): return (time.perf_counter(), time.process_time())
marks = [("start", now())]
from contracts.openapi.checker import OpenAPIChecker
from contracts.openapi.document import load_openapi
from contracts.openapi.pacts import load_pact_file
from contracts.openapi.run import run_checker
from verifier.report.render import render
marks.append(("import", now()))
document = load_openapi(sys.argv[1])
marks.append(("load spec", now()))
checker = OpenAPIChecker(document)
checker.engine.index
marks.append(("index operations", now()))
pact = load_pact_file(sys.argv[2])
marks.append(("load pact", now()))
report = run_checker(checker, [(sys.argv[2], pact)], name_files=True)
marks.append(("check (compile + validate)", now()))
render(report, "json")
marks.append(("render", now()))
print(json.dumps({b[0]: [round(b[1][0] - a[1][0], 3), round(b[1][1] - a[1][1], 3)] for a, b in zip(marks, marks[1:])}))
"""


def phases(tree: Path, pact_path: Path, runs: int, env: dict[str, str]) -> dict[str, Any]:
    """In-process seconds (wall, CPU) per phase of Tether's check, median of `runs` processes."""
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PHASES, str(SPEC), str(pact_path)],
            env={**env, "PYTHONPATH": str(tree)},
            cwd=tree,  # `-c` puts the working directory first on sys.path
            capture_output=True,
            text=True,
            check=True,
        )
        samples.append(json.loads(out.stdout))
    return {
        name: {
            "wall_s": round(statistics.median(s[name][0] for s in samples), 3),
            "cpu_s": round(statistics.median(s[name][1] for s in samples), 3),
        }
        for name in samples[0]
    }


def _resolve(document: OpenAPIDocument, node: Any) -> Any:
    return document.resolve(node).contents if isinstance(node, Mapping) else node


def _json_media(content: Any) -> tuple[str, Mapping[str, Any]] | None:
    if not isinstance(content, Mapping):
        return None
    for media, entry in content.items():
        if "json" in str(media) and isinstance(entry, Mapping):
            return str(media), entry
    return None


def _example(document: OpenAPIDocument, entry: Mapping[str, Any], rng: random.Random) -> Any:
    """One of the media type's documented examples (`example`, or a random one of `examples`)."""
    if entry.get("example") is not None:
        return entry["example"]
    examples = entry.get("examples")
    if isinstance(examples, Mapping) and examples:
        names = sorted(examples)
        chosen = _resolve(document, examples[rng.choice(names)])
        if isinstance(chosen, Mapping) and chosen.get("value") is not None:
            return copy.deepcopy(chosen["value"])
    return None


class PactBuilder:
    def __init__(self, document: OpenAPIDocument, seed: int) -> None:
        self.document = document
        self.index = OperationIndex(document)
        self.synth = Synthesizer(document)
        self.rng = random.Random(seed)

    def parameter_value(self, name: str, node: Mapping[str, Any], schema: Any) -> str:
        resolved = _resolve(self.document, schema)
        rng = self.rng
        if isinstance(resolved, Mapping) and "enum" not in resolved and "example" not in node:
            kind = resolved.get("type")
            low, high = resolved.get("minimum"), resolved.get("maximum")
            if kind == "integer":
                low = low if isinstance(low, int) else 1
                high = high if isinstance(high, int) else (100 if "page" in name else 10**7)
                return str(rng.randint(low, max(low, high)))
            if kind == "string" and not any(k in resolved for k in ("format", "pattern")):
                return (
                    f"{rng.choice(WORDS)}{rng.randint(1, 999)}" if rng.random() < 0.5 else rng.choice(WORDS)
                )
        return self.synth.parameter_value(node, schema)

    def interaction(self, number: int, operation: Operation) -> dict[str, Any]:
        rng = self.rng
        path = operation.path
        query: list[str] = []
        headers: dict[str, str] = {"Accept": "application/vnd.github+json"}
        for parameter in operation.parameters:
            if parameter.location == "path":
                value = self.parameter_value(parameter.name, parameter.node, parameter.schema)
                path = path.replace("{" + parameter.name + "}", quote(value, safe=""))
            elif parameter.location == "query" and (parameter.required or rng.random() < 0.4):
                value = self.parameter_value(parameter.name, parameter.node, parameter.schema)
                query.append(f"{parameter.name}={quote(value, safe=',')}")
            elif parameter.location == "header" and parameter.required:
                headers[parameter.name] = self.parameter_value(
                    parameter.name, parameter.node, parameter.schema
                )
        request: dict[str, Any] = {"method": operation.method.upper(), "path": path}
        if query:
            request["query"] = "&".join(query)
        body = operation.request_body.contents if operation.request_body else None
        found = _json_media(body.get("content")) if isinstance(body, Mapping) else None
        if found is not None:
            media, entry = found
            value = _example(self.document, entry, rng)
            request["body"] = value if value is not None else self.synth.value(entry.get("schema"))
            headers["Content-Type"] = media
        request["headers"] = headers
        response: dict[str, Any] = {"status": 200}
        for status, raw in operation.responses.items():
            if not str(status).startswith("2"):
                continue
            response["status"] = int(str(status)[:3]) if str(status)[:3].isdigit() else 200
            resolved = _resolve(self.document, raw)
            found = _json_media(resolved.get("content")) if isinstance(resolved, Mapping) else None
            if found is not None:
                media, entry = found
                value = _example(self.document, entry, rng)
                if value is None:
                    value = self.synth.value(entry.get("schema"))
                if value is not None:
                    response["body"] = value
                    response["headers"] = {"Content-Type": media}
            break
        if number % 40 == 39:  # a few wrong interactions, each differently
            flaw = (number // 40) % 3
            if flaw == 0:
                request["path"] = path + "/no-such-thing"
            elif flaw == 1:
                response["status"] = 299
            elif isinstance(response.get("body"), dict) and response["body"]:
                key = sorted(response["body"])[0]
                response["body"][key] = [] if not isinstance(response["body"][key], list) else "wrong"
            else:
                response["status"] = 299
        return {
            "description": f"{number}: {operation.method.upper()} {operation.path}",
            "providerState": f"state {number % 11}",
            "request": request,
            "response": response,
        }

    def pact(self, count: int) -> dict[str, Any]:
        keys = self.index.operation_keys
        chosen = sorted(self.rng.sample(range(len(keys)), min(count, len(keys))))
        interactions = [self.interaction(n, self.index.operation(*keys[i])) for n, i in enumerate(chosen)]
        return {
            "consumer": {"name": "github-client"},
            "provider": {"name": "api.github.com"},
            "interactions": interactions,
            "metadata": {"pactSpecification": {"version": "2.0.0"}},
        }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run(args: list[str], cwd: Path | None = None) -> dict[str, Any]:
    """Run a process to completion: wall time, CPU time (user + system, children included: node's
    threads count), max RSS (MiB) and its output."""
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    env.pop("QUIRKS", None)
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        return {
            "wall_s": round(wall, 3),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
            "max_rss_mib": round(usage.ru_maxrss / 1024, 1),
            "exit_code": os.waitstatus_to_exitcode(status),
            "stdout": out.read().decode("utf-8", "replace"),
        }


def tether_command(tree: Path, pact_path: Path) -> list[str]:
    """`tether verify openapi` run from `tree`'s sources (PYTHONPATH, and run in `tree`: `-m` puts the
    working directory first on sys.path), with this interpreter."""
    return [
        "env",
        f"PYTHONPATH={tree}",
        sys.executable,
        "-m",
        "tether",
        "verify",
        "openapi",
        str(SPEC),
        str(pact_path),
        "--format",
        "json",
    ]


def agreement(
    root: Mapping[str, Any],
    pact: Mapping[str, Any],
    tether_report: Mapping[str, Any],
    comparator_results: list[dict[str, Any]],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(unexplained disagreements, disagreements explained by known comparator defects), by interaction.
    An interaction's error codes disagree when the two sets differ; the difference is explained when
    Tether reports no code the comparator does not, and every finding behind each code only the
    comparator reports is one of `KNOWN_COMPARATOR_DEFECTS`."""
    tether_codes = interaction_codes(tether_report["errors"])
    comparator_codes = interaction_codes(comparator_results)
    unexplained: dict[str, Any] = {}
    known: dict[str, Any] = {}
    for k in sorted(set(tether_codes) | set(comparator_codes), key=int):
        ours, theirs = set(tether_codes.get(k, [])), set(comparator_codes.get(k, []))
        if ours == theirs:
            continue
        entry = {
            "description": pact["interactions"][int(k)]["description"],
            "tether": sorted(ours),
            "comparator": sorted(theirs),
        }
        behind = [
            _comparator_defect(root, r)
            for r in comparator_results
            if r.get("type") == "error"
            and r["code"] in theirs - ours
            and f"[root].interactions[{k}]" in str(r["mockDetails"]["location"])
        ]
        if ours <= theirs and behind and all(behind):
            known[k] = {**entry, "comparator_defects": sorted({str(d) for d in behind})}
        else:
            unexplained[k] = entry
    return unexplained, known


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--interactions", type=int, default=320)
    parser.add_argument("--phase-runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the pact (and the outputs) into this directory")
    parser.add_argument("--baseline", type=Path, help="another checkout of Tether to time alongside")
    options = parser.parse_args()
    opc = BIN / "opc"
    if not opc.exists() or not SPEC.exists():
        print(f"{MODULES} lacks opc or @octokit/openapi: run `make npm-tools`", file=sys.stderr)
        return 2
    document = load_openapi(SPEC)
    pact = PactBuilder(document, SEED).pact(options.interactions)
    operations = len(OperationIndex(document).operation_keys)
    with tempfile.TemporaryDirectory() as tmp:
        where = options.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        pact_path = where / "github-pact.json"
        pact_path.write_text(json.dumps(pact, indent=1))
        # the runs write bytecode (outside the trees) as an installed package has it
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        print(
            f"spec: {SPEC.name} ({SPEC.stat().st_size / 1e6:.1f} MB, {operations} operations); "
            f"pact: {len(pact['interactions'])} interactions"
        )
        commands = {"tether": tether_command(ROOT, pact_path)}
        if options.baseline:
            commands["tether-baseline"] = tether_command(options.baseline.resolve(), pact_path)
        commands["openapi-pact-comparator"] = [str(opc), "--oas", str(SPEC), str(pact_path)]
        cwds = {"tether": ROOT, "tether-baseline": options.baseline.resolve() if options.baseline else None}
        for name, command in commands.items():
            run(command, cwds.get(name))  # warm-up: page cache, bytecode cache
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in commands}
        loads = [load_average()]
        for round_number in range(options.rounds):
            order = list(commands) if round_number % 2 == 0 else list(reversed(commands))
            for name in order:
                runs[name].append(run(commands[name], cwds.get(name)))
            loads.append(load_average())
            print(
                f"round {round_number + 1}: "
                + "  ".join(
                    f"{name} {runs[name][-1]['wall_s']:.3f} s ({runs[name][-1]['cpu_s']:.2f} CPU)"
                    for name in commands
                )
                + f"  load {loads[-1]}"
            )
        breakdown = {"tether": phases(ROOT, pact_path, options.phase_runs, dict(os.environ))}
        if options.baseline:
            breakdown["tether-baseline"] = phases(
                options.baseline.resolve(), pact_path, options.phase_runs, dict(os.environ)
            )
        if options.keep:
            for name in commands:
                (where / f"{name}.out.json").write_text(runs[name][-1]["stdout"])
    figures: dict[str, Any] = {}
    for name in commands:
        walls = [r["wall_s"] for r in runs[name]]
        cpus = [r["cpu_s"] for r in runs[name]]
        figures[name] = {
            "wall_s_median": round(statistics.median(walls), 3),
            "wall_s_runs": walls,
            "cpu_s_median": round(statistics.median(cpus), 3),
            "cpu_s_runs": cpus,
            "max_rss_mib": max(r["max_rss_mib"] for r in runs[name]),
            "exit_code": runs[name][-1]["exit_code"],
        }
        print(
            f"{name:26} median {figures[name]['wall_s_median']:7.3f} s wall "
            f"{figures[name]['cpu_s_median']:7.3f} s CPU  "
            f"{figures[name]['max_rss_mib']:7.1f} MiB  exit {figures[name]['exit_code']}"
        )
    for name, parts in breakdown.items():
        print(
            f"{name} phases (wall/cpu s): "
            + ", ".join(f"{k} {v['wall_s']}/{v['cpu_s']}" for k, v in parts.items())
        )
    tether_report = json.loads(runs["tether"][-1]["stdout"])
    comparator_results = json.loads(runs["openapi-pact-comparator"][-1]["stdout"].splitlines()[0])
    disagreements, known = agreement(document.root, pact, tether_report, comparator_results)
    same_findings = None
    if options.baseline:
        same_findings = runs["tether"][-1]["stdout"] == runs["tether-baseline"][-1]["stdout"]
        print(f"findings JSON byte-identical to the baseline's: {same_findings}")
    verdicts = {
        "tether": tether_report["success"],
        "openapi-pact-comparator": not any(r["type"] == "error" for r in comparator_results),
    }
    for k, d in known.items():
        print(
            f"known comparator defect, interaction {k} ({d['description']}): comparator also "
            f"{sorted(set(d['comparator']) - set(d['tether']))} from {', '.join(d['comparator_defects'])}"
        )
    for k, d in disagreements.items():
        print(
            f"DISAGREE interaction {k} ({d['description']}): tether {d['tether']} comparator {d['comparator']}"
        )
    speedup = figures["openapi-pact-comparator"]["wall_s_median"] / figures["tether"]["wall_s_median"]
    cpu_speedup = figures["openapi-pact-comparator"]["cpu_s_median"] / figures["tether"]["cpu_s_median"]
    result: dict[str, Any] = {
        "benchmark": "openapi_check_github",
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "load_average_1_5_15": {"before": loads[0], "after": loads[-1], "per_round": loads[1:]},
        "workload": {
            "spec": "@octokit/openapi generated/api.github.com.json",
            "spec_mb": round(SPEC.stat().st_size / 1e6, 1),
            "operations": operations,
            "interactions": len(pact["interactions"]),
            "seed": SEED,
            "interactions_with_errors": {
                "tether": len(interaction_codes(tether_report["errors"])),
                "openapi-pact-comparator": len(interaction_codes(comparator_results)),
            },
        },
        "rounds": options.rounds,
        "warm_up_runs_not_counted": 1,
        "figures": figures,
        "tether_phases_in_process": breakdown,
        "speedup_vs_comparator": round(speedup, 2),
        "cpu_speedup_vs_comparator": round(cpu_speedup, 2),
        "target_speedup": 3.0,
        "verdicts": verdicts,
        "verdicts_agree": len(set(verdicts.values())) == 1,
        "per_interaction_error_codes_agree_with_comparator": not disagreements,
        "disagreements": disagreements,
        "known_comparator_defects": KNOWN_COMPARATOR_DEFECTS,
        "interactions_with_known_comparator_defects": known,
        "command": "python benchmarks/bench_openapi_check_github.py",
    }
    if options.baseline:
        result["baseline"] = {
            "speedup_vs_baseline": round(
                figures["tether-baseline"]["wall_s_median"] / figures["tether"]["wall_s_median"], 2
            ),
            "baseline_speedup_vs_comparator": round(
                figures["openapi-pact-comparator"]["wall_s_median"]
                / figures["tether-baseline"]["wall_s_median"],
                2,
            ),
            "cpu_speedup_vs_baseline": round(
                figures["tether-baseline"]["cpu_s_median"] / figures["tether"]["cpu_s_median"], 2
            ),
            "findings_byte_identical": same_findings,
        }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"speed-up vs comparator: {speedup:.2f}x wall, {cpu_speedup:.2f}x CPU (target 3x); verdicts: {verdicts}; "
        f"per-interaction codes agree: {not disagreements} ({len(disagreements)} unexplained disagreements, "
        f"{len(known)} interactions with known comparator defects)"
    )
    print(f"written to {RESULTS.relative_to(ROOT)}")
    ok = not disagreements and result["verdicts_agree"] and same_findings is not False
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
