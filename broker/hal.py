"""HAL+JSON rendering: absolute hrefs built from the base URL, links, curies and the response class."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi.responses import JSONResponse
from starlette.requests import Request

HAL_JSON = "application/hal+json;charset=utf-8"
# error bodies ({"errors": ...}) carry the HAL type too, as the Ruby broker answers them; RFC 7807 when asked
ERROR_JSON = HAL_JSON
PROBLEM_JSON = "application/problem+json;charset=utf-8"


class HalResponse(JSONResponse):
    media_type = HAL_JSON


def hal_response(
    body: Mapping[str, Any], status: int = 200, headers: Mapping[str, str] | None = None
) -> HalResponse:
    return HalResponse(dict(body), status_code=status, headers=dict(headers or {}))


def segment(value: str) -> str:
    """Percent-encode one path segment (space -> %20, / -> %2F, + -> %2B)."""
    return quote(value, safe="")


def link(
    href: str, *, title: str | None = None, name: str | None = None, templated: bool | None = None
) -> dict[str, Any]:
    result: dict[str, Any] = {"href": href}
    if title is not None:
        result["title"] = title
    if name is not None:
        result["name"] = name
    if templated is None and "{" in href:
        templated = True
    if templated:
        result["templated"] = True
    return result


def base_url_for(request: Request, configured: Sequence[str]) -> str:
    """The configured base URL matching the request host (else the first one), else the request's own."""
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or ""
    if configured:
        for candidate in configured:
            if urlsplit(candidate).netloc == host:
                return candidate.rstrip("/")
        return configured[0].rstrip("/")
    proto = request.headers.get("x-forwarded-proto") or request.url.scheme
    if forwarded_host := request.headers.get("x-forwarded-host"):
        port = request.headers.get("x-forwarded-port")
        netloc = forwarded_host
        if port and ":" not in forwarded_host and port not in {"80", "443"}:
            netloc = f"{forwarded_host}:{port}"
        return f"{proto}://{netloc}{request.scope.get('root_path', '')}".rstrip("/")
    return str(request.base_url).rstrip("/")


class Urls:
    """Absolute hrefs for every broker resource; names are percent-encoded path segments."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def path(self, *segments: str, query: Mapping[str, str] | None = None) -> str:
        href = self.base + "/" + "/".join(segment(part) for part in segments)
        if query:
            href += "?" + urlencode(dict(query))
        return href

    def template(self, template: str) -> str:
        """A templated href: ``template`` is a path starting with ``/`` with ``{var}`` placeholders."""
        return self.base + template

    # ---- core resources
    def index(self) -> str:
        return self.base + "/"

    def pacticipants(self) -> str:
        return self.path("pacticipants")

    def pacticipant(self, name: str) -> str:
        return self.path("pacticipants", name)

    def versions(self, pacticipant: str) -> str:
        return self.path("pacticipants", pacticipant, "versions")

    def version(self, pacticipant: str, number: str) -> str:
        return self.path("pacticipants", pacticipant, "versions", number)

    def latest_version(self, pacticipant: str, tag: str | None = None) -> str:
        if tag is None:
            return self.path("pacticipants", pacticipant, "latest-version")
        return self.path("pacticipants", pacticipant, "latest-version", tag)

    def tag(self, pacticipant: str, number: str, tag: str) -> str:
        return self.path("pacticipants", pacticipant, "versions", number, "tags", tag)

    def branches(self, pacticipant: str) -> str:
        return self.path("pacticipants", pacticipant, "branches")

    def branch(self, pacticipant: str, branch: str) -> str:
        return self.path("pacticipants", pacticipant, "branches", branch)

    def branch_versions(self, pacticipant: str, branch: str) -> str:
        return self.path("pacticipants", pacticipant, "branches", branch, "versions")

    def branch_version(self, pacticipant: str, branch: str, number: str) -> str:
        return self.path("pacticipants", pacticipant, "branches", branch, "versions", number)

    # ---- pacts
    def pact_for_version(self, provider: str, consumer: str, number: str) -> str:
        return self.path("pacts", "provider", provider, "consumer", consumer, "version", number)

    def pact_version(self, provider: str, consumer: str, sha: str, metadata: str | None = None) -> str:
        parts = ["pacts", "provider", provider, "consumer", consumer, "pact-version", sha]
        if metadata:
            parts += ["metadata", metadata]
        return self.path(*parts)

    def latest_pact(self, provider: str, consumer: str, tag: str | None = None) -> str:
        parts = ["pacts", "provider", provider, "consumer", consumer, "latest"]
        return self.path(*parts, tag) if tag is not None else self.path(*parts)

    def pact_versions(self, provider: str, consumer: str) -> str:
        return self.path("pacts", "provider", provider, "consumer", consumer, "versions")

    def verification_results(
        self, provider: str, consumer: str, sha: str, metadata: str | None = None
    ) -> str:
        return self.pact_version(provider, consumer, sha, metadata) + "/verification-results"


CURIES = "pb"


def curies(base: str, context: str = "index", *, beta: bool = False) -> list[dict[str, Any]]:
    entries = [{"name": "pb", "href": f"{base}/doc/{{rel}}?context={context}", "templated": True}]
    if beta:
        entries.append({"name": "beta", "href": f"{base}/doc/{{rel}}?context={context}", "templated": True})
    return entries
