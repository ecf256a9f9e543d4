"""Request counts per route from real traffic: access logs (common/combined format) and HAR files."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from loadgen.locust.errors import ScenarioError
from loadgen.locust.routes import Route, route_of, template_for

# 127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 ["referer" "agent"]
_ACCESS_LINE = re.compile(
    r'^\S+ \S+ \S+ \[[^\]]*\] "(?P<method>[A-Z]+) (?P<target>\S+)(?: [^"]*)?" (?P<status>\d{3}) \S+'
    r'(?: "[^"]*" "(?P<agent>[^"]*)")?'
)
SMALL_SAMPLE = 100
"""Fewer matched requests than this give rough weights: the generator warns."""

TrafficKey = tuple[Route, int | None, str | None]
"""Route template, response status (None when the log has none), consumer (None when unknown)."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    status: int | None = None
    agent: str | None = None


@dataclass
class TrafficCounts:
    """How often each route was called in a traffic sample (by status and consumer when the sample
    says), and what could not be placed, per path template."""

    source: str
    by_key: Counter[TrafficKey] = field(default_factory=Counter)
    unmatched: Counter[str] = field(default_factory=Counter)
    total: int = 0

    @property
    def by_route(self) -> Counter[Route]:
        counts: Counter[Route] = Counter()
        for (route, _, _), count in self.by_key.items():
            counts[route] += count
        return counts

    @property
    def matched(self) -> int:
        return sum(self.by_key.values())

    @property
    def warnings(self) -> list[str]:
        if self.matched == 0:
            return [f"no request of {self.source} matched an interaction's route: every weight is 1"]
        if self.matched < SMALL_SAMPLE:
            return [
                f"only {self.matched} request(s) of {self.source} matched an interaction's route: "
                f"weights from fewer than {SMALL_SAMPLE} are rough; use a longer log"
            ]
        return []


def read_requests(path: Path) -> list[Request]:
    """The requests in an access log or a HAR file (chosen by content, not by file name)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ScenarioError(f"cannot read traffic log {path}: {exc.strerror}") from exc
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return list(_har_requests(path, stripped))
    return list(_access_log_requests(path, text))


def _har_requests(path: Path, text: str) -> Iterator[Request]:
    try:
        document = json.loads(text)
        entries = document["log"]["entries"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ScenarioError(
            f"{path} is not a HAR file: expected a JSON object with log.entries[] ({exc}). "
            "Export it from the browser's network panel with 'Save all as HAR'."
        ) from exc
    for index, entry in enumerate(entries):
        try:
            request = entry["request"]
            status = (entry.get("response") or {}).get("status")
            agent = next(
                (
                    str(h.get("value"))
                    for h in request.get("headers") or []
                    if str(h.get("name")).lower() == "user-agent"
                ),
                None,
            )
            yield Request(
                str(request["method"]).upper(),
                urlsplit(str(request["url"])).path or "/",
                int(status) if isinstance(status, int) and status > 0 else None,
                agent,
            )
        except (KeyError, TypeError) as exc:
            raise ScenarioError(f"{path}: log.entries[{index}] has no request.method/request.url") from exc


def _access_log_requests(path: Path, text: str) -> Iterator[Request]:
    bad_lines: list[int] = []
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        seen += 1
        match = _ACCESS_LINE.match(line)
        if match is None:
            bad_lines.append(number)
            continue
        yield Request(
            match["method"], urlsplit(match["target"]).path or "/", int(match["status"]), match["agent"]
        )
    if seen and len(bad_lines) == seen:
        raise ScenarioError(
            f"{path}: no line is in common or combined log format (first bad line: {bad_lines[0]}); "
            'expected lines like 127.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /orders/1 HTTP/1.1" 200 512'
        )


def count_routes(
    requests: Iterable[Request], routes: Iterable[Route], *, source: str, consumers: Sequence[str] = ()
) -> TrafficCounts:
    """Count `requests` by route, status and consumer (a consumer whose name the User-Agent holds);
    requests no route takes are counted per path template."""
    known = list(routes)
    names = sorted(consumers, key=len, reverse=True)  # "OrderWebAdmin" before "OrderWeb"
    counts = TrafficCounts(source=source)
    for request in requests:
        counts.total += 1
        route = route_of(request.method, request.path, known)
        if route is None:
            counts.unmatched[f"{request.method} {template_for(request.path)}"] += 1
            continue
        agent = (request.agent or "").lower()
        consumer = next((name for name in names if name.lower() in agent), None) if agent else None
        counts.by_key[(route, request.status, consumer)] += 1
    return counts
