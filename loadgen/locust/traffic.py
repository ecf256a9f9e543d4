"""Request counts per route from real traffic: access logs (common/combined format) and HAR files."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from loadgen.locust.errors import ScenarioError
from loadgen.locust.routes import Route, route_of

# 127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 ["referer" "agent"]
_ACCESS_LINE = re.compile(
    r'^\S+ \S+ \S+ \[[^\]]*\] "(?P<method>[A-Z]+) (?P<target>\S+)(?: [^"]*)?" \d{3} \S+'
)


@dataclass(frozen=True)
class Request:
    method: str
    path: str


@dataclass
class TrafficCounts:
    """How often each route was called in a traffic sample, and what could not be placed."""

    source: str
    by_route: Counter[Route] = field(default_factory=Counter)
    unmatched: Counter[str] = field(default_factory=Counter)
    total: int = 0

    @property
    def matched(self) -> int:
        return sum(self.by_route.values())


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
            yield Request(str(request["method"]).upper(), urlsplit(str(request["url"])).path or "/")
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
        yield Request(match["method"], urlsplit(match["target"]).path or "/")
    if seen and len(bad_lines) == seen:
        raise ScenarioError(
            f"{path}: no line is in common or combined log format (first bad line: {bad_lines[0]}); "
            'expected lines like 127.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /orders/1 HTTP/1.1" 200 512'
        )


def count_routes(requests: Iterable[Request], routes: Iterable[Route], *, source: str) -> TrafficCounts:
    known = list(routes)
    counts = TrafficCounts(source=source)
    for request in requests:
        counts.total += 1
        route = route_of(request.method, request.path, known)
        if route is None:
            counts.unmatched[f"{request.method} {request.path}"] += 1
        else:
            counts.by_route[route] += 1
    return counts
