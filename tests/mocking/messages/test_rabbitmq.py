"""Message contracts through a real RabbitMQ (127.0.0.1:5672, guest/guest): the code under test publishes
to an exchange and the fixture consumes and checks; the contract's examples reach a consumer's real queue.
Under CI=true a missing RabbitMQ fails the test."""

from __future__ import annotations

import json
import socket
import uuid
from pathlib import Path
from typing import Any

import pytest

from mocking.fixtures.messages import MessageContractError
from tests.mocking.messages.pacts import write_order_events
from tests.support import need


def _rabbitmq_listening() -> bool:
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", 5672)) == 0


@pytest.fixture
def rabbitmq(request: pytest.FixtureRequest) -> Any:
    need(_rabbitmq_listening(), "RabbitMQ is not listening on 127.0.0.1:5672")
    return request.getfixturevalue("tether_rabbitmq")


def publish_order(channel: Any, exchange: str, order: dict[str, Any]) -> None:
    """The producer under test: publishes an order-created event the way the application does."""
    import pika

    channel.basic_publish(
        exchange=exchange,
        routing_key="orders.created",
        body=json.dumps(order).encode(),
        properties=pika.BasicProperties(content_type="application/json"),
    )


@pytest.fixture(params=["V3", "V4"])
def contracts(request: pytest.FixtureRequest, tmp_path: Path, tether_messages_factory: Any) -> Any:
    return tether_messages_factory("OrderEvents", pact=str(write_order_events(tmp_path, str(request.param))))


def test_a_published_message_that_keeps_the_contract_passes(rabbitmq: Any, contracts: Any) -> None:
    exchange = f"tether-test-{uuid.uuid4().hex}"
    tap = rabbitmq.tap(contracts, exchange, "orders.*", "an order created event")
    publish_order(
        rabbitmq.channel, exchange, {"id": 3, "ref": str(uuid.uuid4()), "lines": [{"sku": "Z", "qty": 2}]}
    )
    (delivery,) = tap.receive(1)
    assert delivery.example is not None
    assert delivery.example.description == "an order created event"
    assert delivery.metadata["routingKey"] == "orders.created"
    assert delivery.metadata["exchange"] == exchange


def test_a_published_message_that_breaks_the_contract_fails(rabbitmq: Any, contracts: Any) -> None:
    exchange = f"tether-test-{uuid.uuid4().hex}"
    tap = rabbitmq.tap(contracts, exchange, "orders.*", "an order created event")
    publish_order(
        rabbitmq.channel, exchange, {"id": 3, "ref": str(uuid.uuid4()), "lines": [{"sku": "Z", "qty": "2"}]}
    )
    with pytest.raises(
        MessageContractError, match=r"body \$\.lines\[0\]\.qty: Expected '2' \(String\) to be an integer"
    ):
        tap.receive(1)


def test_the_contract_examples_reach_a_consumer_queue(rabbitmq: Any, contracts: Any) -> None:
    channel = rabbitmq.channel
    exchange = f"tether-test-{uuid.uuid4().hex}"
    channel.exchange_declare(exchange, exchange_type="topic", durable=False)
    queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
    channel.queue_bind(queue, exchange, routing_key="orders.#")
    sent = rabbitmq.publish_examples(contracts, exchange, "orders.created", "an order created event")

    handled: list[dict[str, Any]] = []
    for _ in range(500):  # the consumer under test: reads its queue, handles each order
        if len(handled) == len(sent):
            break
        method, properties, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            channel.connection.process_data_events(time_limit=0.1)
            continue
        assert properties.content_type == "application/json"
        assert properties.headers["routingKey"] == "orders.created"
        handled.append(json.loads(body))
    (order,) = handled
    assert order["id"] == 7
    assert uuid.UUID(order["ref"])
