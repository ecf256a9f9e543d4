"""Wiring webhooks (and the other background jobs) into one application: ``install(app, settings, db)``.

* subscribes the outbox writer and the contract cross-check queuer to ``broker.events``;
* records each request's base URL (``current_base_url``) so queued webhooks carry absolute pact URLs;
* starts the process's background worker with the application (lifespan) and stops it on shutdown.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from broker import events
from broker.db import Database
from broker.hal import base_url_for
from broker.services import contract_checks, webhook_delivery, webhook_events
from broker.settings import BrokerSettings
from broker.webhooks.config import WebhookSettings
from broker.webhooks.worker import BackgroundWorker, Job

log = logging.getLogger(__name__)


def _every(seconds: float, run: Callable[[], int]) -> Callable[[], int]:
    """Run ``run`` at most once per ``seconds`` (the first call runs at once); always reports 0 handled,
    since what it queues is picked up by the checks job."""
    last = [-seconds]

    def maybe() -> int:
        at = time.monotonic()
        if at - last[0] >= seconds:
            last[0] = at
            run()
        return 0

    return maybe


class BaseUrlMiddleware:
    """Remembers the request's public base URL for events raised while handling it."""

    def __init__(self, app: ASGIApp, base_urls: tuple[str, ...]) -> None:
        self.app = app
        self.base_urls = base_urls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = webhook_events.current_base_url.set(base_url_for(Request(scope), self.base_urls))
        try:
            await self.app(scope, receive, send)
        finally:
            webhook_events.current_base_url.reset(token)


def build_worker(db: Database, settings: WebhookSettings) -> BackgroundWorker:
    token = f"{uuid.uuid4().hex[:12]}"
    jobs = [
        Job("webhook deliveries", lambda: webhook_delivery.deliver_due(db, settings, token)),
        Job("contract cross-checks", lambda: contract_checks.run_pending_checks(db, settings.lease_seconds)),
        Job(
            "missing cross-checks",
            _every(
                settings.gap_fill_seconds,
                lambda: (
                    db.read(contract_checks.any_contracts) and db.write(contract_checks.fill_missing_checks)
                ),
            ),
        ),
    ]
    return BackgroundWorker(jobs, poll_seconds=settings.poll_seconds)


def _requeue_unchecked(db: Database) -> None:
    """Checks left unknown for want of a checker are computed now that one may be installed."""
    try:
        db.write(contract_checks.requeue_unchecked)
    except Exception:
        log.exception("could not re-queue unchecked contract cross-checks")


def install(app: FastAPI, settings: BrokerSettings, db: Database) -> WebhookSettings:
    webhook_settings = WebhookSettings.from_settings(settings)
    worker = build_worker(db, webhook_settings)
    webhook_events.register_runtime(
        db, webhook_events.WebhookRuntime(webhook_settings, settings.base_urls, wake=worker.wake)
    )
    contract_checks.register_wake(db, worker.wake)
    events.subscribe(webhook_events.on_event)
    events.subscribe(contract_checks.on_event)
    app.state.webhook_settings = webhook_settings
    app.state.background_worker = worker
    app.add_middleware(BaseUrlMiddleware, base_urls=settings.base_urls)

    previous: Callable[[Any], AbstractAsyncContextManager[Any]] = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        if webhook_settings.worker_enabled:
            await anyio.to_thread.run_sync(_requeue_unchecked, db)
            worker.start()
        try:
            async with previous(application) as state:
                yield state
        finally:
            await anyio.to_thread.run_sync(worker.stop)

    app.router.lifespan_context = lifespan
    return webhook_settings
