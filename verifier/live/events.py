"""What the live-verification engine (``verifier.live.engine``) reports while it runs.

Every event is built from structured data, never from another tool's console: the state-change
relay sees each call the Rust verifier makes, the replay worker sends each interaction's result as
a JSON message over its pipe, and schemathesis streams its engine events as NDJSON. The engine
hands each event to the caller's ``on_event`` on the caller's thread, in the order they happened.

Order of one run: ``PhaseStarted(REPLAY)``, then per interaction ``InteractionStarted`` and its
``StateChangeCalled`` (setup, then teardown), then one ``InteractionVerified`` per interaction
(the Rust verifier returns its verdicts when the whole replay ends), ``Published`` when the
verifier published its results, ``PhaseFinished(REPLAY)``; then ``PhaseStarted(SELF_CHECK)``,
``SelfCheckPhaseStarted`` / ``SelfCheckOperation`` ... / ``SelfCheckPhaseFinished`` per
schemathesis phase, ``PhaseFinished(SELF_CHECK)``; then ``PhaseStarted(PUBLISH)``,
``Published``, ``PhaseFinished(PUBLISH)`` when the self-check is published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeAlias

from verifier.live.results import InteractionResult, Outcome


class Phase(StrEnum):
    REPLAY = "replay"  # pact replay by the Rust verifier
    SELF_CHECK = "self-check"  # schemathesis against the provider's own spec
    PUBLISH = "publish"  # the provider contract and its self-verification, to the broker


@dataclass(frozen=True)
class PhaseStarted:
    phase: Phase
    target: str  # what the phase works on: the provider's base URL, the spec, the broker
    total: int | None = None  # interactions (local pacts) or schemathesis phases; None when unknown
    steps: tuple[str, ...] = ()  # the schemathesis phases of a self-check
    provider: str | None = None  # the provider the phase verifies (replay and self-check)


@dataclass(frozen=True)
class PhaseFinished:
    phase: Phase
    success: bool
    completed: int = 0  # interactions verified, schemathesis phases run, contracts published


@dataclass(frozen=True)
class InteractionStarted:
    """The Rust verifier began replaying an interaction (its first state-change setup call)."""

    index: int  # 1-based, in replay order
    state: str  # the first provider state ('' for an interaction without one)


@dataclass(frozen=True)
class StateChangeCalled:
    """One call of the Rust verifier to the state-change endpoint, with the provider's answer."""

    state: str
    action: str  # setup | teardown
    params: dict[str, Any] = field(default_factory=dict)
    status: int = 200  # the provider's HTTP status (200 when no --state-change-url answers for it)
    problem: str | None = None  # why the call failed, when it did


@dataclass(frozen=True)
class InteractionVerified:
    result: InteractionResult

    @property
    def passed(self) -> bool:
        return self.result.outcome is Outcome.PASSED


@dataclass(frozen=True)
class SelfCheckPhaseStarted:
    name: str  # schemathesis phase: examples | coverage | fuzzing | stateful


@dataclass(frozen=True)
class SelfCheckOperation:
    """Schemathesis finished testing one operation in one phase."""

    phase: str
    operation: str  # `GET /products/{productId}`
    status: str  # schemathesis' scenario status: success | failure | error | skip | interrupted
    skip_reason: str | None = None


@dataclass(frozen=True)
class SelfCheckPhaseFinished:
    name: str
    status: str  # success | failure | errored | skip | interrupted


@dataclass(frozen=True)
class Published:
    what: str  # "verification results" | "provider contract"
    success: bool
    detail: str = ""


Event: TypeAlias = (
    PhaseStarted
    | PhaseFinished
    | InteractionStarted
    | StateChangeCalled
    | InteractionVerified
    | SelfCheckPhaseStarted
    | SelfCheckOperation
    | SelfCheckPhaseFinished
    | Published
)
