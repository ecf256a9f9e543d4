"""The per-process background worker: a daemon thread that runs due jobs (webhook deliveries,
pending contract cross-checks) until the application shuts down.

Every broker process runs one; they coordinate only through the database (``outbox.claim``), so
any number of processes may run side by side. The worker polls every ``poll_seconds`` and is woken
at once when this process commits a transaction that queued work (``wake``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """``run_once()`` does one batch of due work and returns how many items it handled."""

    name: str
    run_once: Callable[[], int]


class BackgroundWorker:
    def __init__(self, jobs: Sequence[Job], *, poll_seconds: float) -> None:
        self.jobs = list(jobs)
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="tether-broker-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def run_once(self) -> int:
        handled = 0
        for job in self.jobs:
            if self._stop.is_set():
                break
            try:
                handled += job.run_once()
            except Exception:
                log.exception("background job %s failed; it will run again", job.name)
        return handled

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self.run_once():
                continue
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
