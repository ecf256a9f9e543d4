"""Recording hand-written mocks: the registration APIs of respx, pytest-httpx, responses and
requests-mock, wrapped while the audit runs (and only then).

Each registration becomes a :class:`RecordedMock`: which test registered it and where (file:line),
the request it answers (method, URL, expected JSON body when the library matches on it) and its
canned response (status, headers, body). respx routes get their response after creation
(``.respond(...)``, ``.mock(...)``, ``% 200``), so they are read when the run ends; a route answered
by a side effect is checked through the responses it actually produced.

A mock without a concrete request (a regex URL, no method) is checked on the requests that actually hit
it: ``observe`` reads them from the library (respx route calls, a responses entry's calls, a requests-mock
matcher's history, the pytest-httpx requests its matcher accepts), snapshotted before the test's fixtures
are torn down (:meth:`Recorder.snapshot`). ``fault`` is set for mocks registered by a test marked
``@pytest.mark.tether_fault(...)`` (intentional out-of-contract responses: the statuses, or ``()`` for any).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

UNSET: Any = object()

_LIBRARY_PATH_PARTS = (
    "/respx/",
    "/pytest_httpx/",
    "/responses/",
    "/requests_mock/",
    "/aioresponses/",
    "/unittest/mock.py",
    "/mocking/audit/",
    "/httpx/",
    "/_pytest/",
    "/pluggy/",
)


def _registration_site() -> str:
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith("<") and not any(part in filename for part in _LIBRARY_PATH_PARTS):
            return f"{filename}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]
    return "?"


@dataclass(slots=True)
class RecordedMock:
    library: str
    test: str
    location: str
    number: int = 0
    method: str | None = None
    url: str | None = None
    url_pattern: str | None = None
    request_json: Any = UNSET
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    dynamic: bool = False
    resolve: Callable[[RecordedMock], list[RecordedMock]] | None = None
    observe: Callable[[], list[tuple[str, str]]] | None = None
    hits: list[tuple[str, str]] | None = None
    fault: tuple[int, ...] | None = None

    def snapshot(self) -> None:
        """Read the (method, URL) of the requests that hit this mock, once."""
        if self.hits is None and self.observe is not None:
            try:
                self.hits = list(dict.fromkeys(self.observe()))
            except Exception:  # a library's internals changed: the mock stays "not audited"
                self.hits = []

    @property
    def parsed(self) -> urllib.parse.SplitResult | None:
        return urllib.parse.urlsplit(self.url) if self.url else None

    @property
    def host(self) -> str | None:
        parsed = self.parsed
        return parsed.hostname if parsed else None

    @property
    def path(self) -> str | None:
        parsed = self.parsed
        if parsed is None:
            return None
        return urllib.parse.unquote(parsed.path) or "/"

    @property
    def query(self) -> str:
        parsed = self.parsed
        return parsed.query if parsed else ""

    def content_type(self) -> str | None:
        for name, value in self.headers.items():
            if name.lower() == "content-type":
                return value
        return None

    def json_body(self) -> Any:
        """The response body decoded as JSON, or UNSET when it is not JSON (or absent)."""
        if not self.body:
            return UNSET
        try:
            return json.loads(self.body)
        except ValueError:
            return UNSET

    def describe(self) -> str:
        method = self.method or "ANY"
        target = self.url or (f"~{self.url_pattern}" if self.url_pattern else "any URL")
        status = "dynamic response" if self.status is None else str(self.status)
        return f"{method} {target} -> {status}"

    def to_json(self) -> dict[str, Any]:
        return {
            "library": self.library,
            "test": self.test,
            "location": self.location,
            "method": self.method,
            "url": self.url,
            "urlPattern": self.url_pattern,
            "status": self.status,
            "dynamic": self.dynamic,
        }


def _encode_body(
    json_value: Any = None, text: Any = None, content: Any = None, html: Any = None
) -> tuple[bytes | None, str | None]:
    if json_value is not None:
        return json.dumps(json_value).encode(), "application/json"
    if text is not None:
        return str(text).encode(), "text/plain; charset=utf-8"
    if html is not None:
        return str(html).encode(), "text/html; charset=utf-8"
    if content is not None:
        return (content if isinstance(content, bytes) else str(content).encode()), None
    return None, None


def _responses_json_matcher(matchers: Any) -> Any:
    """The JSON body a ``responses.matchers.json_params_matcher(...)`` expects (read from its closure)."""
    for matcher in matchers or ():
        if getattr(matcher, "__qualname__", "") != "json_params_matcher.<locals>.match":
            continue
        names = matcher.__code__.co_freevars
        for name, cell in zip(names, matcher.__closure__ or (), strict=False):
            if name == "params":
                return cell.cell_contents
    return UNSET


def _url_text(url: Any) -> tuple[str | None, str | None]:
    """(concrete URL, regex text) of a library's URL argument."""
    if url is None:
        return None, None
    if isinstance(url, re.Pattern):
        return None, url.pattern
    pattern = getattr(url, "pattern", None)
    if isinstance(pattern, str) and not isinstance(url, str):
        return None, pattern
    text = str(url)
    if "://" not in text:
        return None, None
    return text, None


class Recorder:
    """Collects mocks; ``install()`` wraps the libraries present, ``uninstall()`` restores them."""

    def __init__(self) -> None:
        self.mocks: list[RecordedMock] = []
        self.current_test = "(outside a test)"
        self.current_fault: tuple[int, ...] | None = None
        self._undo: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._local = threading.local()

    def add(self, mock: RecordedMock) -> None:
        with self._lock:
            mock.number = len(self.mocks) + 1
            self.mocks.append(mock)

    def _new(self, library: str) -> RecordedMock:
        return RecordedMock(
            library=library,
            test=self.current_test,
            location=_registration_site(),
            fault=self.current_fault,
        )

    def snapshot(self) -> None:
        """Read the requests that hit each mock so far (call before a test's fixtures are torn down)."""
        for mock in self.mocks:
            mock.snapshot()

    def _wrap(self, owner: Any, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
        original = owner.__dict__[name]
        setattr(owner, name, make(original))
        self._undo.append(lambda: setattr(owner, name, original))

    def install(self, extra: tuple[tuple[str, Callable[[Recorder], None]], ...] = ()) -> list[str]:
        """Wrap every supported library that is installed (and the ``extra`` recorders: name and
        installer, e.g. :mod:`mocking.audit.patched_calls`); returns their names."""
        installed = []
        builtin: tuple[tuple[str, Callable[[Recorder], None]], ...] = (
            ("respx", Recorder._install_respx),
            ("pytest-httpx", Recorder._install_pytest_httpx),
            ("responses", Recorder._install_responses),
            ("requests-mock", Recorder._install_requests_mock),
        )
        for library, installer in (*builtin, *extra):
            try:
                installer(self)
            except ImportError:
                continue
            installed.append(library)
        return installed

    def uninstall(self) -> None:
        while self._undo:
            self._undo.pop()()

    def resolved(self) -> list[RecordedMock]:
        """Every recorded mock with late information (respx responses) filled in."""
        result: list[RecordedMock] = []
        self.snapshot()
        for mock in self.mocks:
            if mock.resolve is not None:
                result.extend(mock.resolve(mock))
            else:
                result.append(mock)
        return result

    # ------------------------------------------------------------------------------ responses

    def _install_responses(self) -> None:
        import responses.registries

        recorder = self

        def make(original: Callable[..., Any]) -> Callable[..., Any]:
            def add(registry: Any, response: Any) -> Any:
                mock = recorder._new("responses")
                method = getattr(response, "method", None)
                mock.method = str(method).upper() if method else None
                mock.url, mock.url_pattern = _url_text(getattr(response, "url", None))
                request_json = _responses_json_matcher(getattr(response, "match", ()))
                if request_json is not UNSET:
                    mock.request_json = request_json
                status = getattr(response, "status", None)
                if status is None or getattr(response, "callback", None) is not None:
                    mock.dynamic = True
                else:
                    mock.status = int(status)
                    body = getattr(response, "body", None)
                    if isinstance(body, str):
                        body = body.encode()
                    mock.body = body if isinstance(body, bytes) else None
                    headers = dict(getattr(response, "headers", None) or {})
                    content_type = getattr(response, "content_type", None)
                    if content_type and not any(k.lower() == "content-type" for k in headers):
                        headers["Content-Type"] = str(content_type)
                    mock.headers = {str(k): str(v) for k, v in headers.items()}
                mock.observe = lambda: [
                    (str(call.request.method), str(call.request.url)) for call in response.calls
                ]
                recorder.add(mock)
                return original(registry, response)

            return add

        self._wrap(responses.registries.FirstMatchRegistry, "add", make)

    # ------------------------------------------------------------------------------ requests-mock

    def _install_requests_mock(self) -> None:
        import requests_mock.adapter

        recorder = self

        def make(original: Callable[..., Any]) -> Callable[..., Any]:
            def register_uri(
                adapter: Any, method: Any, url: Any, response_list: Any = None, **kwargs: Any
            ) -> Any:
                entries = response_list or [kwargs]
                added: list[RecordedMock] = []
                for entry in entries:
                    mock = recorder._new("requests-mock")
                    mock.method = method.upper() if isinstance(method, str) else None
                    mock.url, mock.url_pattern = _url_text(url)
                    if (
                        any(
                            callable(entry.get(key))
                            for key in ("json", "text", "content", "body", "status_code")
                        )
                        or "exc" in entry
                    ):
                        mock.dynamic = True
                    else:
                        mock.status = int(entry.get("status_code", 200))
                        mock.body, content_type = _encode_body(
                            entry.get("json"), entry.get("text"), entry.get("content")
                        )
                        headers = {str(k): str(v) for k, v in (entry.get("headers") or {}).items()}
                        if content_type and not any(k.lower() == "content-type" for k in headers):
                            headers["Content-Type"] = content_type
                        mock.headers = headers
                    recorder.add(mock)
                    added.append(mock)
                matcher = original(adapter, method, url, response_list, **kwargs)
                for mock in added:
                    mock.observe = lambda: [(str(r.method), str(r.url)) for r in matcher.request_history]
                return matcher

            return register_uri

        self._wrap(requests_mock.adapter.Adapter, "register_uri", make)

    # ------------------------------------------------------------------------------ pytest-httpx

    def _install_pytest_httpx(self) -> None:
        import pytest_httpx

        recorder = self

        def make(original: Callable[..., Any]) -> Callable[..., Any]:
            def add_response(
                httpx_mock: Any,
                status_code: int = 200,
                http_version: str = "HTTP/1.1",
                headers: Any = None,
                content: Any = None,
                text: Any = None,
                html: Any = None,
                stream: Any = None,
                json: Any = None,
                **matchers: Any,
            ) -> Any:
                mock = recorder._new("pytest-httpx")
                method = matchers.get("method")
                mock.method = method.upper() if isinstance(method, str) else None
                mock.url, mock.url_pattern = _url_text(matchers.get("url"))
                if mock.url and matchers.get("match_params"):
                    joiner = "&" if "?" in mock.url else "?"
                    mock.url += joiner + urllib.parse.urlencode(matchers["match_params"], doseq=True)
                if "match_json" in matchers:
                    mock.request_json = matchers["match_json"]
                mock.status = int(status_code)
                if stream is not None:
                    mock.dynamic = True
                mock.body, content_type = _encode_body(json, text, content, html)
                header_items = headers.items() if isinstance(headers, dict) else (headers or [])
                mock.headers = {str(k): str(v) for k, v in header_items}
                if content_type and not any(k.lower() == "content-type" for k in mock.headers):
                    mock.headers["Content-Type"] = content_type
                recorder.add(mock)
                recorder._local.inside_add_response = True
                try:
                    original(
                        httpx_mock,
                        status_code,
                        http_version,
                        headers,
                        content,
                        text,
                        html,
                        stream,
                        json,
                        **matchers,
                    )
                finally:
                    recorder._local.inside_add_response = False
                mock.observe = _httpx_observer(httpx_mock)

            return add_response

        def make_callback(original: Callable[..., Any]) -> Callable[..., Any]:
            def add_callback(httpx_mock: Any, callback: Any, **matchers: Any) -> Any:
                if not getattr(recorder._local, "inside_add_response", False):
                    mock = recorder._new("pytest-httpx")
                    method = matchers.get("method")
                    mock.method = method.upper() if isinstance(method, str) else None
                    mock.url, mock.url_pattern = _url_text(matchers.get("url"))
                    if "match_json" in matchers:
                        mock.request_json = matchers["match_json"]
                    mock.dynamic = True
                    recorder.add(mock)
                    original(httpx_mock, callback, **matchers)
                    mock.observe = _httpx_observer(httpx_mock)
                    return None
                return original(httpx_mock, callback, **matchers)

            return add_callback

        self._wrap(pytest_httpx.HTTPXMock, "add_response", make)
        self._wrap(pytest_httpx.HTTPXMock, "add_callback", make_callback)

    # ------------------------------------------------------------------------------ respx

    def _install_respx(self) -> None:
        import respx.models

        recorder = self

        def make(original: Callable[..., Any]) -> Callable[..., Any]:
            def __init__(route: Any, *patterns: Any, **lookups: Any) -> None:
                original(route, *patterns, **lookups)
                mock = recorder._new("respx")
                mock.resolve = lambda recorded: _resolve_respx(recorded, route)
                recorder.add(mock)

            return __init__

        self._wrap(respx.models.Route, "__init__", make)


def _resolve_respx(recorded: RecordedMock, route: Any) -> list[RecordedMock]:
    import httpx

    scheme = host = path = None
    port: int | None = None
    query = ""
    for leaf in _respx_leaves(route.pattern):
        key = getattr(leaf, "key", None)
        value = getattr(leaf, "value", None)
        lookup = str(getattr(getattr(leaf, "lookup", None), "value", ""))
        if key == "method" and isinstance(value, str):
            recorded.method = value.upper()
        elif key == "scheme" and isinstance(value, str):
            scheme = value
        elif key == "host" and isinstance(value, str) and lookup == "eq":
            host = value
        elif key == "port" and isinstance(value, int):
            port = value
        elif key == "path":
            if isinstance(value, str) and lookup == "eq":
                path = value
            elif isinstance(value, re.Pattern):
                recorded.url_pattern = value.pattern
            elif isinstance(value, str):
                recorded.url_pattern = re.escape(value) + ".*"
        elif key == "params" and value is not None:
            query = str(value)
        elif key == "url":
            recorded.url, recorded.url_pattern = _url_text(
                value.pattern if isinstance(value, re.Pattern) else value
            )
            if isinstance(value, re.Pattern):
                recorded.url_pattern = value.pattern
        elif key == "json" and not getattr(leaf, "path", ""):
            # respx keeps the pattern's JSON as its canonical text (json.dumps(..., sort_keys=True))
            try:
                recorded.request_json = json.loads(value) if isinstance(value, str) else value
            except ValueError:
                recorded.request_json = value
    if recorded.url is None and host and path is not None:
        netloc = f"{host}:{port}" if port else host
        recorded.url = f"{scheme or 'https'}://{netloc}{path}" + (f"?{query}" if query else "")
    calls = list(route.calls)
    recorded.observe = lambda: [(str(call.request.method), str(call.request.url)) for call in calls]
    recorded.snapshot()
    response = route.return_value
    responses: list[httpx.Response] = []
    if isinstance(response, httpx.Response):
        responses = [response]
    elif route.side_effect is None and not route.calls:
        responses = [httpx.Response(200)]  # respx answers 200 with no body by default
    else:
        seen = set()
        for call in route.calls:
            if call.response is not None and id(call.response) not in seen:
                seen.add(id(call.response))
                responses.append(call.response)
    if not responses:
        recorded.dynamic = True
        recorded.resolve = None
        return [recorded]
    result = []
    for one in responses:
        copy = RecordedMock(
            library=recorded.library,
            test=recorded.test,
            location=recorded.location,
            number=recorded.number,
            method=recorded.method,
            url=recorded.url,
            url_pattern=recorded.url_pattern,
            request_json=recorded.request_json,
            hits=recorded.hits,
            fault=recorded.fault,
        )
        copy.status = one.status_code
        copy.headers = {k: v for k, v in one.headers.items() if k.lower() != "content-length"}
        try:
            copy.body = one.content
        except httpx.ResponseNotRead:
            copy.body = one.read()
        result.append(copy)
    return result


def _httpx_observer(httpx_mock: Any) -> Callable[[], list[tuple[str, str]]]:
    """The requests pytest-httpx sent that the matcher just registered accepts (by URL and method)."""
    matcher = httpx_mock._callbacks[-1][0]

    def observe() -> list[tuple[str, str]]:
        return [
            (request.method, str(request.url))
            for request in httpx_mock.get_requests()
            if matcher._url_match(request) and matcher._method_match(request)
        ]

    return observe


def _respx_leaves(pattern: Any) -> list[Any]:
    try:
        return list(iter(pattern))
    except TypeError:
        return [pattern]
