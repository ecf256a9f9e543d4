"""The contract-checker plugin the broker loads (entry-point group `tether.contract_checkers`, name `openapi`).

`check(spec, pact)` takes a parsed OpenAPI document and a parsed pact and returns the PactFlow JSON shape
`{"success": bool, "errors": [...], "warnings": [...]}`. A spec or pact that cannot be used raises
`contracts.errors.ContractError` (spec) or `verifier.errors.VerifierError` (pact), with a message saying
where the problem is.
"""

from __future__ import annotations

from typing import Any

from verifier.openapi.run import check_documents


def check(spec: dict[str, Any], pact: dict[str, Any]) -> dict[str, Any]:
    return check_documents(spec, [pact]).to_json()
