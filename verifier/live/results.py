"""Typed outcomes of verifying a running provider: pact replay per interaction, and the self-check.

Text, JSON and JUnit (``verifier.live.report``) are renderings of these objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Mismatch:
    """One difference the verifier found between the provider's answer and the pact."""

    kind: str  # the verifier's mismatch type: StatusMismatch, BodyMismatch, HeaderMismatch, Error, ...
    message: str
    path: str | None = None  # e.g. `$.name` for a body mismatch, the header name for a header mismatch
    expected: Any = None
    actual: Any = None

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "message": self.message,
            "path": self.path,
            "expected": self.expected,
            "actual": self.actual,
        }


@dataclass(frozen=True)
class InteractionResult:
    consumer: str
    description: str
    provider_states: tuple[str, ...]
    outcome: Outcome
    pending: bool = False
    duration_ms: int | None = None
    mismatches: tuple[Mismatch, ...] = ()

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAILED

    @property
    def blocks(self) -> bool:
        """A failure that fails the verification (pending interactions never do)."""
        return self.failed and not self.pending

    def to_json(self) -> dict[str, Any]:
        return {
            "consumer": self.consumer,
            "description": self.description,
            "providerStates": list(self.provider_states),
            "result": self.outcome.value,
            "pending": self.pending,
            "durationMs": self.duration_ms,
            "mismatches": [m.to_json() for m in self.mismatches],
        }


@dataclass(frozen=True)
class PactResult:
    """The interactions of one consumer's pact with the provider."""

    consumer: str
    interactions: tuple[InteractionResult, ...]

    @property
    def success(self) -> bool:
        return bool(self.interactions) and not any(i.blocks for i in self.interactions)


@dataclass(frozen=True)
class ReplayResult:
    """What pact-python's Verifier reported for every interaction of every pact it replayed."""

    interactions: tuple[InteractionResult, ...]
    errors: tuple[str, ...] = ()  # problems outside any interaction (no pacts found, broker errors, ...)
    notices: tuple[str, ...] = ()  # the broker's notices (pending / WIP explanations)
    output: tuple[str, ...] = ()  # the verifier's own report, colours stripped
    published: bool = False
    publish_errors: tuple[str, ...] = ()  # why the broker refused the results (also among `errors`)

    @property
    def success(self) -> bool:
        return not self.errors and not any(i.blocks for i in self.interactions) and bool(self.interactions)

    @property
    def consumers(self) -> list[str]:
        return sorted({i.consumer for i in self.interactions})

    @property
    def pacts(self) -> tuple[PactResult, ...]:
        return tuple(
            PactResult(consumer, tuple(i for i in self.interactions if i.consumer == consumer))
            for consumer in self.consumers
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "success": self.success,
            "published": self.published,
            "interactions": [i.to_json() for i in self.interactions],
            "errors": list(self.errors),
            "notices": list(self.notices),
        }


@dataclass(frozen=True)
class SelfCheckFailure:
    code: str  # schemathesis check code, e.g. ST108
    title: str  # e.g. "Response violates schema"
    count: int
    operations: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "count": self.count,
            "operations": list(self.operations),
        }


@dataclass(frozen=True)
class OperationResult:
    """The self-check verdict for one API operation (`GET /products/{productId}`)."""

    operation: str
    outcome: Outcome
    codes: tuple[str, ...] = ()
    details: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "result": self.outcome.value,
            "codes": list(self.codes),
            "details": self.details,
        }


@dataclass(frozen=True)
class SelfCheckResult:
    """Schemathesis run against the live provider with the provider's own OpenAPI spec."""

    spec: str
    success: bool
    tool_version: str
    seed: int | None
    phases: dict[str, str]  # phase -> success | failure | skip | errored
    test_cases: int
    operations: tuple[OperationResult, ...]
    failures: tuple[SelfCheckFailure, ...] = ()
    errors: tuple[str, ...] = ()
    warnings: dict[str, list[str]] = field(default_factory=dict)
    command: str = ""
    report_text: str = ""  # schemathesis' own console report (published as the self-verification content)
    published: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "success": self.success,
            "spec": self.spec,
            "tool": "schemathesis",
            "toolVersion": self.tool_version,
            "seed": self.seed,
            "phases": dict(self.phases),
            "testCases": self.test_cases,
            "operations": [o.to_json() for o in self.operations],
            "failures": [f.to_json() for f in self.failures],
            "errors": list(self.errors),
            "warnings": dict(self.warnings),
            "published": self.published,
        }


@dataclass(frozen=True)
class Publication:
    """Something sent to the broker: the replay's verification results, or the provider contract."""

    what: str  # "verification results" | "provider contract"
    success: bool
    detail: str = ""


@dataclass(frozen=True)
class ProviderVerification:
    """The whole outcome of `tether verify provider` (what ``verifier.live.engine.run`` returns)."""

    provider: str
    base_url: str
    provider_version: str | None
    replay: ReplayResult | None
    self_check: SelfCheckResult | None
    publications: tuple[Publication, ...] = ()

    @property
    def success(self) -> bool:
        parts = [p.success for p in (self.replay, self.self_check) if p is not None]
        return bool(parts) and all(parts)

    @property
    def exit_status(self) -> int:
        """0 verified, 1 a verification failed (unusable input never gets this far: it is exit 2)."""
        return 0 if self.success else 1

    def to_json(self) -> dict[str, Any]:
        interactions = self.replay.interactions if self.replay else ()
        return {
            "success": self.success,
            "provider": self.provider,
            "providerBaseUrl": self.base_url,
            "providerVersion": self.provider_version,
            "summary": {
                "interactions": len(interactions),
                "passed": sum(1 for i in interactions if i.outcome is Outcome.PASSED),
                "failed": sum(1 for i in interactions if i.blocks),
                "pendingFailed": sum(1 for i in interactions if i.failed and i.pending),
                "selfCheckFailures": len(self.self_check.failures) if self.self_check else 0,
            },
            "pactVerification": self.replay.to_json() if self.replay else None,
            "selfVerification": self.self_check.to_json() if self.self_check else None,
        }
