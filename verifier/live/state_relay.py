"""A loopback relay between the verifier and the provider's state-change endpoint.

The Rust verifier posts every provider-state change (``{"state", "params", "action"}``) to the
relay, which forwards it unchanged to ``--state-change-url`` and hands the provider's answer back
(its JSON feeds ProviderState generators). The listener sees every call (setup and teardown) with
the provider's answer, which is how the engine follows the replay as it happens; without a
state-change URL the relay answers ``{}`` itself.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx


@dataclass(frozen=True)
class StateChange:
    state: str
    action: str  # setup | teardown
    params: dict[str, Any]
    status: int = 200  # what the provider answered (502 when it could not be reached)
    problem: str | None = None  # why the call failed, when it did


StateListener = Callable[[StateChange], None]


class StateRelay:
    """Run with ``with StateRelay(url, listener) as relay: ... relay.url``."""

    def __init__(self, target_url: str | None, listener: StateListener | None = None) -> None:
        self.target_url = target_url
        self.listener = listener
        self.failures: list[str] = []
        self._client = httpx.Client(timeout=30.0)
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                status, body = relay.handle(raw, self.headers.get("Content-Type") or "application/json")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return  # keep the terminal quiet

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="state-relay", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/_tether/state-change"

    def __enter__(self) -> StateRelay:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._client.close()

    def handle(self, raw: bytes, content_type: str) -> tuple[int, bytes]:
        try:
            message = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            message = {}
        if not isinstance(message, dict):
            message = {}
        params = message.get("params")
        change = StateChange(
            state=str(message.get("state") or ""),
            action=str(message.get("action") or "setup"),
            params=params if isinstance(params, dict) else {},
        )
        status, body, problem = self._forward(change, raw, content_type)
        if problem is not None:
            self.failures.append(problem)
        if self.listener is not None:
            self.listener(replace(change, status=status, problem=problem))
        return status, body

    def _forward(self, change: StateChange, raw: bytes, content_type: str) -> tuple[int, bytes, str | None]:
        if self.target_url is None:
            return 200, b"{}", None
        try:
            response = self._client.post(self.target_url, content=raw, headers={"Content-Type": content_type})
        except httpx.HTTPError as exc:
            problem = (
                f"state change {change.state!r} ({change.action}): cannot reach {self.target_url}: {exc}"
            )
            return 502, json.dumps({"error": problem}).encode(), problem
        if response.status_code >= 400:
            problem = (
                f"state change {change.state!r} ({change.action}) answered HTTP {response.status_code}: "
                f"{response.text[:300]}"
            )
            return response.status_code, response.content or b"{}", problem
        return response.status_code, response.content or b"{}", None
