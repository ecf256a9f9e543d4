"""Routing an interaction to its operation: the method's router, then the path parameters' schemas
(the first template whose parameters fit wins), with a hint naming the closest paths when none does."""

from __future__ import annotations

import difflib
import heapq

from contracts.findings import Severity
from contracts.openapi.context import Engine, InteractionCheck
from contracts.openapi.operations import Operation, Parameter
from contracts.openapi.pathstyles import decode_path_value
from contracts.openapi.router import Match
from contracts.openapi.schemas import SchemaProblem


def route(check: InteractionCheck) -> Match | None:
    engine = check.engine
    request = check.interaction.request
    path = request.path if request.path.startswith("/") else "/" + request.path
    router = engine.index.routers.get(request.method.lower())
    candidates = [] if router is None or "?" in path else list(router.matches(path))
    unknown = f"Path or method not defined in spec file: {request.method} {request.path}"
    if not candidates:
        check.add(
            "request.path-or-method.unknown",
            Severity.ERROR,
            unknown + route_hint(engine, request.method, path),
            f"{check.base}.request.path",
            request.path,
            "[root].paths",
            None,
            "#/paths",
            with_operation=False,
        )
        return None
    first_problems: list[tuple[Parameter, SchemaProblem]] | None = None
    for candidate in candidates:
        operation = engine.index.operation(candidate.template.path, request.method.lower())
        problems = path_parameter_problems(engine, operation, candidate)
        if not problems:
            check.operation = operation
            return candidate
        if first_problems is None:
            first_problems = problems
    assert first_problems is not None
    for parameter, problem in first_problems:
        check.add(
            "request.path-or-method.unknown",
            Severity.ERROR,
            f"{unknown} (path parameter '{parameter.name}': {problem.message})",
            f"{check.base}.request.path",
            request.path,
            "[root].paths",
            problem.schema_value,
            check.qualified_pointer(problem),
            with_operation=False,
        )
    return None


def route_hint(engine: Engine, method: str, path: str) -> str:
    """Help for an unknown path or method: the methods the path has, or the closest templates."""
    if "?" in path:
        return " (the query string belongs in the pact's query, not in its path)"
    methods = sorted(
        m.upper()
        for m, router in engine.index.routers.items()
        if m != method.lower() and any(router.matches(path))
    )
    if methods:
        return f" (the spec defines this path for {', '.join(methods)})"
    templates = sorted({path for path, _ in engine.index.operation_keys})
    prefix = engine.index.base_path.rstrip("/")
    close = close_matches(path, [prefix + t for t in templates], n=2, cutoff=0.6)
    return f" (closest paths in the spec: {', '.join(close)})" if close else ""


def close_matches(word: str, possibilities: list[str], n: int, cutoff: float) -> list[str]:
    """`difflib.get_close_matches`, same answer, without computing the exact ratio of every candidate:
    candidates are tried in decreasing order of `quick_ratio` (an upper bound of `ratio`), and the search
    stops once that bound is below the n-th best ratio found (a big spec has ~1,000 templates)."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    bounded: list[tuple[float, str]] = []
    for candidate in possibilities:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() >= cutoff:
            bound = matcher.quick_ratio()
            if bound >= cutoff:
                bounded.append((bound, candidate))
    bounded.sort(key=lambda item: item[0], reverse=True)
    found: list[tuple[float, str]] = []
    for bound, candidate in bounded:
        if len(found) >= n and bound < heapq.nlargest(n, found)[-1][0]:
            break
        matcher.set_seq1(candidate)
        ratio = matcher.ratio()
        if ratio >= cutoff:
            found.append((ratio, candidate))
    return [candidate for _, candidate in heapq.nlargest(n, found)]


def path_parameter_problems(
    engine: Engine, operation: Operation, match: Match
) -> list[tuple[Parameter, SchemaProblem]]:
    found: list[tuple[Parameter, SchemaProblem]] = []
    for parameter in operation.parameters:
        if parameter.location != "path" or parameter.name not in match.params:
            continue
        value = decode_path_value(parameter, match.params[parameter.name])
        for problem in engine.parameter_problems(parameter, value):
            found.append((parameter, problem))
    return found
