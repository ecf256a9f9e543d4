"""The pact version sha ignores layout and metadata, and changes with anything verification sees."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest

from contracts.errors import PactFormatError
from contracts.hashing import canonical_pact_content, interaction_id, pact_version_sha, with_interaction_ids
from contracts.pactfile import parse_pact

PACT: dict[str, Any] = {
    "consumer": {"name": "Web"},
    "provider": {"name": "Orders"},
    "interactions": [
        {
            "description": "get order 1",
            "providerStates": [{"name": "order 1", "params": {"id": 1}}],
            "request": {"method": "GET", "path": "/orders/1", "headers": {"Accept": "application/json"}},
            "response": {"status": 200, "body": {"id": 1, "total": 12.5, "lines": [{"sku": "é-1"}]}},
        },
        {
            "description": "list orders",
            "request": {"method": "GET", "path": "/orders", "query": {"page": ["1"]}},
            "response": {"status": 200, "body": [{"id": 1}]},
        },
    ],
    "metadata": {"pactSpecification": {"version": "3.0.0"}, "pact-js": {"version": "12.1.0"}},
}
SHA = pact_version_sha(PACT)


def _reorder(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reorder(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reorder(item) for item in value]
    return value


def test_sha_is_sha1_hex() -> None:
    assert len(SHA) == 40
    assert hashlib.sha1(canonical_pact_content(PACT).encode()).hexdigest() == SHA


def test_key_order_whitespace_and_interaction_order_do_not_matter() -> None:
    reordered = _reorder(PACT)
    reordered["interactions"].reverse()
    assert json.dumps(reordered) != json.dumps(PACT)
    assert pact_version_sha(reordered) == SHA
    assert pact_version_sha(json.dumps(PACT, indent=4)) == SHA
    assert pact_version_sha(json.dumps(PACT, separators=(",", ":")).encode()) == SHA
    assert pact_version_sha(parse_pact(PACT)) == SHA


def test_metadata_other_than_the_spec_version_and_broker_additions_do_not_matter() -> None:
    changed = copy.deepcopy(PACT)
    changed["metadata"]["pact-js"] = {"version": "13.0.0"}
    changed["createdAt"] = "2024-01-01T00:00:00Z"
    changed["_links"] = {"self": {"href": "http://broker/pacts/1"}}
    changed["consumer"]["name"] = "Web"
    for interaction in changed["interactions"]:
        interaction["_id"] = interaction_id(interaction)
    assert pact_version_sha(changed) == SHA
    spelled_differently = copy.deepcopy(PACT)
    spelled_differently["metadata"] = {"pactSpecification": {"version": "3.0"}}
    assert pact_version_sha(spelled_differently) == SHA


def _changed(edit: Any) -> dict[str, Any]:
    document = copy.deepcopy(PACT)
    edit(document)
    return document


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["interactions"][0]["response"]["body"].update(total=12.6),
        lambda d: d["interactions"][0]["response"]["body"].update(total=12),
        lambda d: d["interactions"][0]["request"].update(path="/orders/2"),
        lambda d: d["interactions"][0]["request"]["headers"].update(Accept="text/html"),
        lambda d: d["interactions"][0]["providerStates"][0]["params"].update(id=2),
        lambda d: d["interactions"][1].update(description="list all orders"),
        lambda d: d["interactions"].pop(),
        lambda d: d["interactions"].append(copy.deepcopy(d["interactions"][0])),
        lambda d: d["metadata"].update(pactSpecification={"version": "2.0.0"}),
        lambda d: d["interactions"][0]["response"]["body"]["lines"][0].update(sku="e-1"),
    ],
    ids=[
        "body value",
        "float vs int",
        "path",
        "header",
        "provider state params",
        "description",
        "one interaction fewer",
        "duplicated interaction",
        "spec version",
        "non-ascii text",
    ],
)
def test_content_changes_change_the_sha(edit: Any) -> None:
    assert pact_version_sha(_changed(edit)) != SHA


def test_messages_are_covered() -> None:
    document = {
        "consumer": {"name": "a"},
        "provider": {"name": "b"},
        "messages": [{"description": "m", "contents": {"a": 1}}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    changed = copy.deepcopy(document)
    changed["messages"][0]["contents"] = {"a": 2}
    assert pact_version_sha(document) != pact_version_sha(changed)


def test_interaction_id_ignores_key_order_and_existing_id() -> None:
    interaction = PACT["interactions"][0]
    assert interaction_id(interaction) == interaction_id(_reorder(interaction))
    assert interaction_id({**interaction, "_id": "x"}) == interaction_id(interaction)
    assert interaction_id(interaction) != interaction_id(PACT["interactions"][1])


def test_bad_input() -> None:
    with pytest.raises(PactFormatError, match="not valid JSON"):
        pact_version_sha("{")
    with pytest.raises(PactFormatError, match="JSON object"):
        pact_version_sha("[]")


def test_with_interaction_ids_puts_ids_first_and_keeps_the_sha() -> None:
    stored = with_interaction_ids(PACT)
    assert [next(iter(i)) for i in stored["interactions"]] == ["_id", "_id"]
    assert [i["_id"] for i in stored["interactions"]] == [interaction_id(i) for i in PACT["interactions"]]
    assert pact_version_sha(stored) == SHA
    assert with_interaction_ids(stored) == stored
    assert "_id" not in PACT["interactions"][0]
