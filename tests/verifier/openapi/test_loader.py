"""contracts.openapi: reading Swagger 2.0 / OpenAPI 3.0 / 3.1 documents, JSON or YAML, and resolving $refs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts.errors import ContractError
from contracts.openapi.document import OpenAPIError, load_openapi, parse_openapi, pointer_to_location

SPLIT = Path(__file__).parent / "cases" / "files" / "split" / "openapi.yaml"


@pytest.mark.parametrize(
    ("document", "version"),
    [({"swagger": "2.0", "paths": {}}, "2.0"), ({"openapi": "3.0.3"}, "3.0"), ({"openapi": "3.1.0"}, "3.1")],
)
def test_versions_are_detected(document: dict[str, object], version: str) -> None:
    assert parse_openapi(document).version == version


def test_yaml_and_json_give_the_same_document(tmp_path: Path) -> None:
    doc = {
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"responses": {}}}},
    }
    (tmp_path / "a.json").write_text(json.dumps(doc))
    (tmp_path / "a.yaml").write_text(
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {}\n"
    )
    assert load_openapi(tmp_path / "a.json").root == load_openapi(tmp_path / "a.yaml").root == doc


def test_refs_into_sibling_files_resolve_and_are_read_once() -> None:
    document = load_openapi(SPLIT)
    parameter = document.root["paths"]["/pets/{id}"]["parameters"][0]
    resolved = document.resolve(parameter)
    assert resolved.contents["name"] == "id"
    assert resolved.uri.endswith("/split/components.yaml")
    assert resolved.pointer == "#/parameters/PetId"
    owner = document.lookup("#/schemas/Owner", resolved.uri)
    assert owner.contents["properties"]["email"]["format"] == "email"
    assert list(document._files) == [resolved.uri]  # one sibling file, parsed once


def test_errors_name_the_file_and_location(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "openapi: 3.0.0\npaths:\n  /a:\n    get: {responses: {200: {$ref: '#/components/responses/Gone'}}}\n"
    )
    document = load_openapi(spec)
    with pytest.raises(OpenAPIError) as caught:
        document.resolve(
            document.root["paths"]["/a"]["get"]["responses"][200], pointer="#/paths/~1a/get/responses/200"
        )
    assert isinstance(caught.value, ContractError)
    assert str(caught.value).startswith(
        f"{spec}: [root].paths./a.get.responses.200: $ref '#/components/responses/Gone'"
    )
    spec.write_text("openapi: 3.0.0\npaths: 3\n")
    with pytest.raises(OpenAPIError, match=r"\[root\]\.paths: 'paths' must be a mapping"):
        load_openapi(spec)
    with pytest.raises(OpenAPIError, match="is a directory"):
        load_openapi(tmp_path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "[root]: the file is empty; an OpenAPI document is a JSON or YAML mapping"),
        ("[1, 2]\n", "[root]: an OpenAPI document must be a mapping (JSON object), found an array"),
        (
            "just text\n",
            "[root]: an OpenAPI document must be a mapping (JSON object), found the string 'just text'",
        ),
    ],
)
def test_documents_that_are_not_mappings_are_named_in_json_terms(
    tmp_path: Path, text: str, problem: str
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    with pytest.raises(OpenAPIError) as caught:
        load_openapi(spec)
    assert str(caught.value) == f"{spec}: {problem}"


def test_circular_ref_chains_are_reported() -> None:
    document = parse_openapi(
        {
            "openapi": "3.0.0",
            "components": {
                "schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}
            },
        }
    )
    with pytest.raises(OpenAPIError, match="circular"):
        document.resolve({"$ref": "#/components/schemas/A"})


def test_pointer_to_location_unescapes() -> None:
    assert (
        pointer_to_location("#/paths/~1pets~1{id}/get/responses/200")
        == "[root].paths./pets/{id}.get.responses.200"
    )


def test_yaml_dates_stay_strings(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "openapi: 3.0.0\ninfo: {title: t, version: 2024-01-01}\npaths: {}\nx-days: [2024-01-01, 2024-01-02T10:00:00Z]\n"
    )
    document = load_openapi(spec)
    assert document.root["info"]["version"] == "2024-01-01"
    assert document.root["x-days"] == ["2024-01-01", "2024-01-02T10:00:00Z"]
