"""A provider's verified interactions as an in-process mock for ``httpx`` and ``requests``.

::

    mock = ContractMock(load_pact_files(["pacts/"], "OrdersApi"), base_url="http://orders.test")
    client = httpx.Client(transport=mock.httpx_transport(), base_url="http://orders.test")
    session = requests.Session(); session.mount("http://orders.test", mock.requests_adapter())
    with mock.patched():            # or: every httpx/requests call to base_url goes to the mock
        ...
    with mock.in_state("no orders"):  # provider state for the requests inside the block
        ...

A request no interaction accepts raises :class:`UnmatchedRequest` (an ``AssertionError``, so the test
fails) carrying the mock server's mismatch report: the closest interactions and their exact mismatches.
Faults and delays are a mock-server feature; in-process mocks answer immediately.
"""

from __future__ import annotations

import contextlib
import http
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import requests
import requests.adapters
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from loadgen.contract_source import ContractSet
from loadgen.mock.engine import IncomingRequest, MockEngine, Outcome, format_report
from loadgen.mock.interactions import MockInteraction, prepare_contracts


class UnmatchedRequest(AssertionError):
    """A request that no verified interaction accepts; ``report`` is the mock server's JSON report."""

    def __init__(self, report: dict[str, Any]) -> None:
        self.report = report
        super().__init__("tether contract mock: " + format_report(report))


@dataclass(frozen=True, slots=True)
class Call:
    """One request the mock answered (or refused)."""

    request: IncomingRequest
    outcome: Outcome


class ContractMock:
    """Answers requests from a :class:`ContractSet` (see the module documentation)."""

    def __init__(
        self,
        contracts: ContractSet,
        *,
        base_url: str | None = None,
        state: str | None = None,
        strict: bool = False,
    ) -> None:
        self.contracts = contracts
        self.provider = contracts.provider
        self.base_url = base_url.rstrip("/") if base_url else None
        self._base_path = urllib.parse.urlsplit(self.base_url).path.rstrip("/") if self.base_url else ""
        self.engine = MockEngine(
            prepare_contracts(contracts), provider=contracts.provider, strict=strict, default_state=state
        )
        self.calls: list[Call] = []
        self.unmatched: list[UnmatchedRequest] = []
        self._lock = threading.Lock()

    # ------------------------------------------------------------------------------ selection

    @property
    def state(self) -> str | None:
        return self.engine.default_state

    @state.setter
    def state(self, value: str | None) -> None:
        self.engine.default_state = value

    @contextlib.contextmanager
    def in_state(self, state: str | None) -> Iterator[ContractMock]:
        previous = self.state
        self.state = state
        try:
            yield self
        finally:
            self.state = previous

    @contextlib.contextmanager
    def refuses(self) -> Iterator[list[UnmatchedRequest]]:
        """Expect a request in the block to be refused: ``with mock.refuses() as refused: client.call()``.

        The refusal is swallowed (it does not fail the test at teardown); the block fails if every
        request matched. ``refused`` holds the refusals, with their reports.
        """
        __tracebackhide__ = True
        before = len(self.unmatched)
        refused: list[UnmatchedRequest] = []
        with contextlib.suppress(UnmatchedRequest):
            yield refused
        with self._lock:
            refused.extend(self.unmatched[before:])
            del self.unmatched[before:]
        if not refused:
            raise AssertionError("expected the contract mock to refuse a request, but every request matched")

    @property
    def interactions(self) -> list[MockInteraction]:
        return self.engine.interactions

    def handles(self, url: str) -> bool:
        return (
            self.base_url is None
            or url == self.base_url
            or url.startswith(self.base_url + "/")
            or url.startswith(self.base_url + "?")
        )

    def _path(self, path: str) -> str:
        if self._base_path and path.startswith(self._base_path):
            return path[len(self._base_path) :] or "/"
        return path

    def handle(self, request: IncomingRequest) -> Outcome:
        __tracebackhide__ = True  # pytest shows the caller, not the mock's internals
        outcome = self.engine.handle(request)
        with self._lock:
            self.calls.append(Call(request, outcome))
        if outcome.kind != "matched":
            assert outcome.report is not None
            error = UnmatchedRequest(outcome.report)
            with self._lock:
                self.unmatched.append(error)
            raise error
        return outcome

    def uncalled(self) -> list[MockInteraction]:
        """Interactions no request has used (for ``assert not mock.uncalled()``)."""
        used = {id(call.outcome.interaction) for call in self.calls if call.outcome.interaction is not None}
        return [i for i in self.interactions if id(i) not in used]

    # ------------------------------------------------------------------------------ httpx

    def _incoming_httpx(self, request: httpx.Request, body: bytes) -> IncomingRequest:
        url = request.url
        return IncomingRequest(
            request.method,
            self._path(urllib.parse.unquote(url.raw_path.split(b"?", 1)[0].decode("ascii"))),
            url.query.decode("ascii"),
            [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
            body,
        )

    def _httpx_response(self, request: httpx.Request, outcome: Outcome) -> httpx.Response:
        response = outcome.response
        return httpx.Response(
            response.status,
            headers=[(k, v) for k, v in response.headers if k.lower() != b"content-length"],
            content=response.body,
            request=request,
        )

    def handle_httpx(self, request: httpx.Request) -> httpx.Response:
        __tracebackhide__ = True  # pytest shows the caller, not the mock's internals
        body = request.read()
        outcome = self.handle(self._incoming_httpx(request, body))
        return self._httpx_response(request, outcome)

    async def handle_httpx_async(self, request: httpx.Request) -> httpx.Response:
        __tracebackhide__ = True  # pytest shows the caller, not the mock's internals
        body = await request.aread()
        outcome = self.handle(self._incoming_httpx(request, body))
        return self._httpx_response(request, outcome)

    def httpx_transport(self) -> httpx.MockTransport:
        """A transport for ``httpx.Client(transport=...)`` and ``httpx.AsyncClient(transport=...)``."""
        return httpx.MockTransport(self.handle_httpx)

    # ------------------------------------------------------------------------------ requests

    def handle_requests(self, request: requests.PreparedRequest) -> requests.Response:
        __tracebackhide__ = True  # pytest shows the caller, not the mock's internals
        url = urllib.parse.urlsplit(request.url or "")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif not isinstance(body, bytes):
            body = b"".join(chunk if isinstance(chunk, bytes) else str(chunk).encode() for chunk in body)
        incoming = IncomingRequest(
            (request.method or "GET").upper(),
            self._path(urllib.parse.unquote(url.path or "/")),
            url.query,
            list(request.headers.items()),
            body,
        )
        outcome = self.handle(incoming)
        prepared = outcome.response
        response = requests.Response()
        response.status_code = prepared.status
        response.headers = CaseInsensitiveDict(
            {k.decode("latin-1"): v.decode("latin-1") for k, v in prepared.headers}
        )
        response._content = prepared.body
        response.url = request.url or ""
        response.request = request
        response.reason = _reason(prepared.status)
        response.encoding = get_encoding_from_headers(response.headers)
        return response

    def requests_adapter(self) -> ContractAdapter:
        """A transport adapter for ``session.mount(base_url, mock.requests_adapter())``."""
        return ContractAdapter(self)

    # ------------------------------------------------------------------------------ patching

    @contextlib.contextmanager
    def patched(self) -> Iterator[ContractMock]:
        """Route every httpx and requests call to ``base_url`` (every call, without one) to this mock."""
        _ACTIVE.append(self)
        _install_patches()
        try:
            yield self
        finally:
            _ACTIVE.remove(self)
            if not _ACTIVE:
                _remove_patches()


class ContractAdapter(requests.adapters.BaseAdapter):
    def __init__(self, mock: ContractMock) -> None:
        super().__init__()
        self.mock = mock

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        __tracebackhide__ = True
        return self.mock.handle_requests(request)

    def close(self) -> None:
        pass


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


# The global patches: one set, shared by every active mock (most recently installed wins).
_ACTIVE: list[ContractMock] = []
_ORIGINALS: dict[str, Any] = {}


def _find(url: str) -> ContractMock | None:
    for mock in reversed(_ACTIVE):
        if mock.handles(url):
            return mock
    return None


def _install_patches() -> None:
    if _ORIGINALS:
        return
    sync_original = httpx.HTTPTransport.handle_request
    async_original = httpx.AsyncHTTPTransport.handle_async_request
    requests_original = requests.adapters.HTTPAdapter.send

    def handle_request(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        __tracebackhide__ = True
        mock = _find(str(request.url))
        return mock.handle_httpx(request) if mock else sync_original(transport, request)

    async def handle_async_request(
        transport: httpx.AsyncHTTPTransport, request: httpx.Request
    ) -> httpx.Response:
        __tracebackhide__ = True
        mock = _find(str(request.url))
        if mock:
            return await mock.handle_httpx_async(request)
        return await async_original(transport, request)

    def send(
        adapter: requests.adapters.HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        __tracebackhide__ = True
        mock = _find(request.url or "")
        return mock.handle_requests(request) if mock else requests_original(adapter, request, *args, **kwargs)

    _ORIGINALS.update(sync=sync_original, async_=async_original, requests=requests_original)
    setattr(httpx.HTTPTransport, "handle_request", handle_request)  # noqa: B010
    setattr(httpx.AsyncHTTPTransport, "handle_async_request", handle_async_request)  # noqa: B010
    setattr(requests.adapters.HTTPAdapter, "send", send)  # noqa: B010


def _remove_patches() -> None:
    if not _ORIGINALS:
        return
    setattr(httpx.HTTPTransport, "handle_request", _ORIGINALS["sync"])  # noqa: B010
    setattr(httpx.AsyncHTTPTransport, "handle_async_request", _ORIGINALS["async_"])  # noqa: B010
    setattr(requests.adapters.HTTPAdapter, "send", _ORIGINALS["requests"])  # noqa: B010
    _ORIGINALS.clear()
