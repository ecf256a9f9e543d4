"""Test helpers for webhooks: a real HTTP receiver on loopback and a broker served in a thread with
its lifespan on (so the background worker runs)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import uvicorn
from fastapi import FastAPI

from broker.app import create_app
from broker.db import Database
from broker.server import uvicorn_options
from broker.settings import BrokerSettings
from tests.support import free_port


@dataclass
class Delivery:
    method: str
    path: str
    headers: dict[str, str]
    body: str
    received_at: float


@dataclass
class Receiver:
    """Records every request; answers with the queued statuses first, then ``default_status``."""

    url: str
    deliveries: list[Delivery] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    default_status: int = 200
    hold: threading.Event | None = None
    body: bytes | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Delivery]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.deliveries) >= count:
                    return list(self.deliveries)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} deliveries within {timeout}s, got {len(self.deliveries)}")


@contextlib.contextmanager
def receiver() -> Iterator[Receiver]:
    port = free_port()
    state = Receiver(url=f"http://127.0.0.1:{port}")

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            with state.lock:
                state.deliveries.append(
                    Delivery(
                        self.command,
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                        time.time(),
                    )
                )
                status = state.statuses.pop(0) if state.statuses else state.default_status
            if state.hold is not None:
                state.hold.wait(30)
            payload = state.body or f'{{"received": true, "status": {status}}}'.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_POST = do_PUT = do_GET = do_PATCH = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        if state.hold is not None:
            state.hold.set()
        server.shutdown()
        server.server_close()


FAST_WEBHOOKS = {
    "webhook_retry_schedule": "0.3,0.6,1.2",
    "webhook_poll_seconds": "0.05",
    "webhook_timeout_seconds": "3",
    "webhook_lease_seconds": "10",
    "webhook_gap_fill_seconds": "3600",  # tests call provider_contracts.fill_missing_checks themselves
}


def webhook_settings(database_url: str, **overrides: Any) -> BrokerSettings:
    """Settings that let webhooks call 127.0.0.1 over http, with fast retries."""
    extra = {**FAST_WEBHOOKS, **overrides.pop("extra", {})}
    values: dict[str, Any] = {
        "database_url": database_url,
        "webhook_host_allow_list": ("127.0.0.1",),
        "webhook_scheme_allow_list": ("http", "https"),
        "extra": extra,
    }
    values.update(overrides)
    return BrokerSettings(**values)


@dataclass
class ThreadBroker:
    url: str
    app: FastAPI
    db: Database


@contextlib.contextmanager
def broker_in_thread(settings: BrokerSettings) -> Iterator[ThreadBroker]:
    """The broker app under uvicorn in a thread, lifespan on (the background worker runs)."""
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", **uvicorn_options()
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("in-process broker did not start")
        time.sleep(0.02)
    try:
        yield ThreadBroker(url=f"http://127.0.0.1:{port}", app=app, db=app.state.db)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        app.state.db.dispose()


def wait_until(predicate: Callable[[], Any], timeout: float = 20.0, message: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{message} not reached within {timeout}s")
