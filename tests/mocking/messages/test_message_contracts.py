"""Message contracts for consumers and producers over pact-python V3/V4 message pacts (no broker)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from mocking.fixtures.messages import MessageContractError, MessageContracts
from tests.mocking.messages.pacts import write_order_events

Factory = Any


@pytest.fixture(params=["V3", "V4"])
def pact_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return write_order_events(tmp_path, str(request.param))


def test_the_consumer_handler_gets_every_example_with_generated_values(
    pact_file: Path, tether_messages_factory: Factory
) -> None:
    contracts: MessageContracts = tether_messages_factory("OrderEvents", pact=str(pact_file))
    seen: list[tuple[Any, dict[str, Any]]] = []
    fed = contracts.feed(lambda payload, metadata: seen.append((payload, metadata)), "an order created event")
    assert [example.label for example in fed] == [
        "Shop -> OrderEvents: an order created event [an order exists]"
    ]
    ((payload, metadata),) = seen
    assert payload["id"] == 7
    assert payload["lines"] == [{"qty": 1, "sku": "A-1"}]
    assert uuid.UUID(payload["ref"])  # the pact holds no value: its Uuid generator made one
    assert metadata["routingKey"] == "orders.created"
    assert metadata["contentType"] == "application/json"


def test_sync_message_requests_are_examples_too(tmp_path: Path, tether_messages_factory: Factory) -> None:
    contracts = tether_messages_factory("OrderEvents", pact=str(write_order_events(tmp_path, "V4")))
    (example,) = contracts.examples("a stock query")
    assert example.payload == {"sku": "A-1"}
    assert example.body == b'{"sku":"A-1"}'


def test_a_failing_handler_fails_naming_the_message(
    pact_file: Path, tether_messages_factory: Factory
) -> None:
    contracts = tether_messages_factory("OrderEvents", pact=str(pact_file))

    def handler(payload: Any, metadata: dict[str, Any]) -> None:
        raise KeyError("customer")

    with pytest.raises(
        MessageContractError, match=re.escape("an order created event [an order exists]: KeyError")
    ):
        contracts.feed(handler, "an order created event")


def test_an_unknown_description_lists_the_known_messages(
    pact_file: Path, tether_messages_factory: Factory
) -> None:
    contracts = tether_messages_factory("OrderEvents", pact=str(pact_file))
    with pytest.raises(MessageContractError, match="no message described 'order shipped'") as info:
        contracts.examples("order shipped")
    assert "an order created event" in str(info.value)


def test_published_messages_are_checked_against_the_contract(
    pact_file: Path, tether_messages_factory: Factory
) -> None:
    contracts = tether_messages_factory("OrderEvents", pact=str(pact_file))
    good = {"id": 12, "ref": str(uuid.uuid4()), "lines": [{"sku": "B-2", "qty": 4}]}
    metadata = {"routingKey": "orders.created", "contentType": "application/json"}
    assert contracts.check_published(good, metadata).description == "an order created event"
    with pytest.raises(MessageContractError) as info:
        contracts.check_published({**good, "id": "12"}, metadata, "an order created event")
    assert "body $.id: Expected '12' (String) to be an integer" in str(info.value)
    with pytest.raises(MessageContractError, match="metadata routingKey"):
        contracts.check_published(good, {"contentType": "application/json"}, "an order created event")


@pytest.mark.tether_messages("OrderEvents")
def test_the_marker_needs_pacts(request: pytest.FixtureRequest) -> None:
    with pytest.raises(pytest.UsageError, match="needs pacts: pass --tether-pact PATH"):
        request.getfixturevalue("tether_messages")
