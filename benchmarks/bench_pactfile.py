"""Pact file throughput: parsing, writing and hashing a 1,000-interaction pact (V3 and V4).

    .venv/bin/python benchmarks/bench_pactfile.py [--interactions 1000] [--rounds 7]

Each interaction is a realistic HTTP interaction: a provider state with parameters, a request with
query, headers and a JSON body, and a response with a 12-field JSON body, 5 matching rules and
2 generators. Figures are CPU seconds of this process, best of `--rounds`, for:

* `loads`: `contracts.pactfile.loads_pact` on the JSON text (JSON decoding included);
* `parse`: `parse_pact` on the already decoded document;
* `dump`: `dump_pact` back to a JSON-ready dict;
* `sha`: `contracts.hashing.pact_version_sha` of the decoded document.

Printed, and written to benchmarks/results/pactfile.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contracts.hashing import pact_version_sha  # noqa: E402
from contracts.pactfile import loads_pact, parse_pact  # noqa: E402
from contracts.pactwriter import dump_pact  # noqa: E402


def _interaction(index: int, version: str) -> dict[str, Any]:
    body = {
        "id": index,
        "number": f"ORD-{index:06d}",
        "status": "SHIPPED",
        "total": 99.5 + index,
        "currency": "EUR",
        "createdAt": "2024-05-01T10:12:13",
        "customer": {"id": 7, "name": "Ann", "email": "ann@example.com"},
        "lines": [{"sku": "A-1", "qty": 2, "price": 9.99}],
    }
    rules = {
        "$.id": {"combine": "AND", "matchers": [{"match": "integer"}]},
        "$.number": {"combine": "AND", "matchers": [{"match": "regex", "regex": "ORD-\\d{6}"}]},
        "$.total": {"combine": "AND", "matchers": [{"match": "decimal"}]},
        "$.createdAt": {
            "combine": "AND",
            "matchers": [{"match": "datetime", "format": "yyyy-MM-dd'T'HH:mm:ss"}],
        },
        "$.lines": {"combine": "AND", "matchers": [{"match": "type", "min": 1}]},
    }
    generators = {"$.id": {"type": "RandomInt", "min": 1, "max": 99999}, "$.createdAt": {"type": "DateTime"}}
    request_body: Any = {"sku": "A-1", "qty": 2}
    response_body: Any = body
    if version == "4":
        request_body = {"content": request_body, "contentType": "application/json", "encoded": False}
        response_body = {"content": body, "contentType": "application/json", "encoded": False}
    interaction: dict[str, Any] = {
        "description": f"interaction {index}",
        "providerStates": [{"name": "an order", "params": {"id": index}}],
        "request": {
            "method": "POST",
            "path": f"/orders/{index}",
            "query": {"expand": ["lines"], "page": ["1"]},
            "headers": {"Content-Type": "application/json", "Accept": "application/json"},
            "body": request_body,
        },
        "response": {
            "status": 200,
            "headers": {"Content-Type": "application/json"},
            "body": response_body,
            "matchingRules": {"body": rules},
            "generators": {"body": generators},
        },
    }
    if version == "4":
        interaction = {"type": "Synchronous/HTTP", "key": f"k{index}", "pending": False, **interaction}
    return interaction


def build_pact(count: int, version: str) -> dict[str, Any]:
    return {
        "consumer": {"name": "Web"},
        "provider": {"name": "Orders"},
        "interactions": [_interaction(i, version) for i in range(count)],
        "metadata": {"pactSpecification": {"version": "4.0" if version == "4" else "3.0.0"}},
    }


def best_of(rounds: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        action()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--interactions", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    results: dict[str, Any] = {
        "interactions": args.interactions,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    for version in ("3", "4"):
        document = build_pact(args.interactions, version)
        text = json.dumps(document)
        pact = parse_pact(document)
        assert dump_pact(pact) == document
        figures = {
            "bytes": len(text.encode()),
            "loads_s": best_of(args.rounds, lambda text=text: loads_pact(text)),
            "parse_s": best_of(args.rounds, lambda document=document: parse_pact(document)),
            "dump_s": best_of(args.rounds, lambda pact=pact: dump_pact(pact)),
            "sha_s": best_of(args.rounds, lambda document=document: pact_version_sha(document)),
        }
        results[f"v{version}"] = figures
        print(
            f"V{version} pact, {args.interactions} interactions, {figures['bytes'] / 1e6:.1f} MB: "
            f"loads {figures['loads_s'] * 1000:.1f} ms, parse {figures['parse_s'] * 1000:.1f} ms, "
            f"dump {figures['dump_s'] * 1000:.1f} ms, sha {figures['sha_s'] * 1000:.1f} ms"
        )
    out = ROOT / "benchmarks" / "results" / "pactfile.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
