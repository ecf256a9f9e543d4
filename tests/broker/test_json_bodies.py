"""Every JSON body is strict: non-finite numbers, integers beyond the parser's limit, lone surrogates
and nesting deeper than 100 levels are a 400 naming the problem, and nothing is stored - on SQLite
(which stored ``1e999`` as ``Infinity`` and then answered 500) and on PostgreSQL (which cannot store a
lone surrogate). Path integers beyond the database's range are a 404, not a database error."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.broker.conftest import RunningBroker
from tests.broker.test_publishing import make_pact, publish_body

NESTED = "[" * 150 + "]" * 150
HUGE_INT = "9" * 5000
VERIFICATION = '{"success": true, "providerApplicationVersion": "2", "testResults": [{"x": BAD}]}'
WEBHOOK = '{"description": BAD, "request": {"method": "POST", "url": "https://example.com"}}'

BAD_DOCUMENTS = {
    "1e999": "contains the number 1e999, which is too large to be a finite number",
    "-1e999": "contains the number -1e999, which is too large to be a finite number",
    "NaN": "contains NaN, which is not a JSON number",
    "Infinity": "contains Infinity, which is not a JSON number",
    HUGE_INT: "contains an integer of 5000 digits, more than the 4300 digits",
    '"\\ud800"': "contains a lone UTF-16 surrogate (\\ud800)",
    NESTED: "is nested deeper than 100 levels of arrays and objects",
}


def _count(broker: RunningBroker, table: str) -> int:
    engine = create_engine(broker.database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def _refused(response: httpx.Response, field: str, message: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/hal+json;charset=utf-8"
    errors = response.json()["errors"][field]
    assert any(message in error for error in errors), errors


def test_bad_json_is_a_400_everywhere_and_nothing_is_stored(broker: RunningBroker) -> None:
    with httpx.Client(base_url=broker.url, timeout=30) as http:
        assert http.post("/contracts/publish", json=publish_body(make_pact())).status_code == 200
        pact = http.get("/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.0").json()
        results_url = pact["_links"]["pb:publish-verification-results"]["href"]
        for bad, message in BAD_DOCUMENTS.items():
            verification = VERIFICATION.replace("BAD", bad)
            response = http.post(
                results_url, content=verification, headers={"Content-Type": "application/json"}
            )
            _refused(response, "body", f"The request body {message}")
            webhook = WEBHOOK.replace("BAD", bad)
            response = http.post("/webhooks", content=webhook, headers={"Content-Type": "application/json"})
            _refused(response, "body", message)
            legacy = json.dumps(make_pact()).replace('"id": 1', f'"id": {bad}')
            response = http.put(
                "/pacts/provider/OrderApi/consumer/OrderWeb/version/2.0.0",
                content=legacy,
                headers={"Content-Type": "application/json"},
            )
            _refused(response, "body", message)
            encoded = base64.b64encode(legacy.encode()).decode()
            body = publish_body(make_pact(), "3.0.0")
            body["contracts"][0]["content"] = encoded
            response = http.post("/contracts/publish", json=body)
            _refused(response, "contracts[0].content", f"The pact {message}")
        assert _count(broker, "verification") == 0
        assert _count(broker, "webhook") == 0
        assert _count(broker, "pact_publication") == 1
        assert [
            v["number"] for v in http.get("/pacticipants/OrderWeb/versions").json()["_embedded"]["versions"]
        ] == ["1.0.0"]
        latest = http.get(results_url + "/latest")
        assert latest.status_code == 404, latest.text
        published = http.post(
            results_url,
            json={"success": True, "providerApplicationVersion": "2", "testResults": [{"x": 1e300}]},
        )
        assert published.status_code == 201, published.text
        assert http.get(published.headers["location"]).json()["testResults"] == [{"x": 1e300}]


@pytest.mark.parametrize(
    "path",
    [
        "/verification-results/99999999999999999999",
        "/verification-results/-99999999999999999999",
        "/verification-results/9223372036854775808",
        "/verification-results/2147483648",  # past PostgreSQL's INTEGER ids (was a 500 there)
        "/verification-results/10764729615/triggered-webhooks",
        "/verification-results/99999999999999999999/triggered-webhooks",
        "/metadata/e30/verification-results/99999999999999999999/triggered-webhooks",
    ],
)
def test_path_integers_beyond_the_database_range_are_404(broker: RunningBroker, path: str) -> None:
    with httpx.Client(base_url=broker.url, timeout=30) as http:
        assert http.post("/contracts/publish", json=publish_body(make_pact())).status_code == 200
        pact = http.get("/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.0").json()
        base = pact["_links"]["pb:publish-verification-results"]["href"].removesuffix("/verification-results")
        response = http.get(base + path)
        assert response.status_code == 404, response.text
        assert "errors" in response.json()
