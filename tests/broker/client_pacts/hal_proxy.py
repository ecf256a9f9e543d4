"""A test-only proxy in front of the broker, as the Ruby broker's ``hal_relation_proxy_app.rb``.

The V1 client pact does not know the broker's URLs: its consumer tests follow HAL relations to
placeholder paths (``/HAL-REL-PLACEHOLDER-PB-WEBHOOKS`` ...). The Ruby broker verifies that pact
through a Rack app that maps each placeholder to the real path; this ASGI app does the same for a
broker running in another process.

The Ruby app also re-orders some ``/matrix`` query strings: the verifier groups repeated keys
(``q[][pacticipant]=Foo&q[][pacticipant]=Bar&q[][version]=...``), which loses which version
belongs to which pacticipant, while the real clients send each selector's keys together. Here a
matrix query whose parameters are a permutation of one of the clients' real query strings is sent in
that order (the same strings as the Ruby table's replacement values).

One deliberate difference: Ruby maps the "record release" placeholder to the *deployed*-versions
path (a copy-paste slip there); this proxy maps it to the released-versions path, which is the
relation's real target.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

FOO_VERSION = "/pacticipants/Foo/versions/5556b8149bf8bac76bc30f50a8a2dd4c22c85f30"
RECORDING_ENV = "cb632df3-0a0d-4227-aac3-60114dd36479"
PATH_REPLACEMENTS: Mapping[str, str] = {
    "/HAL-REL-PLACEHOLDER-INDEX-PB-LATEST-TAGGED-VERSION-Condor-production": (
        "/pacticipants/Condor/latest-version/production"
    ),
    "/HAL-REL-PLACEHOLDER-INDEX-PB-LATEST-VERSION-Condor": "/pacticipants/Condor/latest-version",
    "/HAL-REL-PLACEHOLDER-PB-WEBHOOKS": "/webhooks",
    "/HAL-REL-PLACEHOLDER-INDEX-PB-PACTICIPANT-VERSION-Foo-26f353580936ad3b9baddb17b00e84f33c69e7cb": (
        "/pacticipants/Foo/versions/26f353580936ad3b9baddb17b00e84f33c69e7cb"
    ),
    "/HAL-REL-PLACEHOLDER-PB-ENVIRONMENTS": "/environments",
    "/HAL-REL-PLACEHOLDER-PB-PACTICIPANT-VERSION-Foo-5556b8149bf8bac76bc30f50a8a2dd4c22c85f30": FOO_VERSION,
    "/HAL-REL-PLACEHOLDER-PB-RECORD-DEPLOYMENT-FOO-5556B8149BF8BAC76BC30F50A8A2DD4C22C85F30-TEST": (
        f"{FOO_VERSION}/deployed-versions/environment/{RECORDING_ENV}"
    ),
    "/HAL-REL-PLACEHOLDER-PB-PUBLISH-CONTRACTS": "/contracts/publish",
    "/HAL-REL-PLACEHOLDER-PB-RECORD-RELEASE-FOO-5556B8149BF8BAC76BC30F50A8A2DD4C22C85F30-TEST": (
        f"{FOO_VERSION}/released-versions/environment/{RECORDING_ENV}"
    ),
    "/PLACEHOLDER-DEPLOYED-VERSION-ff3adecf-cfc5-4653-a4e3-f1861092f8e0": (
        "/deployed-versions/ff3adecf-cfc5-4653-a4e3-f1861092f8e0"
    ),
    "/PLACEHOLDER-ENVIRONMENT-CURRENTLY-DEPLOYED-16926ef3-590f-4e3f-838e-719717aa88c9": (
        "/environments/16926ef3-590f-4e3f-838e-719717aa88c9/deployed-versions/currently-deployed"
    ),
    "/HAL-REL-PLACEHOLDER-PB-ENVIRONMENT-16926ef3-590f-4e3f-838e-719717aa88c9": (
        "/environments/16926ef3-590f-4e3f-838e-719717aa88c9"
    ),
    "/HAL-REL-PLACEHOLDER-PB-PACTICIPANT-BRANCH-Foo-main": "/pacticipants/Foo/branches/main",
}

_Q = "q%5B%5D%5B{}%5D={}"
CLIENT_MATRIX_QUERIES: tuple[str, ...] = tuple(
    "&".join(parts)
    for parts in (
        (
            _Q.format("pacticipant", "Bar"),
            _Q.format("version", "4.5.6"),
            _Q.format("pacticipant", "Foo"),
            _Q.format("tag", "prod"),
            "latestby=cvpv",
            "ignore%5B%5D%5Bpacticipant%5D=Foo",
            "ignore%5B%5D%5Bversion%5D=3.4.5",
        ),
        (
            _Q.format("pacticipant", "Foo"),
            _Q.format("version", "1.2.3"),
            _Q.format("pacticipant", "Bar"),
            _Q.format("version", "4.5.6"),
            "latestby=cvpv",
        ),
        (
            _Q.format("pacticipant", "Foo%20Thing"),
            _Q.format("version", "1.2.3"),
            _Q.format("pacticipant", "Bar"),
            _Q.format("version", "4.5.6"),
            "latestby=cvpv",
        ),
        (
            _Q.format("pacticipant", "Foo"),
            _Q.format("version", "1.2.3"),
            _Q.format("pacticipant", "Bar"),
            _Q.format("version", "9.9.9"),
            "latestby=cvpv",
        ),
        (
            _Q.format("pacticipant", "Foo"),
            _Q.format("version", "1.2.3"),
            _Q.format("pacticipant", "Bar"),
            _Q.format("latest", "true"),
            _Q.format("tag", "prod"),
            "latestby=cvpv",
        ),
        (
            _Q.format("pacticipant", "Foo"),
            _Q.format("version", "1.2.4"),
            _Q.format("pacticipant", "Bar"),
            _Q.format("latest", "true"),
            "latestby=cvpv",
        ),
        (
            _Q.format("pacticipant", "Wiffle"),
            _Q.format("version", "1.2.3"),
            _Q.format("pacticipant", "Meep"),
            _Q.format("version", "9.9.9"),
            "latestby=cvpv",
        ),
    )
)


def _multiset(query: str) -> list[tuple[str, str]]:
    return sorted(parse_qsl(query, keep_blank_values=True))


def rewrite(path: str, query: str) -> tuple[str, str]:
    """The path and query string the broker receives for what the verifier sent."""
    for placeholder, real in PATH_REPLACEMENTS.items():
        path = path.replace(placeholder, real)
    if path == "/matrix" and query:
        wanted = _multiset(query)
        for client_query in CLIENT_MATRIX_QUERIES:
            if _multiset(client_query) == wanted:
                return path, client_query
    return path, query


HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "content-encoding"}


class HalRelationProxy:
    """ASGI app forwarding every request to ``upstream`` after :func:`rewrite`; records what it forwarded."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.forwarded: list[str] = []
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        raw_path = scope.get("raw_path") or scope["path"].encode()
        path, query = rewrite(raw_path.decode("latin-1"), scope.get("query_string", b"").decode("latin-1"))
        target = f"{path}?{query}" if query else path
        self.forwarded.append(f"{request.method} {target}")
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP]
        if self._client is None:  # made on the serving thread's event loop, kept for every request
            self._client = httpx.AsyncClient(timeout=30.0)
        upstream = await self._client.request(
            request.method, httpx.URL(self.upstream + target), headers=headers, content=await request.body()
        )
        response = Response(
            content=upstream.content,
            status_code=upstream.status_code,
            headers={k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP},
        )
        await response(scope, receive, send)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
