"""Building blocks of the check: media types, routing, query strings, matching rules, the plugin."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest

from contracts.model import HttpInteraction, HttpRequest, HttpResponse
from contracts.openapi.checker import CheckOptions, OpenAPIChecker
from contracts.openapi.document import parse_openapi
from contracts.openapi.matchers import parse_rule_path
from contracts.openapi.media import accept_ranges, find_matching_type
from contracts.openapi.pacts import parse_pact
from contracts.openapi.querystrings import parse_query, parse_value
from contracts.openapi.router import Router
from verifier.openapi import checker_plugin


@pytest.mark.parametrize(
    ("requested", "available", "expected"),
    [
        (["application/json"], ["application/json"], "application/json"),
        (["application/json;charset=utf-8"], ["application/json"], "application/json"),
        (["application/vnd.x+json"], ["application/json"], "application/json"),
        (["text/plain"], ["text/*"], "text/*"),
        (["text/plain"], ["*/*"], "*/*"),
        (["*/*"], ["application/xml"], "application/xml"),
        (["application/xml"], ["application/json"], None),
    ],
)
def test_media_type_matching(requested: list[str], available: list[str], expected: str | None) -> None:
    assert find_matching_type(requested, available) == expected


def test_accept_ranges_are_ordered_by_quality_and_drop_q0() -> None:
    assert accept_ranges("text/html;q=0.5, application/json, application/xml;q=0") == [
        "application/json",
        "text/html",
    ]


def test_router_prefers_static_segments_and_keeps_identical_templates() -> None:
    router = Router()
    router.add("/pets/{id}", 0)
    router.add("/pets/mine", 1)
    router.add("/pets/{name}", 2)
    router.add("/files/{path*}", 3)
    router.freeze()
    assert [m.template.path for m in router.matches("/pets/mine")] == [
        "/pets/mine",
        "/pets/{id}",
        "/pets/{name}",
    ]
    assert [m.params for m in router.matches("/pets/7")] == [{"id": "7"}, {"name": "7"}]
    assert [m.params for m in router.matches("/files/a/b%20c")] == [{"path": "a/b c"}]
    assert list(router.matches("/pets/7/toys")) == []


def test_query_parsing_follows_qs() -> None:
    assert parse_query("a=1&a=2&b=x,y&c[d]=3&e.f=4&g[]=5&h=a+b") == {
        "a": ["1", "2"],
        "b": ["x", "y"],
        "c": {"d": "3"},
        "e": {"f": "4"},
        "g": ["5"],
        "h": "a b",
    }
    assert parse_query("b=x,y", comma=False, allow_dots=False) == {"b": "x,y"}
    assert parse_value("a=1,b=2") == {"a": "1", "b": "2"}
    assert parse_value("1,2") == ["1", "2"]


def test_rule_paths() -> None:
    assert parse_rule_path("$.items[*].id") == ("items", "*", "id")
    assert parse_rule_path("$['a-b'][0]") == ("a-b", 0)
    assert parse_rule_path("items") is None


def _spec(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": schema}}}
                    }
                }
            }
        },
    }


def test_matcher_bounds_conflict_is_explained() -> None:
    checker = OpenAPIChecker(
        parse_openapi(_spec({"type": "array", "minItems": 2, "items": {"type": "integer"}}))
    )
    pact = parse_pact(
        {
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
            "consumer": {"name": "c"},
            "provider": {"name": "p"},
            "interactions": [
                {
                    "description": "d",
                    "request": {"method": "GET", "path": "/x"},
                    "response": {
                        "status": 200,
                        "body": [1],
                        "matchingRules": {"body": {"$": {"matchers": [{"match": "type", "max": 1}]}}},
                    },
                }
            ],
        }
    )
    findings = checker.check_pact(pact)
    assert [(f.code, f.message.split(": ", 1)[1], f.spec.pointer) for f in findings] == [
        (
            "response.body.incompatible",
            "the pact's matcher allows at most 1 items, fewer than the spec's minItems 2",
            "#/paths/~1x/get/responses/200/content/application~1json/schema/minItems",
        )
    ]


def test_every_problem_of_an_interaction_is_reported() -> None:
    checker = OpenAPIChecker(
        parse_openapi(
            _spec({"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}})
        )
    )
    pact = parse_pact(
        {
            "consumer": {"name": "c"},
            "provider": {"name": "p"},
            "interactions": [
                {
                    "description": "d",
                    "request": {"method": "GET", "path": "/x", "query": "z=1"},
                    "response": {"status": 200, "body": {"a": "1", "b": 2, "c": 3}},
                }
            ],
        }
    )
    found = sorted((f.code, f.mock.location) for f in checker.check_pact(pact))
    assert found == [
        ("request.query.unknown", "[root].interactions[0].request.query.z"),
        ("response.body.incompatible", "[root].interactions[0].response.body.a"),
        ("response.body.incompatible", "[root].interactions[0].response.body.b"),
        ("response.body.incompatible", "[root].interactions[0].response.body.c"),
    ]


def test_checker_plugin_signature_and_shape() -> None:
    assert list(inspect.signature(checker_plugin.check).parameters) == ["spec", "pact"]
    result = checker_plugin.check(
        _spec({"type": "object"}),
        {
            "consumer": {"name": "c"},
            "provider": {"name": "p"},
            "interactions": [
                {"description": "d", "request": {"method": "GET", "path": "/y"}, "response": {"status": 200}}
            ],
        },
    )
    assert result["success"] is False
    assert result["warnings"] == []
    (error,) = result["errors"]
    assert error["code"] == "request.path-or-method.unknown"
    assert error["mockDetails"] == {
        "interactionDescription": "d",
        "interactionState": "[none]",
        "location": "[root].interactions[0].request.path",
        "value": "/y",
    }
    assert set(error["specDetails"]) >= {"location", "pathMethod", "pathName", "value"}


def test_undecidable_regex_comparisons_are_warnings() -> None:
    schema = {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}}
    checker = OpenAPIChecker(parse_openapi(_spec(schema)))
    rules = {"body": {"$.at": {"matchers": [{"match": "regex", "regex": r"\d{4}-.*"}]}}}
    pact = parse_pact(
        {
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
            "consumer": {"name": "c"},
            "provider": {"name": "p"},
            "interactions": [
                {
                    "description": "d",
                    "request": {"method": "GET", "path": "/x"},
                    "response": {
                        "status": 200,
                        "body": {"at": "2024-01-01T00:00:00Z"},
                        "matchingRules": rules,
                    },
                }
            ],
        }
    )
    (finding,) = checker.check_pact(pact)
    assert finding.code == "response.body.matcher-unchecked"
    assert finding.severity.value == "warning"
    assert finding.mock.location == "[root].interactions[0].response.body.at"
    assert "could not be compared with the spec's format 'date-time'" in finding.message
    assert (
        finding.spec.pointer
        == "#/paths/~1x/get/responses/200/content/application~1json/schema/properties/at/format"
    )


def test_regex_matchers_on_query_and_headers_are_compared_with_the_parameter_schema() -> None:
    spec = {
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "parameters": [
                        {
                            "name": "sort",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["asc", "desc"]},
                        },
                        {"name": "X-Id", "in": "header", "schema": {"type": "string", "pattern": "^[0-9]+$"}},
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    rules = {
        "query": {"sort": {"matchers": [{"match": "regex", "regex": "asc|desc|random"}]}},
        "header": {"x-id": {"matchers": [{"match": "regex", "regex": "[0-9a-z]{2}"}]}},
    }
    pact = parse_pact(
        {
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
            "consumer": {"name": "c"},
            "provider": {"name": "p"},
            "interactions": [
                {
                    "description": "d",
                    "request": {
                        "method": "GET",
                        "path": "/x",
                        "query": {"sort": ["asc"]},
                        "headers": {"X-Id": "12"},
                        "matchingRules": rules,
                    },
                    "response": {"status": 200},
                }
            ],
        }
    )
    findings = OpenAPIChecker(parse_openapi(spec)).check_pact(pact)
    assert sorted((f.code, f.mock.location, f.spec.pointer) for f in findings) == [
        (
            "request.header.incompatible",
            "[root].interactions[0].request.headers.X-Id",
            "#/paths/~1x/get/parameters/1/schema/pattern",
        ),
        (
            "request.query.incompatible",
            "[root].interactions[0].request.query.sort",
            "#/paths/~1x/get/parameters/0/schema/enum",
        ),
    ]
    assert all("the pact's regex matcher" in f.message for f in findings)


def test_checker_plugin_reuses_checkers_by_spec_content() -> None:
    spec = _spec({"type": "object", "properties": {"a": {"type": "integer"}}})
    pact = {
        "consumer": {"name": "c"},
        "provider": {"name": "p"},
        "interactions": [
            {
                "description": "d",
                "request": {"method": "GET", "path": "/x"},
                "response": {"status": 200, "body": {"a": "x"}},
            }
        ],
    }
    first = checker_plugin.check(spec, pact)
    assert checker_plugin._checker(json.loads(json.dumps(spec))) is checker_plugin._checker(spec)
    spec["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "type": "object"
    }
    second = checker_plugin.check(spec, pact)  # changed content: a new checker, not the cached one
    assert [e["code"] for e in first["errors"]] == ["response.body.incompatible"]
    assert second["errors"][0]["message"].endswith("must NOT have additional properties - a")


def test_unknown_paths_come_with_a_hint() -> None:
    spec = _spec({"type": "object"})
    spec["paths"]["/pets/{id}"] = {"get": {"responses": {"200": {"description": "ok"}}}}
    interactions = [
        {"description": d, "request": {"method": m, "path": p}, "response": {"status": 200}}
        for d, m, p in [
            ("a", "DELETE", "/x"),
            ("b", "GET", "/pet/1"),
            ("c", "GET", "/x?y=1"),
            ("d", "GET", "/zzzzzz"),
        ]
    ]
    pact = {"consumer": {"name": "c"}, "provider": {"name": "p"}, "interactions": interactions}
    messages = [e["message"] for e in checker_plugin.check(spec, pact)["errors"]]
    assert messages == [
        "Path or method not defined in spec file: DELETE /x (the spec defines this path for GET)",
        "Path or method not defined in spec file: GET /pet/1 (closest paths in the spec: /pets/{id})",
        "Path or method not defined in spec file: GET /x?y=1 (the query string belongs in the pact's query, not in its path)",
        "Path or method not defined in spec file: GET /zzzzzz",
    ]


PARTIAL_SPEC = {
    "openapi": "3.0.0",
    "info": {"title": "t", "version": "1"},
    "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}},
    "security": [{"key": []}],
    "paths": {
        "/items": {
            "post": {
                "parameters": [
                    {"name": "X-Trace", "in": "header", "required": True, "schema": {"type": "string"}},
                    {"name": "dry", "in": "query", "required": True, "schema": {"type": "boolean"}},
                    {
                        "name": "flag",
                        "in": "query",
                        "schema": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": {"201": {"description": "created"}},
            }
        }
    },
}


def _interaction(query: dict[str, list[str]]) -> HttpInteraction:
    """Built in code from the pact model: the checker takes `contracts.model` objects as they are."""
    return HttpInteraction(
        description="create",
        request=HttpRequest(method="POST", path="/items", query=query),
        response=HttpResponse(status=201),
    )


def test_what_a_complete_request_lacks_is_missing_but_a_partial_one_only_unknown() -> None:
    complete = OpenAPIChecker(parse_openapi(PARTIAL_SPEC)).check_interaction(_interaction({"flag": ["true"]}))
    assert sorted((f.code, f.mock.location) for f in complete) == [
        ("request.authorization.missing", "[root].interactions[0].request.headers"),
        ("request.body.incompatible", "[root].interactions[0].request.body"),
        ("request.header.incompatible", "[root].interactions[0].request.headers.X-Trace"),
        ("request.query.incompatible", "[root].interactions[0].request.query.dry"),
    ]
    partial = OpenAPIChecker(parse_openapi(PARTIAL_SPEC), CheckOptions(partial_request=True))
    assert partial.check_interaction(_interaction({"flag": ["true"]})) == []
    (wrong,) = partial.check_interaction(_interaction({"dry": ["maybe"]}), 3, "mocks.py:12")
    assert (wrong.code, wrong.mock.location, wrong.mock.value, wrong.mock.mock_file) == (
        "request.query.incompatible",
        "[root].interactions[3].request.query.dry",
        "maybe",
        "mocks.py:12",
    )


def test_text_parameters_are_coerced_inside_any_of_branches() -> None:
    """FastAPI's `Optional[bool]` query parameter is `anyOf: [boolean, null]`: `true` is a boolean."""
    checker = OpenAPIChecker(parse_openapi(PARTIAL_SPEC), CheckOptions(partial_request=True))
    assert checker.check_interaction(_interaction({"flag": ["false"]})) == []
    (finding,) = checker.check_interaction(_interaction({"flag": ["yes"]}))
    assert finding.code == "request.query.incompatible"
    assert finding.message.endswith("must match a schema in anyOf")
