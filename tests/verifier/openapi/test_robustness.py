"""Malformed specs and pacts end in findings or in a ContractError/VerifierError (exit 2 with a message),
never in another exception: every corpus case, with one node of its spec or pact replaced by junk."""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

import pytest

from contracts.errors import ContractError
from contracts.openapi.run import check_documents
from tests.verifier.openapi.corpus import load_cases
from verifier.errors import VerifierError

JUNK: list[Any] = [None, 1, "x", [], {}, True, {"$ref": "#/nope"}, [1], {"type": 5}, {"$ref": 3}]
MUTATIONS_PER_DOCUMENT = 6
CASES = [c for c in load_cases() if "spec" in c.data]


def _nodes(value: Any) -> Iterator[tuple[Any, Any]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield value, key
            yield from _nodes(child)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield value, index
            yield from _nodes(child)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_junk_anywhere_is_a_clear_error_or_a_finding(case: Any) -> None:
    rng = random.Random(case.name)
    for target in ("spec", "pact"):
        for _ in range(MUTATIONS_PER_DOCUMENT):
            document = copy.deepcopy(case.data[target])
            parent, key = rng.choice(list(_nodes(document)))
            parent[key] = copy.deepcopy(rng.choice(JUNK))
            spec = document if target == "spec" else copy.deepcopy(case.data["spec"])
            pact = document if target == "pact" else copy.deepcopy(case.data["pact"])
            message = ""
            try:
                outcome = check_documents(spec, [pact]).to_json()["success"]
            except (ContractError, VerifierError) as exc:
                outcome, message = None, str(exc)
            assert outcome in (True, False) or message  # a verdict, or a message naming what is wrong
