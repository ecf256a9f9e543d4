"""Recording ``aioresponses`` mocks (aiohttp clients): ``m.get(url, payload=..., status=...)`` and ``m.add``.

Each registration becomes a recorded mock like the other libraries' (request: method and URL or regex;
response: status, headers, ``payload`` as JSON or ``body``); a ``callback`` or ``exception`` makes it
dynamic. The requests that hit it are read from the ``aioresponses`` object's request log.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mocking.audit.recorder import _url_text

if TYPE_CHECKING:
    from mocking.audit.recorder import Recorder


def _observer(mocked: Any, url: Any, method: str) -> Callable[[], list[tuple[str, str]]]:
    from aioresponses.core import RequestMatch

    matcher = RequestMatch(url, method=method)

    def observe() -> list[tuple[str, str]]:
        return [
            (str(verb).upper(), str(called))
            for verb, called in list(mocked.requests)
            if matcher.match(str(verb), called)
        ]

    return observe


def install_aioresponses_recording(recorder: Recorder) -> None:
    import aioresponses.core

    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        def add(mocked: Any, url: Any, method: str = "GET", status: int = 200, **options: Any) -> Any:
            mock = recorder._new("aioresponses")
            mock.method = str(method).upper()
            mock.url, mock.url_pattern = _url_text(
                url if isinstance(url, str) or hasattr(url, "pattern") else str(url)
            )
            if options.get("callback") is not None or options.get("exception") is not None:
                mock.dynamic = True
            else:
                mock.status = int(status)
                payload, body = options.get("payload"), options.get("body")
                if payload is not None:
                    mock.body = json.dumps(payload).encode()
                elif body:
                    mock.body = body if isinstance(body, bytes) else str(body).encode()
                headers = {str(k): str(v) for k, v in (options.get("headers") or {}).items()}
                content_type = options.get("content_type", "application/json")
                if mock.body and content_type and not any(k.lower() == "content-type" for k in headers):
                    headers["Content-Type"] = str(content_type)
                mock.headers = headers
            mock.observe = _observer(mocked, url, str(method))
            recorder.add(mock)
            return original(mocked, url, method, status, **options)

        return add

    recorder._wrap(aioresponses.core.aioresponses, "add", make)
