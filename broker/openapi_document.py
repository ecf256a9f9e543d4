"""The broker's ``/openapi.json``: FastAPI's document, completed with the responses the broker really gives.

FastAPI documents each route's success status and a 422 with its own validation-error body. The broker
answers invalid input with 400 (``app._install_error_handlers``), and every refusal (400, 401, 403, 404,
405, 409, 413, 415, 422) with the body of ``broker.errors.BrokerError.body`` (``{"errors": {...}}``), or
RFC 7807 problem+json when the client asks for it. So every operation documents ``4XX`` with those two
bodies instead of FastAPI's 422. Routes that create or update (``201 if created else 200``) declare both
statuses with ``CREATED_OR_UPDATED``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from broker.hal import HAL_JSON

CREATED_OR_UPDATED: dict[int | str, dict[str, Any]] = {
    200: {"description": "Updated"},
    201: {"description": "Created", "content": {HAL_JSON: {"schema": {}}}},
}

ERRORS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "oneOf": [
                {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                {"type": "array", "items": {"type": "string"}},
            ],
        },
        "notices": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "text"],
                "properties": {"type": {"type": "string"}, "text": {"type": "string"}},
            },
        },
    },
}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["title", "type", "status", "instance", "errors"],
    "properties": {
        "title": {"type": "string"},
        "type": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "title", "detail", "pointer"],
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "detail": {"type": "string"},
                    "pointer": {"type": "string"},
                },
            },
        },
        "notices": ERRORS_SCHEMA["properties"]["notices"],
    },
}

CLIENT_ERROR: dict[str, Any] = {
    "description": 'Refused: {"errors": {field: [message, ...]}} (problem+json when asked for)',
    "content": {
        "application/hal+json": {"schema": {"$ref": "#/components/schemas/BrokerErrors"}},
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/BrokerProblem"}},
    },
}

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def install(app: FastAPI) -> None:
    """Serve the completed document (built once, on the first request for it)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = complete(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Replace FastAPI's 422 by the broker's ``4XX`` on every operation (in place; returns it)."""
    for path_item in document.get("paths", {}).values():
        for method in METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            validation = responses.get("422", {})
            if _is_fastapi_validation(validation):
                del responses["422"]
            responses["4XX"] = CLIENT_ERROR
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        if f'"#/components/schemas/{name}"' not in json.dumps(document):
            schemas.pop(name, None)
    schemas["BrokerErrors"] = ERRORS_SCHEMA
    schemas["BrokerProblem"] = PROBLEM_SCHEMA
    return document


def _is_fastapi_validation(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})  # FastAPI's own 422
    return bool(schema.get("$ref", "").endswith("/HTTPValidationError"))
