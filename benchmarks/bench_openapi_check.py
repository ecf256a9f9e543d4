"""Static pact-vs-OpenAPI check: Tether vs PactFlow's openapi-pact-comparator and swagger-mock-validator.

    .venv/bin/python benchmarks/bench_openapi_check.py [--runs 3] [--smv-timeout 300] [--skip-smv]

Generates (deterministically, into a temporary directory) an OpenAPI 3.0 spec with 650 operations whose
schemas go through deep `$ref` chains (resource -> allOf base -> audit -> contact -> address -> geo ->
coordinates, items -> money) and a 300-interaction V2 pact against it, 12 of whose interactions are
wrong in different ways (a deep wrong type, an undeclared property, a bad query value, an unknown path,
an unknown status, a missing API key). Then it times, as whole processes (start-up included):

* `tether verify openapi SPEC PACT --format json`
* `opc --oas SPEC PACT` (@pactflow/openapi-pact-comparator 2.3.1)
* `swagger-mock-validator SPEC PACT` (once, capped by --smv-timeout)

Wall time is the median of --runs runs; peak memory is the process's max RSS (os.wait4). Verdict
agreement compares the overall verdicts, and Tether's and the comparator's error codes per interaction.
Figures are printed and written to benchmarks/results/openapi_check.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".cache" / "npm-tools" / "node_modules" / ".bin"
RESULTS = ROOT / "benchmarks" / "results" / "openapi_check.json"
RESOURCES = 130  # x 5 operations = 650
INTERACTIONS = 300
J = "application/json"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def build_spec() -> dict[str, Any]:
    schemas: dict[str, Any] = {
        "Coordinates": {
            "type": "object",
            "properties": {
                "lat": {"type": "number", "minimum": -90, "maximum": 90},
                "lng": {"type": "number"},
            },
        },
        "Geo": {
            "type": "object",
            "properties": {"coordinates": ref("Coordinates"), "accuracy": {"type": "integer"}},
        },
        "Address": {
            "type": "object",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}, "geo": ref("Geo")},
        },
        "Contact": {
            "type": "object",
            "properties": {"email": {"type": "string", "format": "email"}, "address": ref("Address")},
        },
        "Audit": {
            "type": "object",
            "properties": {
                "createdAt": {"type": "string", "format": "date-time"},
                "createdBy": ref("Contact"),
            },
        },
        "Base": {
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"type": "integer"}, "audit": ref("Audit")},
        },
        "Money": {
            "type": "object",
            "properties": {
                "amount": {"type": "number"},
                "currency": {"type": "string", "enum": ["EUR", "USD", "GBP"]},
            },
        },
        "Error": {
            "type": "object",
            "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
        },
    }
    for k in range(10):
        schemas[f"Item{k}"] = {
            "type": "object",
            "properties": {
                "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]+$"},
                "quantity": {"type": "integer", "minimum": 0},
                "price": ref("Money"),
            },
        }
    paths: dict[str, Any] = {}
    for r in range(RESOURCES):
        name = f"Resource{r}"
        schemas[name] = {
            "allOf": [
                ref("Base"),
                {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "status": {"type": "string", "enum": ["active", "archived"]},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "owner": ref("Contact"),
                        "items": {"type": "array", "items": ref(f"Item{r % 10}")},
                    },
                },
            ]
        }
        schemas[f"{name}List"] = {"type": "array", "items": ref(name)}
        error = {"description": "error", "content": {J: {"schema": ref("Error")}}}
        one = {"description": "one", "content": {J: {"schema": ref(name)}}}
        id_param = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
        paths[f"/r{r}/things"] = {
            "get": {
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}},
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["active", "archived"]},
                    },
                ],
                "responses": {"200": {"description": "list", "content": {J: {"schema": ref(f"{name}List")}}}},
            },
            "post": {
                "requestBody": {"required": True, "content": {J: {"schema": ref(name)}}},
                "responses": {"201": one, "400": error},
            },
        }
        paths[f"/r{r}/things/{{id}}"] = {
            "parameters": [id_param],
            "get": {"responses": {"200": one, "404": error}},
            "put": {"requestBody": {"content": {J: {"schema": ref(name)}}}, "responses": {"200": one}},
            "delete": {"responses": {"204": {"description": "gone"}}},
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "benchmark", "version": "1.0.0"},
        "security": [{"key": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}},
        },
    }


def thing(i: int) -> dict[str, Any]:
    return {
        "id": i,
        "audit": {
            "createdAt": "2024-05-01T10:00:00Z",
            "createdBy": {
                "email": f"user{i}@example.com",
                "address": {
                    "street": "Main St",
                    "city": "Berlin",
                    "geo": {"coordinates": {"lat": 52.5, "lng": 13.4}},
                },
            },
        },
        "name": f"thing {i}",
        "status": "active",
        "tags": ["a", "b"],
        "owner": {"email": "owner@example.com"},
        "items": [{"sku": "ABC-1", "quantity": 2, "price": {"amount": 9.5, "currency": "EUR"}}],
    }


def build_pact() -> dict[str, Any]:
    interactions = []
    for i in range(INTERACTIONS):
        r = (i * 7) % RESOURCES
        kind = i % 5
        headers = {"X-Api-Key": "secret", "Accept": J}
        body = thing(i)
        if kind == 0:
            request: dict[str, Any] = {
                "method": "GET",
                "path": f"/r{r}/things",
                "query": "limit=10&status=active",
            }
            response: dict[str, Any] = {
                "status": 200,
                "headers": {"Content-Type": J},
                "body": [body, thing(i + 1)],
            }
        elif kind == 1:
            request = {
                "method": "POST",
                "path": f"/r{r}/things",
                "headers": {"Content-Type": J},
                "body": body,
            }
            response = {"status": 201, "headers": {"Content-Type": J}, "body": body}
        elif kind == 2:
            request = {"method": "GET", "path": f"/r{r}/things/{i}"}
            response = {"status": 200, "headers": {"Content-Type": J}, "body": body}
        elif kind == 3:
            request = {
                "method": "PUT",
                "path": f"/r{r}/things/{i}",
                "headers": {"Content-Type": J},
                "body": body,
            }
            response = {"status": 200, "body": body}
        else:
            request = {"method": "DELETE", "path": f"/r{r}/things/{i}"}
            response = {"status": 204}
        request.setdefault("headers", {}).update(headers)
        if i % 25 == 24:  # 12 broken interactions, each differently
            flaw = (i // 25) % 6
            if flaw == 0 and "body" in response:
                target = response["body"][0] if isinstance(response["body"], list) else response["body"]
                target["audit"]["createdBy"]["address"]["geo"]["coordinates"]["lat"] = "north"
            elif flaw == 1 and "body" in response:
                target = response["body"][0] if isinstance(response["body"], list) else response["body"]
                target["colour"] = "red"
            elif flaw == 2:
                request["path"] = f"/r{r}/widgets"
            elif flaw == 3:
                response["status"] = 418
            elif flaw == 4:
                del request["headers"]["X-Api-Key"]
            else:
                request["path"] = f"/r{r}/things/not-a-number"
        interactions.append(
            {
                "description": f"interaction {i}",
                "providerState": f"state {i % 7}",
                "request": request,
                "response": response,
            }
        )
    return {
        "consumer": {"name": "bench-consumer"},
        "provider": {"name": "bench-provider"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def run(args: list[str], timeout: float) -> dict[str, Any]:
    """Run a process to completion; wall time, max RSS (MiB) and its output."""
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    env.pop("QUIRKS", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        timed_out = False
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                timed_out = True
                break
            time.sleep(0.005)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "wall_s": round(wall, 3),
            "max_rss_mib": round(usage.ru_maxrss / 1024, 1),
            "exit_code": process.returncode,
            "timed_out": timed_out,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


def interaction_codes(results: list[dict[str, Any]]) -> dict[str, list[str]]:
    by: dict[str, set[str]] = {}
    for result in results:
        if result.get("type") != "error":
            continue
        location = str(result["mockDetails"]["location"])
        index = location.split("[root].interactions[", 1)[1].split("]", 1)[0]
        by.setdefault(index, set()).add(result["code"])
    return {k: sorted(v) for k, v in sorted(by.items(), key=lambda kv: int(kv[0]))}


def smv_error_counts(output: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    section = re.search(r"(\d+) error\(s\)\n((?:\t[^\n]+\n)*)", output)
    if section:
        for line in section.group(2).splitlines():
            code, _, count = line.strip().partition(": ")
            counts[code] = int(count)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--smv-timeout", type=float, default=300.0)
    parser.add_argument("--skip-smv", action="store_true")
    options = parser.parse_args()
    tether = shutil.which("tether", path=str(Path(sys.executable).parent)) or "tether"
    opc, smv = BIN / "opc", BIN / "swagger-mock-validator"
    if not opc.exists() or not smv.exists():
        print(f"{BIN} lacks opc or swagger-mock-validator: run `make npm-tools`", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        spec_path, pact_path = Path(tmp) / "spec.json", Path(tmp) / "pact.json"
        spec, pact = build_spec(), build_pact()
        spec_path.write_text(json.dumps(spec))
        pact_path.write_text(json.dumps(pact))
        operations = sum(1 for item in spec["paths"].values() for m in item if m != "parameters")
        print(
            f"spec: {operations} operations, {len(spec['components']['schemas'])} schemas; pact: {INTERACTIONS} interactions"
        )
        commands = {
            "tether": [tether, "verify", "openapi", str(spec_path), str(pact_path), "--format", "json"],
            "openapi-pact-comparator": [str(opc), "--oas", str(spec_path), str(pact_path)],
        }
        figures: dict[str, Any] = {}
        outputs: dict[str, str] = {}
        for name, command in commands.items():
            runs = [run(command, 120) for _ in range(options.runs)]
            outputs[name] = runs[-1]["stdout"]
            figures[name] = {
                "wall_s_median": round(statistics.median(r["wall_s"] for r in runs), 3),
                "wall_s_runs": [r["wall_s"] for r in runs],
                "max_rss_mib": max(r["max_rss_mib"] for r in runs),
                "exit_code": runs[-1]["exit_code"],
            }
            print(
                f"{name:26} {figures[name]['wall_s_median']:8.3f} s  {figures[name]['max_rss_mib']:7.1f} MiB  exit {runs[-1]['exit_code']}"
            )
        tether_report = json.loads(outputs["tether"])
        comparator_results = json.loads(outputs["openapi-pact-comparator"].splitlines()[0])
        tether_codes = interaction_codes(tether_report["errors"])
        comparator_codes = interaction_codes(comparator_results)
        verdicts = {
            "tether": tether_report["success"],
            "openapi-pact-comparator": not any(r["type"] == "error" for r in comparator_results),
        }
        if not options.skip_smv:
            smv_run = run([str(smv), str(spec_path), str(pact_path)], options.smv_timeout)
            figures["swagger-mock-validator"] = {
                "wall_s": smv_run["wall_s"],
                "max_rss_mib": smv_run["max_rss_mib"],
                "exit_code": smv_run["exit_code"],
                "timed_out": smv_run["timed_out"],
                "timeout_s": options.smv_timeout,
            }
            label = "TIMED OUT" if smv_run["timed_out"] else f"exit {smv_run['exit_code']}"
            print(
                f"{'swagger-mock-validator':26} {smv_run['wall_s']:8.3f} s  {smv_run['max_rss_mib']:7.1f} MiB  {label}"
            )
            if not smv_run["timed_out"]:
                verdicts["swagger-mock-validator"] = smv_run["exit_code"] == 0
                figures["swagger-mock-validator"]["error_counts"] = smv_error_counts(
                    smv_run["stdout"] + smv_run["stderr"]
                )
    speedup = figures["openapi-pact-comparator"]["wall_s_median"] / figures["tether"]["wall_s_median"]
    disagreements = {
        k: {"tether": tether_codes.get(k), "comparator": comparator_codes.get(k)}
        for k in sorted(set(tether_codes) | set(comparator_codes), key=int)
        if tether_codes.get(k) != comparator_codes.get(k)
    }
    result = {
        "benchmark": "openapi_check",
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "workload": {
            "operations": operations,
            "interactions": INTERACTIONS,
            "broken_interactions": len(comparator_codes),
        },
        "figures": figures,
        "speedup_vs_comparator": round(speedup, 2),
        "target_speedup": 1.5,
        "verdicts": verdicts,
        "verdicts_agree": len(set(verdicts.values())) == 1,
        "per_interaction_error_codes_agree_with_comparator": not disagreements,
        "disagreements": disagreements,
        "command": "python benchmarks/bench_openapi_check.py",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"speed-up vs comparator: {speedup:.2f}x (target 1.5x); verdicts: {verdicts}; per-interaction codes agree: {not disagreements}"
    )
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
