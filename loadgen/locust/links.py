"""OpenAPI links: which response supplies which path parameter of a later operation.

A spec can say that the ``id`` in the body of ``POST /orders``'s 201 response is the ``orderId``
of ``GET /orders/{orderId}``::

    responses:
      "201":
        links:
          GetOrder:
            operationId: getOrder
            parameters: {orderId: "$response.body#/id"}

The scenario generator uses such links to chain interactions whose pacts carry no provider-state
expressions: the linked task runs first when no value is known yet, and its response fills the
path template.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from contracts.openapi.document import OpenAPIDocument
from loadgen.locust.routes import Route

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Link:
    source: Route
    target: Route
    parameter: str
    expression: str  # "$response.body#/id", "$response.header.Location", ...


def read_links(document: OpenAPIDocument) -> list[Link]:
    paths: Mapping[str, Any] = document.root.get("paths") or {}
    by_operation_id: dict[str, Route] = {}
    for template, item in paths.items():
        if not isinstance(item, Mapping):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, Mapping) and isinstance(operation.get("operationId"), str):
                by_operation_id[operation["operationId"]] = Route(method.upper(), template)
    links: list[Link] = []
    for template, item in paths.items():
        if not isinstance(item, Mapping):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, Mapping):
                continue
            for response in (operation.get("responses") or {}).values():
                response = document.resolve(response).contents if isinstance(response, Mapping) else response
                if not isinstance(response, Mapping):
                    continue
                for link in (response.get("links") or {}).values():
                    link = document.resolve(link).contents if isinstance(link, Mapping) else link
                    target = _target(link, by_operation_id) if isinstance(link, Mapping) else None
                    if target is None:
                        continue
                    for name, expression in (link.get("parameters") or {}).items():
                        if isinstance(expression, str) and expression.startswith("$response."):
                            links.append(
                                Link(Route(method.upper(), template), target, name.split(".")[-1], expression)
                            )
    return links


def _target(link: Mapping[str, Any], by_operation_id: Mapping[str, Route]) -> Route | None:
    if isinstance(link.get("operationId"), str):
        return by_operation_id.get(link["operationId"])
    reference = link.get("operationRef")
    if isinstance(reference, str) and reference.startswith("#/paths/"):
        parts = reference[len("#/paths/") :].split("/")
        if len(parts) == 2:
            template = unquote(parts[0]).replace("~1", "/").replace("~0", "~")
            return Route(parts[1].upper(), template)
    return None


def evaluate(expression: str, headers: Mapping[str, str], body: Any) -> Any:
    """The value of a runtime expression (``$response.body#/id``, ``$response.header.Location``)."""
    if expression.startswith("$response.header."):
        wanted = expression[len("$response.header.") :].lower()
        return next((value for name, value in headers.items() if name.lower() == wanted), None)
    if expression.startswith("$response.body"):
        pointer = expression.partition("#")[2]
        node = body
        for token in [t for t in pointer.split("/") if t != ""]:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping):
                node = node.get(token)
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        return node
    return None
