"""Path templates: what a pact path matched by a ``type`` rule (or generated from a provider state) means.

A pact written by pact-python or pact-js for ``GET /orders/{id}`` holds an example path (``/orders/1001``)
with a ``type`` matcher on the path, often with a provider-state generator (``/orders/${orderId}``). Taken
literally, the ``type`` matcher accepts *any* string, so a mock would answer ``GET /definitely/not/an/order``.
The contract means something narrower: a path of the same template, with the same number of segments, the
same literal segments, and a variable value where the example has one.

The template comes from, in order of preference:

1. the provider's OpenAPI paths (``openapi_paths``) when known: the spec template routing the example path;
2. the provider-state expression (``/orders/${orderId}``): segments holding ``${...}`` are variable;
3. the example path: segments that look like identifiers (holding a digit, other than a version such as
   ``v2``) are variable; when none does, the last segment of a path of two segments or more is.

:func:`path_template` builds one from parts; :func:`request_path_template` from a pact request (None when
its path is literal or matched by a regex, which mean what they say). The mock server, the pytest mocks and
the Locust generator use the same functions, so they agree on which paths a contract allows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from contracts.model import HttpRequest
from contracts.openapi.router import Router

if TYPE_CHECKING:  # loading documents (referencing, yaml) is not needed to use their paths
    from contracts.openapi.document import OpenAPIDocument

TemplateSource = Literal["openapi", "provider-state", "example"]

_EXPRESSION = re.compile(r"\$\{[^}]*\}")
_VERSION = re.compile(r"[vV]\d+(\.\d+)*")
_ANY_SEGMENT = re.compile(r"[^/]+")


@dataclass(frozen=True, slots=True)
class PathTemplate:
    """Paths of one template: ``segments`` hold literal text (``str``) or a pattern for a variable one.

    ``text`` is the template as people read it (``/orders/{id}``); ``tail`` means further segments are
    allowed after the last one (an OpenAPI ``{path*}`` parameter).
    """

    text: str
    segments: tuple[str | re.Pattern[str], ...]
    source: TemplateSource
    tail: bool = False

    def problem(self, path: str) -> str | None:
        """Why ``path`` is not of this template (None when it is)."""
        actual = _segments(path)
        count = len(self.segments)
        if len(actual) != count and not (self.tail and len(actual) > count):
            return (
                f"path '{path}' has {len(actual)} segment(s) but the contract's template {self.text} "
                f"(from the {self.source}) has {count}"
            )
        for position, (expected, got) in enumerate(zip(self.segments, actual, strict=False), start=1):
            if isinstance(expected, str):
                if got != expected:
                    return (
                        f"segment {position} of path '{path}' is '{got}' but the contract's template "
                        f"{self.text} (from the {self.source}) has '{expected}' there"
                    )
            elif not expected.fullmatch(got):
                return (
                    f"segment {position} of path '{path}' ('{got}') is not a value of the contract's "
                    f"template {self.text} (from the {self.source})"
                )
        return None

    def accepts(self, path: str) -> bool:
        return self.problem(path) is None


def _segments(path: str) -> list[str]:
    stripped = path.split("?", 1)[0]
    if not stripped.startswith("/"):
        stripped = "/" + stripped
    return stripped.split("/")[1:]


def _looks_variable(segment: str) -> bool:
    return any(ch.isdigit() for ch in segment) and not _VERSION.fullmatch(segment)


def _from_example(example: str) -> PathTemplate:
    parts = _segments(example)
    variable = [_looks_variable(part) for part in parts]
    if not any(variable) and len(parts) >= 2:
        variable[-1] = True
    segments: list[str | re.Pattern[str]] = []
    names: list[str] = []
    for index, (part, is_variable) in enumerate(zip(parts, variable, strict=True)):
        if is_variable:
            segments.append(_ANY_SEGMENT)
            names.append("{" + (f"param{index}" if index else "param") + "}")
        else:
            segments.append(part)
            names.append(part)
    return PathTemplate("/" + "/".join(names), tuple(segments), "example")


def _from_expression(expression: str) -> PathTemplate:
    segments: list[str | re.Pattern[str]] = []
    names: list[str] = []
    for part in _segments(expression):
        if not _EXPRESSION.search(part):
            segments.append(part)
            names.append(part)
            continue
        pieces = _EXPRESSION.split(part)
        segments.append(re.compile("[^/]+".join(re.escape(piece) for piece in pieces)))
        names.append(_EXPRESSION.sub(lambda found: "{" + found.group(0)[2:-1] + "}", part))
    return PathTemplate("/" + "/".join(names), tuple(segments), "provider-state")


def _from_openapi(example: str, openapi_paths: Iterable[str]) -> PathTemplate | None:
    router = Router()
    for order, path in enumerate(openapi_paths):
        router.add(path, order)
    router.freeze()
    for found in router.matches(example):
        template = found.template
        segments: list[str | re.Pattern[str]] = [
            literal if regex is None else regex
            for literal, regex in zip(template.segments, template.regexes, strict=True)
        ]
        return PathTemplate(template.path, tuple(segments), "openapi", tail=template.tail_param is not None)
    return None


def openapi_paths(document: OpenAPIDocument) -> tuple[str, ...]:
    """The path templates of an OpenAPI document, also prefixed with each server URL's path (``/api``),
    for :func:`path_template`'s ``openapi_paths``."""
    paths = [str(path) for path in (document.root.get("paths") or {})]
    prefixes: list[str] = []
    for server in document.root.get("servers") or []:
        url = server.get("url") if isinstance(server, Mapping) else None
        if isinstance(url, str):
            prefix = urlsplit(url).path.rstrip("/")
            if prefix and prefix not in prefixes:
                prefixes.append(prefix)
    base = document.root.get("basePath")
    if isinstance(base, str) and base.rstrip("/") and base.rstrip("/") not in prefixes:
        prefixes.append(base.rstrip("/"))
    return tuple(paths + [prefix + path for prefix in prefixes for path in paths])


def path_template(
    example: str, *, expression: str | None = None, openapi_paths: Iterable[str] = ()
) -> PathTemplate:
    """The template of a ``type``-matched path: from the OpenAPI paths (if one routes ``example``), else
    the provider-state ``expression``, else the example path itself (see the module documentation)."""
    from_spec = _from_openapi(example, openapi_paths)
    if from_spec is not None:
        return from_spec
    if expression and _EXPRESSION.search(expression):
        return _from_expression(expression)
    return _from_example(example)


def _path_rule(rules: Mapping[str, Any]) -> list[Mapping[str, Any]] | None:
    entry = rules.get("path") if isinstance(rules.get("path"), Mapping) else rules.get("$.path")
    if not isinstance(entry, Mapping):
        return None
    matchers = entry.get("matchers", [entry])
    return [m for m in matchers if isinstance(m, Mapping)] if isinstance(matchers, list) else None


def _path_expression(generators: Mapping[str, Any]) -> str | None:
    entry = generators.get("path")
    if isinstance(entry, Mapping) and str(entry.get("type", "")).lower() == "providerstate":
        expression = entry.get("expression")
        return expression if isinstance(expression, str) else None
    return None


def request_path_template(request: HttpRequest, openapi_paths: Iterable[str] = ()) -> PathTemplate | None:
    """The template a pact request's path stands for, or None when the path means itself (no rule, or
    only ``equality``/``regex`` rules, which the matcher applies as written).

    A path with a ``type`` matcher, or one generated from a provider-state expression, gets a template.
    """
    expression = _path_expression(request.generators or {})
    matchers = _path_rule(request.matching_rules or {})
    typed = matchers is not None and any(
        (m.get("match") or ("regex" if "regex" in m else "type")) == "type" for m in matchers
    )
    if not typed and expression is None:
        return None
    if matchers is not None and any("regex" in m for m in matchers):
        return None
    return path_template(request.path, expression=expression, openapi_paths=openapi_paths)
