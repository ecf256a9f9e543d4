"""Mocks without a concrete request (a regex URL, no method), made concrete by the requests that hit them.

A regex-URL mock or one that answers any method says nothing checkable by itself; the requests the code
under test actually sent to it do. Each distinct (method, URL) that hit the mock becomes a concrete copy
of it, checked like a literal mock. Without hits, a mock with a URL but no method keeps the old rule (the
spec check takes the path's only method, if it has one); one without a URL stays "not audited".
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from mocking.audit.recorder import RecordedMock


@dataclass(frozen=True, slots=True)
class Concrete:
    """The mocks to check for one recorded mock, and the note saying how they were found."""

    mocks: list[RecordedMock]
    note: str = ""


def _what(mock: RecordedMock) -> str:
    if mock.url is None:
        return f"its URL is a pattern ({mock.url_pattern})" if mock.url_pattern else "it matches any URL"
    return "it answers any method"


def concrete(mock: RecordedMock) -> Concrete:
    if mock.url is not None and mock.method is not None:
        return Concrete([mock])
    hits = mock.hits or []
    if not hits:
        if mock.url is not None:
            return Concrete(
                [mock], "it answers any method and no request hit it: checked for the path's methods"
            )
        return Concrete([], f"{_what(mock)} and no request hit it, so there is no concrete request to check")
    copies = [
        dataclasses.replace(mock, method=(mock.method or method).upper(), url=url, hits=None, observe=None)
        for method, url in dict.fromkeys(hits)
    ]
    return Concrete(copies, f"{_what(mock)}: checked on the {len(copies)} request(s) that hit it")
