"""Client mistakes get a 4xx with ``{"errors": ...}`` naming the problem, and nothing is stored."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.broker.conftest import LocalBroker
from tests.broker.test_publishing import make_pact, publish_body

TABLES = ("pacticipant", "version", "tag", "branch", "pact_version", "pact_publication")


def stored_rows(broker: LocalBroker) -> dict[str, int]:
    return {
        table: int(
            broker.db.read(lambda s, t=table: s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
        )  # type: ignore[misc]
        for table in TABLES
    }


def _b64(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.b64encode(raw).decode()


def _with_content(content: str) -> dict[str, Any]:
    body = publish_body(make_pact())
    body["contracts"][0]["content"] = content
    return body


def _no_consumer() -> dict[str, Any]:
    pact = make_pact()
    del pact["consumer"]
    return _with_content(_b64(pact))


def _spec(version: str) -> dict[str, Any]:
    pact = make_pact()
    pact["metadata"]["pactSpecification"]["version"] = version
    return _with_content(_b64(pact))


CASES: dict[str, tuple[dict[str, Any], str, str]] = {
    "missing consumer in the pact": (
        _no_consumer(),
        "contracts[0].content.consumer.name",
        "has no consumer name",
    ),
    "unknown spec version": (
        _spec("9.1"),
        "contracts[0].content.metadata.pactSpecification.version",
        "Unknown pact specification version '9.1'",
    ),
    "content not base64": (_with_content("!!not base64!!"), "contracts[0].content", "not valid base64"),
    "content not JSON": (_with_content(_b64(b"{nope")), "contracts[0].content", "not valid JSON"),
    "content is an array": (_with_content(_b64([1, 2])), "contracts[0].content", "must be a JSON object"),
    "version with a newline": (
        {**publish_body(make_pact()), "pacticipantVersionNumber": "1\n2"},
        "pacticipantVersionNumber",
        "line break",
    ),
    "blank branch": ({**publish_body(make_pact()), "branch": "  "}, "branch", "non-blank"),
    "dot-dot pacticipant": (
        {**publish_body(make_pact()), "pacticipantName": ".."},
        "pacticipantName",
        "not allowed",
    ),
    "consumerName mismatch": (
        {**publish_body(make_pact()), "pacticipantName": "Other"},
        "contracts[0].consumerName",
        "must match pacticipantName",
    ),
    "unsupported specification": (
        {
            **publish_body(make_pact()),
            "contracts": [{**publish_body(make_pact())["contracts"][0], "specification": "oas"}],
        },
        "contracts[0].specification",
        'only "pact"',
    ),
    "missing version number": (
        {k: v for k, v in publish_body(make_pact()).items() if k != "pacticipantVersionNumber"},
        "pacticipantVersionNumber",
        "Field required",
    ),
    "contracts not an array": (
        {**publish_body(make_pact()), "contracts": {"a": 1}},
        "contracts",
        "valid list",
    ),
    "no contracts": ({**publish_body(make_pact()), "contracts": []}, "contracts", "at least one"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_publication_is_a_400_naming_the_field(local_broker: LocalBroker, case: str) -> None:
    body, field, message = CASES[case]
    response = httpx.post(local_broker.url + "/contracts/publish", json=body)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/hal+json;charset=utf-8"
    errors = response.json()["errors"]
    assert field in errors, errors
    assert any(message in text for text in errors[field]), errors
    assert set(stored_rows(local_broker).values()) == {0}


def test_malformed_json_body(local_broker: LocalBroker) -> None:
    response = httpx.post(
        local_broker.url + "/contracts/publish",
        content=b'{"pacticipantName": ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"]["body"][0].startswith("The request body is not valid JSON")
    legacy = httpx.put(
        local_broker.url + "/pacts/provider/P/consumer/C/version/1",
        content=b"{",
        headers={"Content-Type": "application/json"},
    )
    assert legacy.status_code == 400
    assert "not valid JSON" in legacy.json()["errors"]["body"][0]
    assert set(stored_rows(local_broker).values()) == {0}


def test_problem_json_when_asked(local_broker: LocalBroker) -> None:
    response = httpx.post(
        local_broker.url + "/contracts/publish",
        json=_no_consumer(),
        headers={"Accept": "application/problem+json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json;charset=utf-8"
    problem = response.json()
    assert problem["title"] == "Validation errors"
    assert problem["errors"][0]["pointer"] == "/contracts[0]/content/consumer/name"


def test_a_20_mb_body_is_a_413_before_anything_is_read(local_broker: LocalBroker) -> None:
    big = b'{"x": "' + b"a" * 20_000_000 + b'"}'
    response = httpx.post(
        local_broker.url + "/contracts/publish",
        content=big,
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert response.status_code == 413
    assert "larger than the broker's limit of 10485760 bytes" in response.json()["errors"]["body"][0]
    assert set(stored_rows(local_broker).values()) == {0}


def test_a_chunked_body_over_the_limit_is_a_413(local_broker: LocalBroker) -> None:
    def chunks() -> Any:
        yield b'{"x": "'
        for _ in range(12):
            yield b"a" * 1_000_000
        yield b'"}'

    response = httpx.put(
        local_broker.url + "/pacts/provider/P/consumer/C/version/1",
        content=chunks(),
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert response.status_code == 413
    assert "errors" in response.json()


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/pacticipants/..%2F..%2Fetc/versions/1/tags/prod", "pacticipant"),
        ("/pacticipants/Foo/versions/%2E%2E/tags/prod", "version"),
        ("/pacticipants/Foo/versions/1/tags/%20prod", "tag"),
        ("/pacticipants/Foo/branches/..%2F/versions/1", "branch"),
    ],
)
def test_path_injection_and_invalid_names_are_refused(
    local_broker: LocalBroker, path: str, field: str
) -> None:
    response = httpx.put(local_broker.url + path, json={})
    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]
    assert set(stored_rows(local_broker).values()) == {0}


def test_wrong_types_in_pacticipant_body(local_broker: LocalBroker) -> None:
    response = httpx.patch(local_broker.url + "/pacticipants/Foo", json={"mainBranch": 5})
    assert response.status_code == 400
    assert response.json()["errors"] == {"mainBranch": ["mainBranch must be a string or null."]}
    response = httpx.patch(local_broker.url + "/pacticipants/Foo", json=[1])
    assert response.status_code == 400
    assert set(stored_rows(local_broker).values()) == {0}


def test_unknown_things_are_404_with_errors(local_broker: LocalBroker) -> None:
    for path in (
        "/pacticipants/Nope",
        "/pacticipants/Nope/versions/1",
        "/pacticipants/Nope/latest-version",
        "/pacts/provider/A/consumer/B/latest",
        "/pacts/provider/A/consumer/B/pact-version/abc",
    ):
        response = httpx.get(local_broker.url + path)
        assert response.status_code == 404, path
        assert (
            "Nope" in json.dumps(response.json())
            or "'A'" in json.dumps(response.json())
            or "'B'" in json.dumps(response.json())
        )
