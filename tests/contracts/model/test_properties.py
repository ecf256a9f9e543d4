"""Property: parse → serialise → parse is the identity, and serialise(parse(doc)) gives doc back, for
generated pact documents of every spec version."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.hashing import pact_version_sha
from contracts.pactfile import loads_pact, parse_pact
from contracts.pactwriter import dump_pact, dumps_pact

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12).filter(
    lambda s: s.strip() != ""
)
header_names = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,12}", fullmatch=True)
header_values = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
rules = st.dictionaries(
    st.from_regex(r"\$\.[a-z]{1,6}(\[\*\])?", fullmatch=True),
    st.fixed_dictionaries(
        {"matchers": st.just([{"match": "type"}]), "combine": st.sampled_from(["AND", "OR"])}
    ),
    max_size=3,
)
states = st.lists(
    st.builds(
        lambda name, params: {"name": name, **({"params": params} if params is not None else {})},
        names,
        st.none() | st.dictionaries(st.text(max_size=5), json_values, max_size=3),
    ),
    max_size=2,
)


@st.composite
def v3_body(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """(headers, part with body) for V2/V3 files."""
    kind = draw(st.sampled_from(["json", "text", "xml", "binary", "none"]))
    if kind == "json":
        return {"Content-Type": "application/json"}, {"body": draw(json_values)}
    if kind == "text":
        return {"Content-Type": "text/plain"}, {"body": draw(st.text(max_size=30))}
    if kind == "xml":
        return {"Content-Type": "application/xml"}, {"body": f"<a>{draw(st.integers())}</a>"}
    if kind == "binary":
        return {"Content-Type": "image/png"}, {
            "body": base64.b64encode(draw(st.binary(max_size=20))).decode()
        }
    return {}, {}


@st.composite
def v4_body(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["json", "text", "binary", "bare"]))
    if kind == "json":
        return {"content": draw(json_values), "contentType": "application/json", "encoded": False}
    if kind == "text":
        wrapper = {"content": draw(st.text(max_size=30)), "contentType": "text/plain"}
        if draw(st.booleans()):
            wrapper["encoded"] = False
        if draw(st.booleans()):
            wrapper["contentTypeHint"] = "TEXT"
        return wrapper
    if kind == "binary":
        content = base64.b64encode(draw(st.binary(max_size=20))).decode()
        return {"content": content, "contentType": "application/octet-stream", "encoded": "base64"}
    return draw(json_values)


def _query(draw: st.DrawFn, version: str) -> dict[str, Any]:
    if not draw(st.booleans()):
        return {}
    if version in {"1", "1.1", "2"}:
        return {
            "query": draw(
                st.from_regex(r"([a-z]{1,4}=[a-z0-9%+]{0,4})(&[a-z]{1,4}=[a-z0-9]{0,4}){0,3}", fullmatch=True)
            )
        }
    return {
        "query": draw(
            st.dictionaries(
                st.text(min_size=1, max_size=5), st.lists(st.text(max_size=5), max_size=3), max_size=3
            )
        )
    }


@st.composite
def http_interaction(draw: st.DrawFn, version: str) -> dict[str, Any]:
    request: dict[str, Any] = {
        "method": draw(st.sampled_from(["GET", "POST", "put", "DELETE"])),
        "path": "/" + draw(st.text(max_size=10)),
    }
    request.update(_query(draw, version))
    response: dict[str, Any] = {"status": draw(st.integers(100, 599))}
    for part in (request, response):
        if version == "4":
            if draw(st.booleans()):
                part["headers"] = draw(
                    st.dictionaries(header_names, st.lists(header_values, min_size=1, max_size=2), max_size=3)
                )
            if draw(st.booleans()):
                part["body"] = draw(v4_body())
        else:
            headers, body = draw(v3_body())
            extra_headers = draw(st.dictionaries(header_names, header_values, max_size=2))
            if headers or extra_headers:
                part["headers"] = {**extra_headers, **headers}
            part.update(body)
        if version != "1" and draw(st.booleans()):
            part["matchingRules"] = (
                {"body": draw(rules)} if version != "2" else {"$.body.a": {"match": "type"}}
            )
    interaction: dict[str, Any] = {"description": draw(names), "request": request, "response": response}
    provider_states = draw(states)
    if version in {"3", "4"}:
        if provider_states or draw(st.booleans()):
            interaction["providerStates"] = provider_states
    elif provider_states:
        interaction["providerState"] = provider_states[0]["name"]
    if version == "4":
        interaction = {"type": "Synchronous/HTTP", **interaction}
        if draw(st.booleans()):
            interaction["key"] = draw(st.text(max_size=8))
        if draw(st.booleans()):
            interaction["pending"] = draw(st.booleans())
        if draw(st.booleans()):
            interaction["comments"] = {"text": draw(st.lists(st.text(max_size=10), max_size=2))}
    return interaction


@st.composite
def message(draw: st.DrawFn, version: str) -> dict[str, Any]:
    result: dict[str, Any] = {"description": draw(names)}
    metadata = draw(st.dictionaries(st.text(min_size=1, max_size=6), json_values, max_size=3))
    if version == "4":
        result = {"type": "Asynchronous/Messages", **result, "contents": draw(v4_body())}
    else:
        result["contents"] = draw(json_values)
    if metadata or draw(st.booleans()):
        result["metaData" if version == "3" and draw(st.booleans()) else "metadata"] = metadata
    if draw(st.booleans()):
        result["matchingRules"] = {("content" if version == "4" else "body"): draw(rules)}
    return result


@st.composite
def sync_message(draw: st.DrawFn) -> dict[str, Any]:
    def part() -> dict[str, Any]:
        return {
            "contents": draw(v4_body()),
            "metadata": draw(st.dictionaries(st.text(max_size=5), json_values, max_size=2)),
        }

    return {
        "type": "Synchronous/Messages",
        "description": draw(names),
        "request": part(),
        "response": [part() for _ in range(draw(st.integers(0, 2)))],
    }


VERSION_STRINGS = {"1": "1.0.0", "1.1": "1.1.0", "2": "2.0.0", "3": "3.0.0", "4": "4.0"}


@st.composite
def pact_document(draw: st.DrawFn) -> dict[str, Any]:
    version = draw(st.sampled_from(list(VERSION_STRINGS)))
    document: dict[str, Any] = {"consumer": {"name": draw(names)}, "provider": {"name": draw(names)}}
    interactions = draw(st.lists(http_interaction(version), max_size=3))
    if version == "4":
        interactions += draw(st.lists(message("4"), max_size=2)) + draw(st.lists(sync_message(), max_size=2))
        document["interactions"] = draw(st.permutations(interactions))
    else:
        document["interactions"] = interactions
        if version == "3" and draw(st.booleans()):
            document["messages"] = draw(st.lists(message("3"), max_size=3))
    document["metadata"] = {
        "pactSpecification": {"version": VERSION_STRINGS[version]},
        "pactRust": {"ffi": draw(st.text(max_size=5))},
    }
    return document


@settings(max_examples=200, deadline=None)
@given(pact_document())
def test_parse_dump_parse_is_the_identity(document: dict[str, Any]) -> None:
    pact = parse_pact(document)
    assert dump_pact(pact) == document
    again = parse_pact(dump_pact(pact))
    assert again == pact
    assert loads_pact(dumps_pact(pact)) == pact
    assert pact_version_sha(again) == pact_version_sha(document)
    assert pact_version_sha(json.dumps(document, indent=1, sort_keys=True)) == pact_version_sha(document)
