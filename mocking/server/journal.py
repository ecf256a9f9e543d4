"""The request journal: what the mock received, what it matched, and why not.

Bounded (a ring of the last N requests, 1000 by default) so a long load run cannot exhaust memory —
the failure mode WireMock users report with its unbounded journal. Entries keep references to
objects already built for the answer; they are rendered to JSON only when the journal is read.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from contracts.mismatches import Mismatch
from mocking.server.engine import IncomingRequest, Outcome

BODY_PREVIEW = 2048
REDACTED = "[redacted]"
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SECRET_WORDS = ("token", "secret", "api-key", "apikey", "password", "session")


def is_secret_header(name: str) -> bool:
    """Headers whose values the journal never shows: credentials, cookies, tokens, keys."""
    lowered = name.lower()
    return lowered in _SECRET_HEADERS or any(word in lowered for word in _SECRET_WORDS)


def _redacted_mismatch(mismatch: dict[str, Any]) -> dict[str, Any]:
    if mismatch.get("kind") == "header" and is_secret_header(str(mismatch.get("path", ""))):
        return {
            **mismatch,
            "actual": REDACTED,
            "message": f"header {mismatch['path']} differs (value redacted)",
        }
    return mismatch


def _redacted_report(report: dict[str, Any]) -> dict[str, Any]:
    closest = [
        {**entry, "mismatches": [_redacted_mismatch(m) for m in entry.get("mismatches", [])]}
        for entry in report.get("closest", [])
    ]
    return {**report, "closest": closest}


@dataclass(slots=True)
class JournalEntry:
    number: int
    received_at: float
    request: IncomingRequest
    outcome: Outcome
    fault: str = ""
    status: int = 0

    def to_json(self) -> dict[str, Any]:
        interaction = self.outcome.interaction
        body = self.request.body[:BODY_PREVIEW].decode("utf-8", errors="replace")
        mismatches: list[Mismatch] = self.outcome.mismatches
        entry: dict[str, Any] = {
            "number": self.number,
            "receivedAt": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(self.received_at))
            + f".{int(self.received_at % 1 * 1000):03d}Z",
            "request": {
                "method": self.request.method,
                "path": self.request.path,
                "query": self.request.query,
                "headers": [[k, REDACTED if is_secret_header(k) else v] for k, v in self.request.headers],
                "body": body,
            },
            "result": self.outcome.kind,
            "providerState": self.outcome.state,
            "status": self.status,
            "interaction": interaction.summary() if interaction else None,
            "mismatches": [_redacted_mismatch(m.to_json()) for m in mismatches],
        }
        if self.fault:
            entry["fault"] = self.fault
        if self.outcome.report is not None:
            entry["report"] = _redacted_report(self.outcome.report)
        return entry


@dataclass
class Journal:
    size: int = 1000
    entries: deque[JournalEntry] = field(init=False)
    counter: int = field(default=0, init=False)
    worker: int | None = field(default=None, init=False)  # --workers N: which worker keeps this journal

    def __post_init__(self) -> None:
        self.entries = deque(maxlen=self.size if self.size > 0 else None)
        self._lock = threading.Lock()

    def record(self, request: IncomingRequest, outcome: Outcome, status: int, fault: str = "") -> None:
        if self.size == 0:
            return
        with self._lock:
            self.counter += 1
            self.entries.append(JournalEntry(self.counter, time.time(), request, outcome, fault, status))

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()

    def snapshot(self) -> dict[str, Any]:
        """This journal as one worker's part of :func:`merge_journals` (JSON)."""
        with self._lock:
            entries = list(self.entries)
            counter = self.counter
        rendered = [e.to_json() for e in entries]
        if self.worker is not None:
            for entry in rendered:
                entry["worker"] = self.worker
        return {
            "counter": counter,
            "entries": [[e.received_at, r] for e, r in zip(entries, rendered, strict=True)],
        }

    def to_json(self, *, unmatched_only: bool = False, limit: int | None = None) -> list[dict[str, Any]]:
        return merge_journals([self.snapshot()], self.size, unmatched_only=unmatched_only, limit=limit)


def merge_journals(
    parts: list[dict[str, Any]], size: int, *, unmatched_only: bool = False, limit: int | None = None
) -> list[dict[str, Any]]:
    """The journal of several workers (their :meth:`Journal.snapshot`) as one: the last ``size`` entries
    by time, numbered across workers (each keeps its own last ``size``, so together they hold the last
    ``size`` of all)."""
    total = sum(int(part["counter"]) for part in parts)
    timed = sorted(
        ((float(at), order, entry) for part in parts for order, (at, entry) in enumerate(part["entries"])),
        key=lambda item: (item[0], item[1]),
    )
    if size > 0:
        timed = timed[-size:]
    first = total - len(timed) + 1
    entries = []
    for offset, (_, _, entry) in enumerate(timed):
        entry["number"] = first + offset
        entries.append(entry)
    if unmatched_only:
        entries = [e for e in entries if e["result"] != "matched" or e["mismatches"]]
    if limit is not None:
        entries = entries[-limit:]
    return entries
