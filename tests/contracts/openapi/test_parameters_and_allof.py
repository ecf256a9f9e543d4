"""Parameters whose schemas are `anyOf`/`oneOf` with null (FastAPI's `Optional[X]`), 3.1 type lists and
`$ref` siblings; label and matrix path styles; `allOf` branches that declare the same property."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.openapi.run import check_documents


def _spec(version: str, paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": paths}
    if schemas:
        spec["components"] = {"schemas": schemas}
    return spec


def _get(parameters: list[dict[str, Any]], response: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"get": {"parameters": parameters, "responses": {"200": response or {"description": "ok"}}}}


def _pact(
    path: str, query: str | None = None, request_headers: dict[str, str] | None = None, **response: Any
) -> Any:
    request: dict[str, Any] = {"method": "GET", "path": path}
    if query is not None:
        request["query"] = query
    if request_headers:
        request["headers"] = request_headers
    return {
        "consumer": {"name": "c"},
        "provider": {"name": "p"},
        "interactions": [{"description": "d", "request": request, "response": {"status": 200, **response}}],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def _findings(spec: dict[str, Any], pact: Any) -> list[tuple[str, str]]:
    return [(f.code, f.to_json()["message"]) for f in check_documents(spec, [pact]).findings]


def _query_param(schema: dict[str, Any], name: str = "active") -> list[dict[str, Any]]:
    return [{"name": name, "in": "query", "required": False, "schema": schema}]


OPTIONAL_BOOL_30 = {"anyOf": [{"type": "boolean"}, {"type": "null"}]}  # what FastAPI writes (as 3.1)
OPTIONAL_BOOL_31 = {"type": ["boolean", "null"]}


@pytest.mark.parametrize(
    ("version", "schema"),
    [("3.0.3", OPTIONAL_BOOL_30), ("3.1.0", OPTIONAL_BOOL_30), ("3.1.0", OPTIONAL_BOOL_31)],
    ids=["3.0-anyOf", "3.1-anyOf", "3.1-type-list"],
)
def test_optional_boolean_query_is_coerced(version: str, schema: dict[str, Any]) -> None:
    spec = _spec(version, {"/items": _get(_query_param(schema))})
    assert _findings(spec, _pact("/items", "active=true")) == []
    assert _findings(spec, _pact("/items", "active=false")) == []
    codes = [code for code, _ in _findings(spec, _pact("/items", "active=maybe"))]
    assert codes
    assert set(codes) == {"request.query.incompatible"}


def test_optional_integer_and_number_inside_any_of() -> None:
    spec = _spec(
        "3.1.0",
        {
            "/items": _get(
                _query_param({"anyOf": [{"type": "integer", "maximum": 100}, {"type": "null"}]}, "limit")
                + _query_param({"oneOf": [{"type": "number"}, {"type": "string", "format": "date"}]}, "since")
            )
        },
    )
    assert _findings(spec, _pact("/items", "limit=10&since=1.5")) == []
    assert _findings(spec, _pact("/items", "since=2024-01-31")) == []
    messages = _findings(spec, _pact("/items", "limit=500"))
    assert [code for code, _ in messages] == ["request.query.incompatible"]
    assert messages[0][1].endswith("must match a schema in anyOf")
    assert [code for code, _ in _findings(spec, _pact("/items", "since=soon"))] == [
        "request.query.incompatible"
    ]


def test_optional_string_keeps_its_commas() -> None:
    spec = _spec(
        "3.1.0", {"/items": _get(_query_param({"anyOf": [{"type": "string"}, {"type": "null"}]}, "q"))}
    )
    assert _findings(spec, _pact("/items", "q=a,b")) == []


def test_optional_list_of_integers() -> None:
    schema = {"anyOf": [{"type": "array", "items": {"type": "integer"}}, {"type": "null"}]}
    spec = _spec("3.1.0", {"/items": _get(_query_param(schema, "ids"))})
    assert _findings(spec, _pact("/items", "ids=1&ids=2")) == []
    assert _findings(spec, _pact("/items", "ids=1,2")) == []
    assert [c for c, _ in _findings(spec, _pact("/items", "ids=1&ids=x"))] == ["request.query.incompatible"]


def test_optional_integer_header_and_path() -> None:
    optional_int = {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    spec = _spec(
        "3.1.0",
        {
            "/items/{id}": _get(
                [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"oneOf": [{"type": "integer"}]},
                    },
                    {"name": "X-Page", "in": "header", "schema": optional_int},
                ]
            )
        },
    )
    assert _findings(spec, _pact("/items/5", request_headers={"X-Page": "2"})) == []
    assert [c for c, _ in _findings(spec, _pact("/items/5", request_headers={"X-Page": "two"}))] == [
        "request.header.incompatible"
    ]
    assert [c for c, _ in _findings(spec, _pact("/items/five"))] == ["request.path-or-method.unknown"]


def test_ref_with_sibling_keywords_in_31() -> None:
    """3.1 allows keywords beside `$ref`: both the target and the siblings apply, and the value is coerced."""
    spec = _spec(
        "3.1.0",
        {
            "/items": _get(
                _query_param(
                    {"$ref": "#/components/schemas/Limit", "type": "integer", "maximum": 50}, "limit"
                )
            )
        },
        {"Limit": {"minimum": 1}},
    )
    assert _findings(spec, _pact("/items", "limit=10")) == []
    assert _findings(spec, _pact("/items", "limit=0")) == [
        (
            "request.query.incompatible",
            "Value is incompatible with the parameter defined in the spec file: must be >= 1",
        )
    ]
    assert _findings(spec, _pact("/items", "limit=60")) == [
        (
            "request.query.incompatible",
            "Value is incompatible with the parameter defined in the spec file: must be <= 50",
        )
    ]


def _path_param(style: str, explode: bool, schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"name": "id", "in": "path", "required": True, "style": style, "explode": explode, "schema": schema}
    ]


INTS = {"type": "array", "items": {"type": "integer"}, "minItems": 1}
POINT = {"type": "object", "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}}}


@pytest.mark.parametrize(
    ("template", "style", "explode", "schema", "good", "bad"),
    [
        ("/l/{.id}", "label", False, {"type": "integer"}, "/l/.5", "/l/.x"),
        ("/l/{.id}", "label", False, INTS, "/l/.1,2,3", "/l/.1,x"),
        ("/l/{.id*}", "label", True, INTS, "/l/.1.2.3", "/l/.1.x"),
        ("/l/{.id}", "label", False, POINT, "/l/.x,1,y,2", "/l/.x,1,y,z"),
        ("/l/{.id*}", "label", True, POINT, "/l/.x=1.y=2", "/l/.x=1.y=z"),
        ("/m/{;id}", "matrix", False, {"type": "integer"}, "/m/;id=5", "/m/;id=x"),
        ("/m/{;id}", "matrix", False, INTS, "/m/;id=1,2,3", "/m/;id=1,x"),
        ("/m/{;id*}", "matrix", True, INTS, "/m/;id=1;id=2", "/m/;id=1;id=x"),
        ("/m/{;id*}", "matrix", True, INTS, "/m/;1;2", "/m/;1;x"),  # unnamed, as the comparator's fixtures
        ("/m/{;id}", "matrix", False, POINT, "/m/;id=x,1,y,2", "/m/;id=x,1,y,z"),
        ("/m/{;id*}", "matrix", True, POINT, "/m/;x=1;y=2", "/m/;x=1;y=z"),
        # OpenAPI's own spelling: a plain `{id}` in the template, the prefix is part of the value
        ("/l/{id}", "label", True, INTS, "/l/.1.2.3", "/l/.1.x"),
        ("/m/{id}", "matrix", False, {"type": "integer"}, "/m/;id=5", "/m/;id=x"),
        ("/m/{id}", "matrix", True, INTS, "/m/;id=1;id=2", "/m/;id=1;id=x"),
    ],
)
def test_label_and_matrix_path_styles(
    template: str, style: str, explode: bool, schema: dict[str, Any], good: str, bad: str
) -> None:
    spec = _spec("3.0.3", {template: _get(_path_param(style, explode, schema))})
    assert _findings(spec, _pact(good)) == []
    assert [code for code, _ in _findings(spec, _pact(bad))] == ["request.path-or-method.unknown"]


def test_label_path_needs_its_prefix() -> None:
    spec = _spec("3.0.3", {"/l/{.id*}": _get(_path_param("label", True, INTS))})
    assert [code for code, _ in _findings(spec, _pact("/l/1.2"))] == ["request.path-or-method.unknown"]


def test_all_of_branches_declaring_one_property_both_apply() -> None:
    """Not first-wins: `data` gets `items` from one branch and `cursor` from the other, in responses too."""
    schemas = {
        "Page": {
            "type": "object",
            "properties": {"data": {"type": "object", "properties": {"cursor": {"type": "string"}}}},
        },
        "Cities": {
            "allOf": [
                {"$ref": "#/components/schemas/Page"},
                {
                    "properties": {
                        "data": {"properties": {"items": {"type": "array", "items": {"type": "string"}}}}
                    }
                },
            ]
        },
    }
    response = {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Cities"}}},
    }
    spec = _spec("3.0.3", {"/cities": _get([], response)}, schemas)

    def pact(body: Any) -> Any:
        return _pact("/cities", headers={"Content-Type": "application/json"}, body=body)

    assert _findings(spec, pact({"data": {"cursor": "c1", "items": ["Paris"]}})) == []
    bad_item = _findings(spec, pact({"data": {"cursor": "c1", "items": [1]}}))
    assert [c for c, _ in bad_item] == ["response.body.incompatible"]
    assert bad_item[0][1].endswith("must be string")
    bad_cursor = _findings(spec, pact({"data": {"cursor": 5, "items": []}}))
    assert [c for c, _ in bad_cursor] == ["response.body.incompatible"]
    unknown = _findings(spec, pact({"data": {"cursor": "c", "items": [], "extra": 1}}))
    assert [m for _, m in unknown] == [
        "Response body is incompatible with the response body schema in the spec file: "
        "must NOT have additional properties - extra"
    ]


def test_finding_in_a_merged_all_of_names_a_place_in_the_spec() -> None:
    """A failure inside the object merged from `allOf` branches points at that `allOf` (a spec location,
    not a document URI glued to a pointer)."""
    schema = {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"properties": {"b": {"type": "integer"}}},
        ]
    }
    response = {"description": "ok", "content": {"application/json": {"schema": schema}}}
    spec = _spec("3.0.3", {"/a": _get([], response)})
    pact = _pact("/a", headers={"Content-Type": "application/json"}, body={"a": "x", "c": 1})
    [finding] = check_documents(spec, [pact]).findings
    details = finding.to_json()["specDetails"]
    assert (
        details["location"] == "[root].paths./a.get.responses.200.content.application/json.schema.allOf.type"
    )


def test_one_of_integer_or_string_accepts_either() -> None:
    """GitHub's `workflow_id`: a value exactly one branch accepts as sent is valid, even though coercion
    would let both branches accept `1`; a value only one branch accepts after coercion is valid too."""
    spec = _spec(
        "3.0.3",
        {
            "/w/{id}": _get(
                [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
                    }
                ]
            ),
            "/q": _get(_query_param({"oneOf": [{"type": "integer"}, {"type": "boolean"}]}, "id")),
        },
    )
    assert _findings(spec, _pact("/w/161335")) == []
    assert _findings(spec, _pact("/w/main.yaml")) == []
    assert _findings(spec, _pact("/q", "id=1")) == []
    assert _findings(spec, _pact("/q", "id=true")) == []
    assert _findings(spec, _pact("/q", "id=x")) == [
        (
            "request.query.incompatible",
            "Value is incompatible with the parameter defined in the spec file: must match exactly one schema in oneOf",
        )
    ]


def test_parameter_schemas_behind_a_ref_keep_their_type() -> None:
    """A `$ref`'d string parameter with a comma stays a string; one value of a `$ref`'d array is an array."""
    spec = _spec(
        "3.0.3",
        {
            "/u/{name}": _get(
                [
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"$ref": "#/components/schemas/Name"},
                    },
                    {"name": "q", "in": "query", "schema": {"$ref": "#/components/schemas/Name"}},
                    {"name": "ids", "in": "query", "schema": {"$ref": "#/components/schemas/Ids"}},
                    {"name": "X-N", "in": "header", "schema": {"$ref": "#/components/schemas/Name"}},
                ]
            )
        },
        {"Name": {"type": "string"}, "Ids": {"type": "array", "items": {"type": "integer"}}},
    )
    assert _findings(spec, _pact("/u/a,b", "q=x,y&ids=1", request_headers={"X-N": "a,b"})) == []
    assert [c for c, _ in _findings(spec, _pact("/u/a", "ids=1,x"))] == ["request.query.incompatible"]
