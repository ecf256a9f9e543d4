"""Security requirements: does the interaction's request carry the credentials the operation requires?

OpenAPI reads `security` as a list of alternatives, each a set of schemes that must ALL be present.
The comparator treats every scheme of every alternative as an alternative (one API key satisfies
`[{apiKey: [], oauth: []}]`... and also `[{apiKey: [], bearer: []}]` with only the key); Tether applies
the AND inside an alternative. Schemes that cannot be checked statically (OAuth 2, OpenID Connect, mutual
TLS, API keys in cookies) count as satisfied, as in the comparator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.findings import Severity
from contracts.openapi.context import InteractionCheck
from contracts.openapi.operations import Operation
from contracts.openapi.querystrings import parse_flat, query_string


def security_names(operation: Operation, schemes: Mapping[str, Any], where: str) -> set[str]:
    """Names of the API-key headers (lower-cased) or query parameters the operation's schemes use."""
    names: set[str] = set()
    for requirement in operation.security or []:
        if not isinstance(requirement, Mapping):
            continue
        for scheme_name in requirement:
            scheme = schemes.get(scheme_name)
            if isinstance(scheme, Mapping) and scheme.get("type") == "apiKey" and scheme.get("in") == where:
                name = str(scheme.get("name", ""))
                names.add(name.lower() if where == "header" else name)
    return names


def _satisfied(check: InteractionCheck, scheme: Mapping[str, Any], query: Mapping[str, Any]) -> str | None:
    """None when the request satisfies the scheme, else "header" or "query" (what is missing)."""
    kind = str(scheme.get("type", "")).lower()
    auth = check.request_header("authorization")
    if kind == "apikey":
        location = str(scheme.get("in", "")).lower()
        name = str(scheme.get("name", ""))
        if location == "header":
            return None if check.request_header(name) is not None else "header"
        if location == "query":
            return None if name in query else "query"
        return None
    if kind in {"basic", "http"} and check.engine.index.config.get("no-authorization-schema"):
        return None if auth is not None else "header"  # quirk: any Authorization header will do
    if kind == "basic":
        return None if (auth or "").lower().startswith("basic ") else "header"
    if kind == "http":
        wanted = str(scheme.get("scheme", "")).lower()
        return None if wanted and (auth or "").lower().startswith(wanted + " ") else "header"
    return None


def check_security(check: InteractionCheck, operation: Operation, schemes: Mapping[str, Any]) -> None:
    if not check.valid_request or not check.complete_request or not operation.security:
        return
    query = parse_flat(query_string(check.query))
    missing: dict[str, str] = {}
    for requirement in operation.security:
        if not isinstance(requirement, Mapping):
            continue
        unmet: dict[str, str] = {}
        for scheme_name in requirement:
            scheme = schemes.get(scheme_name)
            if not isinstance(scheme, Mapping):
                continue
            what = _satisfied(check, scheme, query)
            if what is not None:
                unmet[str(scheme_name)] = what
        if not unmet:
            return
        for name, what in unmet.items():
            missing.setdefault(name, what)
    for name, what in missing.items():
        check.add(
            "request.authorization.missing",
            Severity.ERROR,
            f"Request Authorization {what} is missing but is required by the spec file (security scheme '{name}')",
            f"{check.base}.request.{'headers' if what == 'header' else 'query'}",
            check.request_headers if what == "header" else check.query,
            operation.location,
            None,
            f"{operation.pointer}/security" if "security" in operation.node else "#/security",
        )
