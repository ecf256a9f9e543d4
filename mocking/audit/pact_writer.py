"""Recorded hand-written mocks written as a consumer pact (V3), one file per provider.

Teams that never wrote Pact tests get a contract they can publish: each distinct mock (method,
path, query, expected JSON request body, status, response body) becomes an interaction described by
the test that registered it.
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path
from typing import Any

from mocking.audit.recorder import UNSET, RecordedMock


def _test_name(nodeid: str) -> str:
    return nodeid.split("::", 1)[-1] if "::" in nodeid else nodeid


def interaction_for(mock: RecordedMock) -> dict[str, Any] | None:
    if mock.status is None or mock.path is None or not mock.method:
        return None
    request: dict[str, Any] = {"method": mock.method, "path": mock.path}
    if mock.query:
        request["query"] = {
            k: v for k, v in urllib.parse.parse_qs(mock.query, keep_blank_values=True).items()
        }
    if mock.request_json is not UNSET:
        request["headers"] = {"Content-Type": "application/json"}
        request["body"] = mock.request_json
    response: dict[str, Any] = {"status": mock.status}
    content_type = mock.content_type()
    if content_type:
        response["headers"] = {"Content-Type": content_type}
    if mock.body:
        body = mock.json_body()
        response["body"] = body if body is not UNSET else mock.body.decode("utf-8", errors="replace")
    description = f"{mock.method} {mock.path} -> {mock.status} ({_test_name(mock.test)})"
    return {"description": description, "request": request, "response": response}


def write_pacts(
    consumer: str, mocks_by_provider: dict[str, list[RecordedMock]], directory: Path
) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for provider, mocks in sorted(mocks_by_provider.items()):
        interactions: dict[str, dict[str, Any]] = {}
        for mock in mocks:
            interaction = interaction_for(mock)
            if interaction is None:
                continue
            key = json.dumps([interaction["request"], interaction["response"]], sort_keys=True)
            interactions.setdefault(key, interaction)
        if not interactions:
            continue
        descriptions: dict[str, int] = {}
        unique = []
        for interaction in interactions.values():
            count = descriptions.get(interaction["description"], 0)
            descriptions[interaction["description"]] = count + 1
            if count:
                interaction = {**interaction, "description": f"{interaction['description']} #{count + 1}"}
            unique.append(interaction)
        document = {
            "consumer": {"name": consumer},
            "provider": {"name": provider},
            "interactions": unique,
            "metadata": {
                "pactSpecification": {"version": "3.0.0"},
                "tether": {"generatedFrom": "hand-written test mocks (tether --tether-audit-pact)"},
            },
        }
        path = directory / f"{consumer}-{provider}.json"
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
