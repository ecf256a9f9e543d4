from __future__ import annotations

import json

from contracts.pactfile import parse_pact
from contracts.pactwriter import dump_request, dump_response
from loadgen.locust.runtime import ContractInteraction, ScenarioContext, availability_problem, failure_message
from tests.loadgen.locust.pacts import get_product, list_products, v4_pact


def _interaction() -> ContractInteraction:
    http = parse_pact(v4_pact("Shop", [get_product(10)])).http_interactions[0]
    return ContractInteraction(
        consumer="Shop",
        description=http.description,
        name="GET /products/{id}",
        spec_version="4",
        request=dump_request(http.request, http.spec_version),
        response=dump_response(http.response, http.spec_version),
    )


def test_remembered_verdicts_never_hide_a_different_response() -> None:
    interaction = _interaction()
    good = json.dumps({"id": 3, "name": "Cup", "price": 2.5}).encode()
    bad = json.dumps({"id": "3", "name": "Cup", "price": 2.5}).encode()
    headers = {"Content-Type": "application/json"}
    assert interaction.check(200, headers, good) == []
    mismatches = interaction.check(200, headers, bad)
    assert [(m.kind.value, m.path) for m in mismatches] == [("body", "$.id")]
    assert interaction.check(200, headers, good) == []
    assert interaction.check(200, {"content-type": "text/plain"}, good) != []
    assert [m.kind.value for m in interaction.check(500, headers, good)] == ["status"]
    message = failure_message(interaction, mismatches)
    assert message.startswith("contract violated (Shop: a request for a product): body $.id: ")


def test_prepared_requests_fill_provider_state_expressions() -> None:
    interaction = _interaction()
    assert interaction.prepare({"id": 7}).url == "/products/7"
    assert interaction.prepare({"id": 8}).url == "/products/8"
    assert interaction.prepare({"id": 7}).url == "/products/7"


def test_layered_values_fill_expressions_like_the_merged_values() -> None:
    interaction = _interaction()
    interaction.provider_states = [{"name": "a product exists", "params": {"id": 10}}]
    interaction.compile_check()
    assert interaction.state_params == {"id": 10}
    assert interaction.prepare_layered({}, {}).url == "/products/10"  # the state's parameter
    assert interaction.prepare_layered({}, {"id": 4}).url == "/products/4"  # a captured value wins
    assert interaction.prepare_layered({"id": 5}, {"id": 4}).url == "/products/5"  # the set-up's answer wins
    assert interaction.prepare_layered({}, {"id": 4}).url == "/products/4"
    assert interaction.prepare_layered({}, {"id": 1}).url == "/products/1"
    assert interaction.prepare_layered({}, {}).url == "/products/10"  # no values again: the parameter
    assert interaction.prepare_layered({}, {}).url == "/products/10"
    assert interaction.prepare_layered({"id": 6}, {}).url == "/products/6"
    assert (
        interaction.prepare_layered({}, {"id": True}).url
        == interaction.prepare({"id": True}).url
        != "/products/1"
    )


def test_headers_of_fast_http_users_are_read_like_any_other_mapping() -> None:
    from geventhttpclient.header import Headers

    interaction = _interaction()
    good = json.dumps({"id": 3, "name": "Cup", "price": 2.5}).encode()
    assert interaction.check(200, Headers([("Content-Type", "application/json")]), good) == []
    repeated = Headers([("Content-Type", "application/json"), ("content-type", "application/json")])
    assert [m.kind.value for m in interaction.check(200, repeated, good)] == ["header"]
    assert [m.kind.value for m in interaction.check(200, Headers([]), good)] == ["header"]
    assert [m.kind.value for m in interaction.check(200, {"content-type": "application/json"}, b"{")] == [
        "body"
    ]


class _Timeout(Exception):
    """Named like geventhttpclient's ConnectionTimeout / socket timeouts."""


def test_no_answer_and_unlisted_5xx_are_availability_problems_not_drift() -> None:
    interaction = _interaction()
    assert availability_problem(interaction, 0, ConnectionRefusedError(111, "refused")) == (
        "no response: ConnectionRefusedError(111, 'refused')"
    )
    assert availability_problem(interaction, 0, _Timeout("read")).startswith("timed out: ")
    assert availability_problem(interaction, 503, None) == "status 503 (the contract expects 200)"
    assert availability_problem(interaction, 404, None) is None  # an answer: the contract judges it
    listed = ContractInteraction(**{**_fields(interaction), "response": {"status": 503}})
    assert availability_problem(listed, 503, None) is None


def test_user_headers_replace_the_pacts_whatever_their_case() -> None:
    class User:
        client = None
        host = "http://127.0.0.1:9"

    context = ScenarioContext(User())
    context.headers["Authorization"] = "Bearer real"
    merged = context._headers({"authorization": "Bearer example", "Accept": "application/json"})
    assert merged == {"Accept": "application/json", "Authorization": "Bearer real"}


class _RecordedResponse:
    """What ``ScenarioContext`` reads of a Locust response, and the verdict it gives."""

    def __init__(self, status: int, headers: object, body: bytes) -> None:
        self.status_code = status
        self.headers = headers
        self.content = body
        self.verdict: str | None = None

    def success(self) -> None:
        self.verdict = "success"

    def failure(self, exc: object) -> None:
        self.verdict = str(exc)


def _catalogue_interaction() -> ContractInteraction:
    http = parse_pact(v4_pact("Shop", [list_products()])).http_interactions[0]
    return ContractInteraction(
        consumer="Shop",
        description=http.description,
        name="GET /products",
        spec_version="4",
        request=dump_request(http.request, http.spec_version),
        response=dump_response(http.response, http.spec_version),
    )


def test_every_body_different_still_fails_a_broken_one_with_the_reference_message() -> None:
    """The quick path (inline type and size checks, the direct JSON scan) accepts only what the
    reference path accepts, and a body that breaks the contract fails with the reference's message."""
    from geventhttpclient.header import Headers

    interaction = _catalogue_interaction()

    class User:
        client = None
        host = "http://127.0.0.1:9"

    context = ScenarioContext(User())
    bodies = [
        json.dumps([{"id": i, "name": f"Widget {i}", "price": 9.99, "seq": n} for i in range(1, 6)])
        for n in range(50)
    ]
    broken = [
        '[{"id": "1", "name": "Widget", "price": 9.99}]',
        '[{"id": 1, "name": "Widget", "price": 10}]',
        '[{"id": 1, "name": 7, "price": 9.99}]',
        '[{"id": 1, "price": 9.99}]',
        "[]",
        '{"id": 1, "name": "Widget", "price": 9.99}',
        '[{"id": 1, "name": "Widget", "price": 9.99}] trailing',
        '[{"id": 1, "name": "Widget", "price": 9.99}, {"id": 2.5, "name": "Widget", "price": 9.99}]',
        "not json",
    ]
    for text in [*bodies, f" {bodies[0]}\n"]:
        response = _RecordedResponse(200, Headers([("Content-Type", "application/json")]), text.encode())
        context._check(interaction, response)
        assert response.verdict == "success", text
    for text in broken:
        body = text.encode()
        headers = Headers([("Content-Type", "application/json")])
        response = _RecordedResponse(200, headers, body)
        context._check(interaction, response)
        reference = interaction.check_actual(interaction.actual(200, headers, body))
        assert reference, text
        assert response.verdict == failure_message(interaction, reference), text
        assert response.verdict.startswith("contract violated (Shop: a request for all products): body $")


def _fields(interaction: ContractInteraction) -> dict[str, object]:
    return {
        "consumer": interaction.consumer,
        "description": interaction.description,
        "name": interaction.name,
        "spec_version": interaction.spec_version,
        "request": interaction.request,
        "response": interaction.response,
    }
