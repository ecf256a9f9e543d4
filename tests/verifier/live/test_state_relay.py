"""The state-change relay: forwards to the provider, answers its generator values, reports every call."""

from __future__ import annotations

import httpx

from tests.support import free_port
from verifier.live.state_relay import StateChange, StateRelay


def test_relays_setup_and_teardown_to_the_provider(provider_url: str) -> None:
    seen: list[StateChange] = []
    with StateRelay(f"{provider_url}/_pact/provider-states", seen.append) as relay:
        setup = httpx.post(
            relay.url,
            json={"state": "an order exists", "params": {"productId": 2, "quantity": 1}, "action": "setup"},
        )
        teardown = httpx.post(
            relay.url, json={"state": "an order exists", "params": {}, "action": "teardown"}
        )
    assert setup.status_code == 200
    order_id = setup.json()["orderId"]
    assert setup.json() == {"orderId": order_id, "productId": 2}
    assert teardown.status_code == 200
    # the provider really holds the order the relay set up ... until the teardown reset it
    assert httpx.get(f"{provider_url}/orders/{order_id}").status_code == 404
    # the listener sees every call, with the provider's answer
    assert seen == [
        StateChange("an order exists", "setup", {"productId": 2, "quantity": 1}, 200),
        StateChange("an order exists", "teardown", {}, 200),
    ]
    assert relay.failures == []


def test_provider_errors_are_passed_back_and_recorded(provider_url: str) -> None:
    seen: list[StateChange] = []
    with StateRelay(f"{provider_url}/_pact/provider-states", seen.append) as relay:
        answer = httpx.post(relay.url, json={"state": "unknown", "action": "setup"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "bad_state"
    (failure,) = relay.failures
    assert failure.startswith("state change 'unknown' (setup) answered HTTP 400")
    assert seen == [StateChange("unknown", "setup", {}, 400, failure)]


def test_unreachable_state_endpoint() -> None:
    target = f"http://127.0.0.1:{free_port()}/state"
    seen: list[StateChange] = []
    with StateRelay(target, seen.append) as relay:
        answer = httpx.post(relay.url, json={"state": "s", "action": "setup"})
    assert answer.status_code == 502
    assert f"cannot reach {target}" in answer.json()["error"]
    assert len(relay.failures) == 1
    assert [(c.status, c.problem) for c in seen] == [(502, relay.failures[0])]


def test_without_a_target_the_relay_answers_empty_values() -> None:
    seen: list[StateChange] = []
    with StateRelay(None, seen.append) as relay:
        answer = httpx.post(relay.url, content=b"not json")
    assert (answer.status_code, answer.json()) == (200, {})
    assert seen == [StateChange("", "setup", {})]
