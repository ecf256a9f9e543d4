from __future__ import annotations

import json

from contracts.pactfile import parse_pact
from contracts.pactwriter import dump_request, dump_response
from loadgen.locust.runtime import ContractInteraction, failure_message
from tests.loadgen.locust.pacts import get_product, v4_pact


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
