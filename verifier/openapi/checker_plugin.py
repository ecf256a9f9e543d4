"""The contract-checker plugin the broker loads (entry-point group `tether.contract_checkers`, name `openapi`).

`check(spec, pact)` takes a parsed OpenAPI document and a parsed pact and returns the PactFlow JSON shape
`{"success": bool, "errors": [...], "warnings": [...]}`. A spec or pact that cannot be used raises
`contracts.errors.ContractError` (spec) or `verifier.errors.VerifierError` (pact), with a message saying
where the problem is.

The broker checks every consumer pact against the same few provider specs, so checkers (with their
compiled validators) are kept for the most recently used specs, keyed by the spec's content.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from typing import Any

from contracts.openapi.checker import OpenAPIChecker
from contracts.openapi.document import parse_openapi
from contracts.openapi.pacts import parse_pact
from contracts.openapi.run import run_checker

CACHE_SIZE = 8
_CHECKERS: OrderedDict[str, OpenAPIChecker] = OrderedDict()


def _checker(spec: dict[str, Any]) -> OpenAPIChecker:
    canonical = json.dumps(spec, sort_keys=True, default=str)
    key = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    checker = _CHECKERS.get(key)
    if checker is None:
        # a private copy: the caller may change its dict later; JSON also turns YAML's integer keys into text
        checker = OpenAPIChecker(parse_openapi(json.loads(canonical)))
        _CHECKERS[key] = checker
        while len(_CHECKERS) > CACHE_SIZE:
            _CHECKERS.popitem(last=False)
    else:
        _CHECKERS.move_to_end(key)
    return checker


def check(spec: dict[str, Any], pact: dict[str, Any]) -> dict[str, Any]:
    return run_checker(_checker(spec), [("pact", parse_pact(pact, "pact"))], name_files=False).to_json()
