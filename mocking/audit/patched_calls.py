"""Recording ``unittest.mock.patch`` of ``requests.get/post/...`` (and ``httpx.get/...``): the pattern many
tutorials teach, ``patch("requests.get", return_value=Mock(status_code=200, json=lambda: {...}))`` or
``mock_get.return_value.json.return_value = {...}``.

The patch is noticed when it starts; what it stands for is read at the end of the run from the mock
object itself: the URLs it was called with (its ``call_args_list``) and the response it returned (the
``status_code`` and ``.json()`` set on its return value). Each distinct (method, URL) called becomes one
recorded mock; a response left to ``Mock`` defaults (no status, no JSON) only has its request checked.
"""

from __future__ import annotations

import json
import unittest.mock
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mocking.audit.recorder import RecordedMock, Recorder

HTTP_FUNCTIONS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})


def _is_http_target(target: Any, attribute: str | None) -> bool:
    if attribute not in HTTP_FUNCTIONS:
        return False
    module = getattr(target, "__name__", "") or ""
    if module in {"requests", "requests.api", "httpx", "httpx._api"}:
        return True
    return isinstance(target, type) and target.__module__ in {"requests.sessions", "httpx._client"}


def _set(value: Any) -> bool:
    """A value the test set (not a child Mock made up on access)."""
    return not isinstance(value, unittest.mock.NonCallableMock)


def _response_of(mock_object: Any) -> tuple[int | None, bytes | None, bool]:
    """(status, JSON body, dynamic) of what the patched function returns."""
    if mock_object.side_effect is not None:
        return None, None, True
    response = mock_object.return_value
    status = getattr(response, "status_code", None)
    status = status if isinstance(status, int) and _set(status) else None
    body: bytes | None = None
    reader = getattr(response, "json", None)
    if isinstance(reader, unittest.mock.NonCallableMock):
        if reader.side_effect is None and _set(reader.return_value):
            body = json.dumps(reader.return_value).encode()
    elif callable(reader):
        try:
            body = json.dumps(reader()).encode()
        except Exception:  # a json() that needs arguments or raises: leave the body unchecked
            body = None
    return status, body, status is None


def _calls(attribute: str, mock_object: Any) -> list[tuple[str, str]]:
    found = []
    for call in mock_object.call_args_list:
        args, kwargs = call.args, call.kwargs
        if attribute == "request":
            method = args[0] if args else kwargs.get("method")
            url = args[1] if len(args) > 1 else kwargs.get("url")
        else:
            method = attribute
            url = args[0] if args else kwargs.get("url")
        if isinstance(method, str) and isinstance(url, str):
            found.append((method.upper(), url))
    return found


def _resolver(attribute: str, mock_object: Any) -> Callable[[RecordedMock], list[RecordedMock]]:
    def resolve(recorded: RecordedMock) -> list[RecordedMock]:
        import dataclasses

        status, body, dynamic = _response_of(mock_object)
        calls = list(dict.fromkeys(_calls(attribute, mock_object)))
        base = dataclasses.replace(
            recorded,
            resolve=None,
            status=status,
            body=body,
            dynamic=dynamic,
            headers={"Content-Type": "application/json"} if body is not None else {},
        )
        if not calls:
            method = None if attribute == "request" else attribute.upper()
            return [dataclasses.replace(base, method=method, url_pattern=f"any URL passed to {attribute}()")]
        return [dataclasses.replace(base, method=method, url=url) for method, url in calls]

    return resolve


def install_patch_recording(recorder: Recorder) -> None:
    """Notice every ``unittest.mock.patch`` of an HTTP function of requests or httpx while the audit runs."""
    patch_class: Any = unittest.mock._patch

    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        def __enter__(patcher: Any) -> Any:
            new = original(patcher)
            target = getattr(patcher, "target", None)
            attribute = getattr(patcher, "attribute", None)
            if _is_http_target(target, attribute) and isinstance(new, unittest.mock.NonCallableMock):
                mock = recorder._new("unittest.mock")
                mock.resolve = _resolver(str(attribute), new)
                recorder.add(mock)
            return new

        return __enter__

    recorder._wrap(patch_class, "__enter__", make)
