"""The engine called directly (no CLI) against the real example provider: its events and its result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.examples.servers import MOBILE_PACT, SPEC, WEB_PACT
from tests.support import free_port
from verifier.live import engine
from verifier.live.events import (
    Event,
    InteractionStarted,
    InteractionVerified,
    Phase,
    PhaseFinished,
    PhaseStarted,
    SelfCheckOperation,
    SelfCheckPhaseFinished,
    SelfCheckPhaseStarted,
    StateChangeCalled,
)
from verifier.live.options import (
    LiveOptionsError,
    ProviderVerificationOptions,
    ReplayOptions,
    SelfCheckOptions,
)
from verifier.live.results import Outcome

OPERATIONS = {
    "GET /products",
    "GET /products/{productId}",
    "POST /orders",
    "GET /orders/{orderId}",
    "DELETE /orders/{orderId}",
}


def replay_options(base_url: str, *pacts: Path, state_changes: bool = True) -> ProviderVerificationOptions:
    replay = ReplayOptions(
        provider="OrdersApi",
        base_url=base_url,
        pact_sources=tuple(str(p) for p in pacts),
        state_change_url=f"{base_url}/_pact/provider-states" if state_changes else None,
    )
    return ProviderVerificationOptions(provider="OrdersApi", base_url=base_url, replay=replay)


def of_type(events: list[Event], kind: type[Any]) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


def test_replay_events_follow_the_run_and_the_result_is_typed(provider_url: str) -> None:
    events: list[Event] = []
    result = engine.run(replay_options(provider_url, WEB_PACT, MOBILE_PACT), events.append)

    assert events[0] == PhaseStarted(Phase.REPLAY, provider_url, 10, provider="OrdersApi")
    assert events[-1] == PhaseFinished(Phase.REPLAY, True, 10)
    started = of_type(events, InteractionStarted)
    assert [s.index for s in started] == list(range(1, 11))
    # each interaction: started, its setup, its teardown (every example interaction has one state)
    changes = of_type(events, StateChangeCalled)
    assert len(changes) == 20
    for number, start in enumerate(started):
        at = events.index(start)
        setup, teardown = events[at + 1], events[at + 2]
        assert setup == changes[2 * number]
        assert teardown == changes[2 * number + 1]
        assert (setup.action, teardown.action) == ("setup", "teardown")
        assert setup.state == teardown.state == start.state
        assert (setup.status, setup.problem) == (200, None)
    assert StateChangeCalled(
        "a product exists", "setup", {"id": 42, "name": "Travel mug", "price": 12.5}
    ) in (changes)
    assert StateChangeCalled("an order exists", "setup", {"productId": 1, "quantity": 2}) in changes
    # one verdict per interaction, after the replay (the Rust verifier reports when it has finished)
    verified = of_type(events, InteractionVerified)
    assert len(verified) == 10
    assert all(v.passed for v in verified)
    assert events.index(verified[0]) > events.index(changes[-1])
    assert result.replay is not None
    assert [(v.result.consumer, v.result.description) for v in verified] == [
        (i.consumer, i.description) for i in result.replay.interactions
    ]
    assert len(events) == 1 + 10 + 20 + 10 + 1

    assert result.exit_status == 0
    assert result.success
    assert result.self_check is None
    assert result.publications == ()
    assert [(p.consumer, len(p.interactions), p.success) for p in result.replay.pacts] == [
        ("OrderMobile", 5, True),
        ("OrderWeb", 5, True),
    ]
    order = next(i for i in result.replay.interactions if i.description == "a request for an existing order")
    assert (order.outcome, order.provider_states, order.mismatches) == (
        Outcome.PASSED,
        ("an order exists",),
        (),
    )


def test_drifted_provider_interactions_fail_in_events_and_result(drifted_url: str) -> None:
    events: list[Event] = []
    result = engine.run(replay_options(drifted_url, MOBILE_PACT), events.append)
    verdicts = {v.result.description: v.passed for v in of_type(events, InteractionVerified)}
    assert verdicts == {
        "a request for an order that does not exist": True,
        "a request for an order's status": True,
        "a request for the product shown on the product page": False,
        "a request to cancel an order": False,
        "a request to order one espresso cup from the app": False,
    }
    cancel = next(
        v for v in of_type(events, InteractionVerified) if v.result.description.endswith("cancel an order")
    )
    assert [(m.kind, m.expected, m.actual) for m in cancel.result.mismatches] == [
        ("StatusMismatch", 204, 405)
    ]
    assert events[-1] == PhaseFinished(Phase.REPLAY, False, 5)
    assert result.exit_status == 1
    assert result.replay is not None
    ((consumer, failed),) = [(p.consumer, sum(i.blocks for i in p.interactions)) for p in result.replay.pacts]
    assert (consumer, failed) == ("OrderMobile", 3)


def test_interactions_without_state_and_with_two_states(provider_url: str, tmp_path: Path) -> None:
    """The Rust verifier calls the state endpoint with state '' for an interaction without one, and makes
    all setups before all teardowns for an interaction with several: one InteractionStarted each."""
    pact = json.loads(WEB_PACT.read_text())
    by_description = {i["description"]: i for i in pact["interactions"]}
    stateless = by_description["a request for the product catalogue"]
    del stateless["providerStates"]
    two_states = by_description["a request for product 42"]
    two_states["providerStates"].insert(0, {"name": "products exist"})
    pact["interactions"] = [stateless, two_states]
    path = tmp_path / "pact.json"
    path.write_text(json.dumps(pact))

    events: list[Event] = []
    result = engine.run(replay_options(provider_url, path), events.append)
    steps = [
        (type(e).__name__, e.state, getattr(e, "action", None))
        for e in events
        if isinstance(e, InteractionStarted | StateChangeCalled)
    ]
    assert steps == [
        ("InteractionStarted", "", None),
        ("StateChangeCalled", "", "setup"),
        ("StateChangeCalled", "", "teardown"),
        ("InteractionStarted", "products exist", None),
        ("StateChangeCalled", "products exist", "setup"),
        ("StateChangeCalled", "a product exists", "setup"),
        ("StateChangeCalled", "products exist", "teardown"),
        ("StateChangeCalled", "a product exists", "teardown"),
    ]
    assert [v.passed for v in of_type(events, InteractionVerified)] == [True, True]
    assert result.exit_status == 0


def test_a_refused_state_change_is_an_event_and_fails_the_interaction(
    provider_url: str, tmp_path: Path
) -> None:
    pact = json.loads(WEB_PACT.read_text())
    pact["interactions"] = [i for i in pact["interactions"] if i["description"] == "a request for product 42"]
    pact["interactions"][0]["providerStates"][0]["name"] = "the moon is full"
    path = tmp_path / "pact.json"
    path.write_text(json.dumps(pact))

    events: list[Event] = []
    result = engine.run(replay_options(provider_url, path), events.append)
    assert events[1] == InteractionStarted(1, "the moon is full")
    setup = events[2]
    assert isinstance(setup, StateChangeCalled)
    assert (setup.state, setup.action, setup.params, setup.status) == (
        "the moon is full",
        "setup",
        {"id": 42, "name": "Travel mug", "price": 12.5},
        400,
    )
    assert setup.problem is not None
    assert setup.problem.startswith("state change 'the moon is full' (setup)")
    (verified,) = of_type(events, InteractionVerified)
    assert not verified.passed
    assert (
        verified.result.mismatches[0].message == "One or more of the setup state change handlers has failed"
    )
    assert result.exit_status == 1
    assert result.replay is not None
    assert result.replay.errors[0] == setup.problem


def test_self_check_events_come_from_schemathesis_event_stream(provider_url: str, drifted_url: str) -> None:
    def options(base_url: str) -> ProviderVerificationOptions:
        check = SelfCheckOptions(
            spec=str(SPEC), base_url=base_url, max_examples=2, seed=7, phases=("examples", "coverage")
        )
        return ProviderVerificationOptions(provider="OrdersApi", base_url=base_url, self_check=check)

    events: list[Event] = []
    result = engine.run(options(provider_url), events.append)
    assert events[0] == PhaseStarted(Phase.SELF_CHECK, provider_url, 2, ("examples", "coverage"))
    assert events[-1] == PhaseFinished(Phase.SELF_CHECK, True, 2)
    body = events[1:-1]
    assert [e for e in body if not isinstance(e, SelfCheckOperation)] == [
        SelfCheckPhaseStarted("examples"),
        SelfCheckPhaseFinished("examples", "success"),
        SelfCheckPhaseStarted("coverage"),
        SelfCheckPhaseFinished("coverage", "success"),
    ]
    for phase in ("examples", "coverage"):
        operations = [e for e in body if isinstance(e, SelfCheckOperation) and e.phase == phase]
        assert {o.operation for o in operations} == OPERATIONS
    assert all(o.status in ("success", "skip") for o in of_type(body, SelfCheckOperation))
    assert result.exit_status == 0
    assert result.self_check is not None
    assert result.self_check.success
    assert result.replay is None

    events = []
    result = engine.run(options(drifted_url), events.append)
    statuses = {(o.phase, o.operation): o.status for o in of_type(events, SelfCheckOperation)}
    assert statuses[("coverage", "GET /products")] == "failure"
    assert statuses[("coverage", "POST /orders")] == "failure"
    assert events[-1] == PhaseFinished(Phase.SELF_CHECK, False, 2)
    assert result.exit_status == 1


def test_unusable_input_raises_before_any_event() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    events: list[Event] = []
    with pytest.raises(LiveOptionsError, match="the provider does not answer"):
        engine.run(replay_options(url, WEB_PACT), events.append)
    assert events == []
