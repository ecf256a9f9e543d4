"""Path templates: the ``name=`` a generated task reports under, so statistics group by route.

A pact holds concrete paths (``/orders/42``). Locust would report every distinct path as its own
row, so tasks are named by a template instead. The template comes, in order of preference, from
the provider's OpenAPI paths, from provider-state expressions in the pact's generators
(``/orders/${orderId}``), or from a heuristic that turns identifier-like segments into ``{id}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from contracts.matching.path_templates import path_template

_ID_SEGMENT = re.compile(
    r"^(?:\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16,}"
    r"|[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*)$"
)


@dataclass(frozen=True)
class Route:
    """An HTTP method and a path template, e.g. ``GET /orders/{id}``."""

    method: str
    template: str

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        parts = re.split(r"(\{[^}]+\})", self.template)
        body = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
        return re.compile(f"^{body}/?$")

    def matches(self, method: str, path: str) -> bool:
        return method.upper() == self.method and self.pattern.match(path) is not None


def template_for(path: str, *, expression: str | None = None, openapi_paths: Sequence[str] = ()) -> str:
    """The path template for a concrete pact path.

    `expression` is the provider-state generator expression for the path, if the pact has one
    (for example ``/orders/${orderId}``). The OpenAPI and provider-state templates are the ones the mock
    server and the pytest mocks accept (``contracts.matching.path_templates``); only a path with neither
    is named by the identifier heuristic, which names statistics rows and accepts nothing.
    """
    if openapi_paths or expression:
        template = path_template(path, expression=expression, openapi_paths=openapi_paths)
        if template.source != "example":
            return template.text
    segments = path.split("/")
    return "/".join("{id}" if _ID_SEGMENT.match(segment) else segment for segment in segments)


def route_of(method: str, path: str, routes: Iterable[Route]) -> Route | None:
    """The first route that a concrete request falls under, preferring templates with fewer variables."""
    candidates = [route for route in routes if route.matches(method, path)]
    if not candidates:
        return None
    return min(candidates, key=lambda route: (route.template.count("{"), -len(route.template)))
