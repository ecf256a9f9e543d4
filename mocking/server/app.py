"""The mock server as a raw ASGI application, with its admin API under ``/__tether/``.

No web framework on the hot path: a request is read, handed to the :class:`MockEngine`, delayed or
faulted if the faults file says so, answered from pre-rendered bytes, and recorded in the journal.

Admin API (JSON):

=========================  ===========================================================================
``GET /__tether/``          what is served: provider, pacts and why each was chosen or skipped, options
``GET /__tether/health``    ``{"status": "ok"}``
``GET /__tether/interactions``  every served interaction with its call count
``GET /__tether/journal``   the last requests (``?unmatched=true`` for misses only, ``?limit=N``)
``DELETE /__tether/journal``  clear the journal
``POST /__tether/reset``    clear the journal, call counts and fault sequences
``GET /__tether/verify``    200 when every interaction was called and no request went unmatched
                            since the last reset, else 409 with the uncalled interactions
``POST /__tether/reload``   load the pacts again now (the old set keeps serving if loading fails)
``POST /__tether/webhook``  the same, for a broker webhook (``contract_published``,
                            ``provider_verification_published``)
=========================  ===========================================================================
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import hmac
import json
import logging
import socket
import struct
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from brokerclient.contract_source import ContractSet
from brokerclient.errors import BrokerClientError
from contracts.querystrings import parse_query_string
from mocking.errors import MockingError, MockServerError
from mocking.server.engine import DEFAULT_STATE_HEADER, IncomingRequest, MockEngine
from mocking.server.interactions import PreparedResponse, prepare_response
from mocking.server.journal import Journal, merge_journals
from mocking.server.loading import Prepared, prepare
from mocking.server.workers import PeerGroup

if TYPE_CHECKING:  # the faults file's schema (pydantic) is imported only when a faults file is given
    from mocking.server.faults import FaultDecision, FaultPlan

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

ADMIN_PREFIX = "/__tether/"
TRANSPORT_EXTENSION = "tether.transport"

logger = logging.getLogger("tether.mock")


@dataclass(frozen=True, slots=True)
class MockOptions:
    provider: str
    strict: bool = False
    state_header: str = DEFAULT_STATE_HEADER
    default_state: str | None = None
    no_match_status: int = 404
    journal_size: int = 1000
    base_url: str | None = None
    poll_interval: float | None = None
    max_body_bytes: int = 1024 * 1024
    admin_token: str | None = None
    stateful: bool = False
    openapi_paths: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "strict": self.strict,
            "stateHeader": self.state_header,
            "defaultState": self.default_state,
            "noMatchStatus": self.no_match_status,
            "journalSize": self.journal_size,
            "pollInterval": self.poll_interval,
            "maxBodyBytes": self.max_body_bytes,
            "adminToken": self.admin_token is not None,
            "stateful": self.stateful,
        }


@dataclass(slots=True)
class ServedSet:
    """What is being served right now (swapped as a whole on reload)."""

    contracts: ContractSet
    engine: MockEngine
    fingerprint: tuple[tuple[str, str], ...]
    loaded_at: float = field(default_factory=time.time)


class MockApp:
    """ASGI application serving a provider's interactions; ``loader`` (re)loads its pacts."""

    def __init__(
        self,
        loader: Callable[[], ContractSet],
        options: MockOptions,
        *,
        faults: FaultPlan | None = None,
        prepared: Prepared | None = None,
    ) -> None:
        self.loader = loader
        self.options = options
        self.faults = faults
        self.journal = Journal(options.journal_size)
        self.reloads = 0
        self.unmatched = 0
        self.last_reload_error: str | None = None
        self.served = self._build(
            prepared if prepared is not None else prepare(loader(), options.openapi_paths)
        )
        self._poller: asyncio.Task[None] | None = None
        self._reload_lock = asyncio.Lock()
        # --workers N: the other workers, asked by the admin API (mocking.server.workers)
        self.peers: PeerGroup | None = None

    def _build(self, prepared: Prepared) -> ServedSet:
        engine = MockEngine(
            prepared.interactions,
            provider=self.options.provider,
            strict=self.options.strict,
            state_header=self.options.state_header,
            default_state=self.options.default_state,
            no_match_status=self.options.no_match_status,
            base_url=self.options.base_url,
            stateful=self.options.stateful,
        )
        served = ServedSet(prepared.contracts, engine, prepared.fingerprint)
        _release_memory(collect=prepared.garbage)
        return served

    # ------------------------------------------------------------------------------- reload

    async def reload(self, reason: str) -> dict[str, Any]:
        """Load the pacts again; swap only when the served content changed."""
        async with self._reload_lock:
            try:
                contracts = await asyncio.to_thread(self.loader)
            except (MockingError, BrokerClientError) as exc:
                self.last_reload_error = str(exc)
                logger.warning("reload (%s) failed, still serving the previous pacts: %s", reason, exc)
                return {"reloaded": False, "changed": False, "error": str(exc)}
            changed = contracts.fingerprint() != self.served.fingerprint
            self.last_reload_error = None
            if changed:
                self.served = self._build(
                    await asyncio.to_thread(prepare, contracts, self.options.openapi_paths)
                )
                if self.faults is not None:
                    self.faults.reset()
                self.reloads += 1
                for line in contracts.describe():
                    logger.info("reloaded (%s): %s", reason, line)
            return {"reloaded": True, "changed": changed, "served": contracts.to_json()}

    async def _poll(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.reload("polling")

    # ------------------------------------------------------------------------------- ASGI

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.peers is not None:
                    await self.peers.start(self.local_op)
                if self.options.poll_interval:
                    self._poller = asyncio.create_task(self._poll(self.options.poll_interval))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.peers is not None:
                    await self.peers.stop()
                if self._poller is not None:
                    self._poller.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await self._poller
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.options.max_body_bytes
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _send(send, _too_large(scope, limit))
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        path: str = scope["path"]
        if path.startswith(ADMIN_PREFIX) or path == ADMIN_PREFIX[:-1]:
            if not self._admin_allowed(scope):
                await _send(
                    send,
                    _json(
                        401,
                        {
                            "error": "the admin API needs the admin token: send 'Authorization: Bearer <token>' "
                            "(the token given with --admin-token)"
                        },
                    ),
                )
                return
            await self._admin(scope, body, send)
            return
        request = _incoming(scope["method"], path, scope["query_string"], scope["headers"], body)
        outcome = self.served.engine.handle(request)
        decision: FaultDecision | None = None
        response = outcome.response
        if self.faults is not None and outcome.interaction is not None:
            decision = self.faults.decide(outcome.interaction)
            if decision.delay > 0:
                await asyncio.sleep(decision.delay)
            if decision.action == "reset":
                self.journal.record(request, outcome, 0, decision.label)
                await _reset_connection(scope, send)
                return
            if decision.action == "error":
                response = prepare_response(decision.status, dict(decision.headers), decision.body)
        # recorded before the answer leaves: a client that got it finds it in the journal (any worker's)
        self.journal.record(request, outcome, response.status, decision.label if decision else "")
        if outcome.kind != "matched":
            self.unmatched += 1
        await _send(send, response)

    # ------------------------------------------------------------------------------- fast path

    def answers_now(self, path: str) -> bool:
        """Can a request for ``path`` be answered without waiting (the server's fast path, no ASGI task)?
        Not the admin API, and not with a faults file (delays, resets)."""
        return self.faults is None and not (path.startswith(ADMIN_PREFIX) or path == ADMIN_PREFIX[:-1])

    def respond_now(
        self,
        method: str,
        path: str,
        query: bytes,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        *,
        size: int = 0,
    ) -> PreparedResponse:
        """The answer to a request :meth:`answers_now` accepted: matched, journaled, ready to send.
        ``size`` is the body's size as received (the body itself is not kept past the limit)."""
        if max(size, len(body)) > self.options.max_body_bytes:
            return _too_large({"method": method, "path": path}, self.options.max_body_bytes)
        request = _incoming(method, path, query, headers, body)
        outcome = self.served.engine.handle(request)
        self.journal.record(request, outcome, outcome.response.status)
        if outcome.kind != "matched":
            self.unmatched += 1
        return outcome.response

    # ------------------------------------------------------------------------------- admin

    def _admin_allowed(self, scope: Scope) -> bool:
        token = self.options.admin_token
        if token is None or scope["path"].rstrip("/") == ADMIN_PREFIX + "health":
            return True  # health probes need no token
        expected = f"Bearer {token}".encode()
        given = next((v for k, v in scope["headers"] if k.lower() == b"authorization"), b"")
        return hmac.compare_digest(given, expected)

    # ------------------------------------------------------------------------------- worker state

    async def local_op(self, request: dict[str, Any]) -> Any:
        """One worker's part of an admin request (JSON in and out; see mocking.server.workers)."""
        op = request.get("op")
        engine = self.served.engine
        if op == "journal":
            return self.journal.snapshot()
        if op == "counts":
            return {
                "calls": [i.calls for i in engine.interactions],
                "unmatched": self.unmatched,
                "requests": self.journal.counter,
            }
        if op == "clear-journal":
            self.journal.clear()
            return {}
        if op == "reset":
            self.journal.clear()
            engine.reset_scenario()
            for interaction in engine.interactions:
                interaction.calls = 0
            if self.faults is not None:
                self.faults.reset()
            self.unmatched = 0
            return {}
        if op == "reload":
            return await self.reload(str(request.get("reason", "admin API")))
        raise MockServerError(f"unknown worker operation {op!r}")

    async def _everywhere(self, op: str, **arguments: Any) -> list[Any]:
        """``op`` done by every worker (just this one without --workers)."""
        request = {"op": op, **arguments}
        if self.peers is None:
            return [await self.local_op(request)]
        return await self.peers.gather(request)

    async def _counts(self) -> tuple[list[int], int, int]:
        """Calls per interaction, unmatched requests and requests, summed over the workers."""
        parts = await self._everywhere("counts")
        calls = [0] * len(self.served.engine.interactions)
        for part in parts:
            if len(part["calls"]) == len(calls):  # a worker mid-reload to another set: skip its counts
                calls = [a + b for a, b in zip(calls, part["calls"], strict=True)]
        return calls, sum(p["unmatched"] for p in parts), sum(p["requests"] for p in parts)

    async def status(self) -> dict[str, Any]:
        served = self.served
        _, _, requests = await self._counts()
        return {
            "provider": self.options.provider,
            "interactions": len(served.engine.interactions),
            "served": served.contracts.to_json(),
            "options": self.options.to_json(),
            "faults": self.faults is not None,
            "loadedAt": served.loaded_at,
            "reloads": self.reloads,
            "lastReloadError": self.last_reload_error,
            "requests": requests,
            "workers": len(self.peers.paths) if self.peers is not None else 1,
            "scenario": {
                "state": served.engine.scenario_state,
                "transitions": served.engine.scenario_log,
            },
        }

    async def _admin(self, scope: Scope, body: bytes, send: Send) -> None:
        try:
            await self._admin_route(scope, send)
        except MockServerError as exc:
            await _send(send, _json(503, {"error": str(exc)}))

    async def _admin_route(self, scope: Scope, send: Send) -> None:
        route = scope["path"][len(ADMIN_PREFIX) :].strip("/")
        method = scope["method"]
        query = parse_query_string(scope["query_string"].decode("latin-1"))
        document: Any
        status = 200
        if route == "" and method == "GET":
            document = await self.status()
        elif route == "health" and method == "GET":
            document = {"status": "ok"}
        elif route == "interactions" and method == "GET":
            calls, _, _ = await self._counts()
            document = [
                {**i.summary(), "calls": count}
                for i, count in zip(self.served.engine.interactions, calls, strict=True)
            ]
        elif route == "journal" and method == "GET":
            unmatched = query.get("unmatched", ["false"])[0].lower() in {"1", "true", "yes"}
            try:
                limit = int(query["limit"][0]) if "limit" in query else None
            except ValueError:
                await _send(send, _json(400, {"error": "limit must be an integer"}))
                return
            parts = await self._everywhere("journal")
            document = merge_journals(parts, self.journal.size, unmatched_only=unmatched, limit=limit)
        elif route == "journal" and method == "DELETE":
            await self._everywhere("clear-journal")
            document = {"cleared": True}
        elif route == "reset" and method == "POST":
            await self._everywhere("reset")
            document = {"reset": True}
        elif route == "verify" and method == "GET":
            calls, unmatched_count, _ = await self._counts()
            uncalled = [
                i.summary()
                for i, count in zip(self.served.engine.interactions, calls, strict=True)
                if count == 0
            ]
            ok = unmatched_count == 0 and not uncalled
            status = 200 if ok else 409
            document = {"ok": ok, "unmatchedRequests": unmatched_count, "uncalledInteractions": uncalled}
        elif route in {"reload", "webhook"} and method == "POST":
            results = await self._everywhere(
                "reload", reason="webhook" if route == "webhook" else "admin API"
            )
            document = next((r for r in results if r.get("error")), results[0])
            document["changed"] = any(r.get("changed") for r in results)
            if document.get("error"):
                status = 502
        else:
            status = 404
            document = {
                "error": f"no admin route {method} {scope['path']}",
                "routes": [
                    "GET /__tether/",
                    "GET /__tether/health",
                    "GET /__tether/interactions",
                    "GET /__tether/journal?unmatched=true&limit=N",
                    "DELETE /__tether/journal",
                    "POST /__tether/reset",
                    "GET /__tether/verify",
                    "POST /__tether/reload",
                    "POST /__tether/webhook",
                ],
            }
        await _send(send, _json(status, document))


def _incoming(
    method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]], body: bytes
) -> IncomingRequest:
    return IncomingRequest(
        method,
        path,
        query.decode("latin-1"),
        [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers],
        body,
    )


def _too_large(scope: Scope, limit: int) -> PreparedResponse:
    return _json(
        413,
        {
            "error": f"the body of {scope['method']} {scope['path']} is over the mock's limit of {limit} bytes",
            "hint": "send a smaller body, or start the mock with a larger --max-body-size",
        },
    )


def _release_memory(*, collect: bool) -> None:
    """Give the memory of parsed pact documents back to the system after a (re)load (glibc only).
    ``collect``: first collect the garbage cycles parsing may have left (a full collection: ~0.15 s
    with 10,000 interactions loaded, so skipped when nothing was parsed here)."""
    if collect:
        gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _json(status: int, document: Any) -> PreparedResponse:
    return prepare_response(
        status, {"Content-Type": "application/json"}, json.dumps(document, default=str).encode()
    )


async def _send(send: Send, response: PreparedResponse) -> None:
    await send({"type": "http.response.start", "status": response.status, "headers": response.headers})
    await send({"type": "http.response.body", "body": response.body})


async def _reset_connection(scope: Scope, send: Send) -> None:
    """Close the connection with a TCP reset (SO_LINGER 0), as a crashed or overloaded server would."""
    transport = (scope.get("extensions") or {}).get(TRANSPORT_EXTENSION)
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
        await asyncio.sleep(0)
        return
    # Without access to the transport: start a response and break off (the server closes the socket).
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100")]})
    raise ConnectionResetError("tether mock: connection reset injected by the faults file")
