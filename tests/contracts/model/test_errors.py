"""Malformed pacts raise PactFormatError naming the JSON location and the fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from contracts.errors import ContractError, PactFormatError
from contracts.pactfile import load_pact, loads_pact, parse_pact


def _http(**request: Any) -> dict[str, Any]:
    return {
        "description": "d",
        "request": {"method": "GET", "path": "/", **request},
        "response": {"status": 200},
    }


def _doc(version: str = "3.0.0", interactions: Any = None, **top: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "consumer": {"name": "Web"},
        "provider": {"name": "Orders"},
        "interactions": [_http()] if interactions is None else interactions,
        "metadata": {"pactSpecification": {"version": version}},
    }
    document.update(top)
    return document


CASES: list[tuple[str, Any, str, str]] = [
    ("not an object", [1, 2], "$", "must be a JSON object"),
    ("no consumer", {"provider": {"name": "p"}, "interactions": []}, "$.consumer", '"consumer": {"name"'),
    ("consumer is a string", _doc(consumer="Web"), "$.consumer", "must be an object like"),
    ("empty consumer name", _doc(consumer={"name": " "}), "$.consumer.name", "non-empty string"),
    ("provider name missing", _doc(provider={}), "$.provider.name", "provider name must be"),
    (
        "unknown spec version",
        _doc("5.0.0"),
        "$.metadata.pactSpecification.version",
        "found the string '5.0.0', use one of '1.0.0', '1.1.0', '2.0.0', '3.0.0', '4.0'",
    ),
    (
        "spec version not a string",
        _doc(metadata={"pactSpecification": {"version": None}}),
        "$.metadata",
        "unknown",
    ),
    ("interactions not an array", _doc(interactions={"a": 1}), "$.interactions", "must be an array"),
    ("no interactions at all", {"consumer": {"name": "a"}, "provider": {"name": "b"}}, "$", "interactions"),
    ("interaction not an object", _doc(interactions=["x"]), "$.interactions[0]", "must be a JSON object"),
    (
        "missing description",
        _doc(interactions=[{"request": {"method": "GET"}, "response": {}}]),
        "$.interactions[0].description",
        '"description" string',
    ),
    (
        "interaction without request",
        _doc(interactions=[{"description": "d", "response": {}}]),
        "$.interactions[0].request",
        'needs a "request"',
    ),
    (
        "interaction without response",
        _doc(interactions=[{"description": "d", "request": {"method": "GET"}}]),
        "$.interactions[0].response",
        'needs a "response"',
    ),
    ("method not a string", _doc(interactions=[_http(method=3)]), "$.interactions[0].request.method", "GET"),
    ("path not a string", _doc(interactions=[_http(path=["/"])]), "$.interactions[0].request.path", "string"),
    (
        "query of the wrong type",
        _doc(interactions=[_http(query=5)]),
        "$.interactions[0].request.query",
        "object of arrays",
    ),
    (
        "query value not strings",
        _doc(interactions=[_http(query={"a": [1]})]),
        "$.interactions[0].request.query.a",
        "array of strings",
    ),
    (
        "header value a number",
        _doc(interactions=[_http(headers={"X-Count": 1})]),
        "$.interactions[0].request.headers.X-Count",
        "string or an array of strings",
    ),
    (
        "status as a string",
        _doc(
            interactions=[{"description": "d", "request": {"method": "GET"}, "response": {"status": "200"}}]
        ),
        "$.interactions[0].response.status",
        "without quotes",
    ),
    (
        "status out of range",
        _doc(interactions=[{"description": "d", "request": {"method": "GET"}, "response": {"status": 42}}]),
        "$.interactions[0].response.status",
        "100-999",
    ),
    (
        "matching rules not an object",
        _doc(interactions=[_http(matchingRules=[1])]),
        "$.interactions[0].request.matchingRules",
        "must be a JSON object",
    ),
    (
        "provider states not an array",
        _doc(interactions=[{**_http(), "providerStates": "x"}]),
        "$.interactions[0].providerStates",
        "must be an array",
    ),
    (
        "provider state without a name",
        _doc(interactions=[{**_http(), "providerStates": [{"params": {}}]}]),
        "$.interactions[0].providerStates[0].name",
        "name string",
    ),
    (
        "unknown V4 interaction type",
        _doc("4.0", [{"type": "Async/Message", "description": "d"}]),
        "$.interactions[0].type",
        "'Asynchronous/Messages'",
    ),
    (
        "V4 pending not a boolean",
        _doc("4.0", [{**_http(), "type": "Synchronous/HTTP", "pending": "no"}]),
        "$.interactions[0].pending",
        "true or false",
    ),
    (
        "V4 bad base64",
        _doc(
            "4.0",
            [
                {
                    "type": "Synchronous/HTTP",
                    "description": "d",
                    "request": {"method": "GET", "path": "/"},
                    "response": {"body": {"content": "%%%", "contentType": "image/png", "encoded": "base64"}},
                }
            ],
        ),
        "$.interactions[0].response.body.content",
        "not valid base64",
    ),
    (
        "V4 sync message without request",
        _doc("4.0", [{"type": "Synchronous/Messages", "description": "d", "response": []}]),
        "$.interactions[0].request",
        "synchronous message needs",
    ),
    ("messages not an array", _doc(messages={}), "$.messages", "array of messages"),
]


@pytest.mark.parametrize(("name", "document", "location", "hint"), CASES, ids=[c[0] for c in CASES])
def test_malformed_pacts_name_location_and_fix(name: str, document: Any, location: str, hint: str) -> None:
    with pytest.raises(PactFormatError) as caught:
        parse_pact(document)
    assert caught.value.location.startswith(location)
    assert hint in str(caught.value)
    assert str(caught.value).startswith(f"{caught.value.location}: ")
    assert isinstance(caught.value, ContractError)


def test_invalid_json_names_line_and_column() -> None:
    with pytest.raises(PactFormatError, match=r"pact\.json: \$: not valid JSON .* line 2, column 1"):
        loads_pact('{"consumer":\n}', source="pact.json")


def test_load_pact_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"consumer": {"name": "a"}, "provider": {"name": "b"}, "interactions": [{}]}')
    with pytest.raises(PactFormatError) as caught:
        load_pact(path)
    assert str(caught.value) == (
        f'{path}: $.interactions[0].description: every interaction needs a "description" string, found null'
    )
    assert caught.value.source == str(path)
    with pytest.raises(PactFormatError, match="cannot read the file"):
        load_pact(tmp_path / "missing.json")
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(PactFormatError, match="not UTF-8"):
        load_pact(tmp_path / "binary.json")
