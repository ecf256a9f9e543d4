"""Faults and latency for the mock server, read from a YAML or JSON file.

Example (every key is optional)::

    seed: 42                       # reproducible random delays and error rates
    global:                        # applies to every matched request
      delay: {uniform: {min_ms: 5, max_ms: 20}}
    interactions:
      - match: {description: "get an existing order"}     # also: consumer, state, method, path
        delay: {lognormal: {median_ms: 80, sigma: 0.4, max_ms: 500}}
        error: {rate: 0.1, status: 503, headers: {Retry-After: "2"}}
        reset_rate: 0.01           # close the connection with a TCP reset instead of answering
      - match: {method: POST, path: /orders}
        sequence:                  # the first two calls get a 503, then the contract's response
          - {status: 503, headers: {Retry-After: "1"}, times: 2}
          - {contract: true}
        after: contract            # when the sequence is used up: contract | repeat-last | cycle

Delays: ``{fixed_ms: N}``, ``{uniform: {min_ms, max_ms}}`` or ``{lognormal: {median_ms, sigma, max_ms}}``.
A rule matching an interaction replaces the global rule field by field (a rule with only a delay
keeps the global error rate). Sequences count calls per rule and interaction, and restart on
``POST /__tether/reset``.
"""

from __future__ import annotations

import json
import math
import random
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mocking.errors import FaultsFileError
from mocking.server.interactions import MockInteraction


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class UniformDelay(_Strict):
    min_ms: float = Field(ge=0)
    max_ms: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> UniformDelay:
        if self.max_ms < self.min_ms:
            raise ValueError("max_ms must be at least min_ms")
        return self


class LognormalDelay(_Strict):
    median_ms: float = Field(gt=0)
    sigma: float = Field(ge=0, default=0.5)
    max_ms: float | None = Field(default=None, gt=0)


class Delay(_Strict):
    fixed_ms: float | None = Field(default=None, ge=0)
    uniform: UniformDelay | None = None
    lognormal: LognormalDelay | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Delay:
        given = [name for name in ("fixed_ms", "uniform", "lognormal") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of fixed_ms, uniform, lognormal (got {given or 'none'})")
        return self

    def sample(self, rng: random.Random) -> float:
        """A delay in seconds."""
        if self.fixed_ms is not None:
            return self.fixed_ms / 1000
        if self.uniform is not None:
            return rng.uniform(self.uniform.min_ms, self.uniform.max_ms) / 1000
        assert self.lognormal is not None
        value = rng.lognormvariate(math.log(self.lognormal.median_ms), self.lognormal.sigma)
        if self.lognormal.max_ms is not None:
            value = min(value, self.lognormal.max_ms)
        return value / 1000


class ErrorResponse(_Strict):
    rate: float = Field(default=1.0, ge=0, le=1)
    status: int = Field(default=503, ge=100, le=599)
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None


class Step(_Strict):
    """One step of a sequence: a canned error, a connection reset, or the contract's response."""

    status: int | None = Field(default=None, ge=100, le=599)
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    contract: bool = False
    reset: bool = False
    delay: Delay | None = None
    times: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        actions = [
            name
            for name, on in (
                ("status", self.status is not None),
                ("contract", self.contract),
                ("reset", self.reset),
            )
            if on
        ]
        if len(actions) != 1:
            raise ValueError(
                f"a step needs exactly one of status, contract: true, reset: true (got {actions or 'none'})"
            )
        return self


class Selector(_Strict):
    description: str | None = None
    consumer: str | None = None
    state: str | None = None
    method: str | None = None
    path: str | None = None

    def selects(self, interaction: MockInteraction) -> bool:
        return (
            (self.description is None or self.description == interaction.description)
            and (self.consumer is None or self.consumer == interaction.consumer)
            and (self.state is None or self.state in interaction.states)
            and (self.method is None or self.method.upper() == interaction.method)
            and (self.path is None or self.path == interaction.path or interaction.pattern.accepts(self.path))
        )


class FaultRule(_Strict):
    delay: Delay | None = None
    error: ErrorResponse | None = None
    reset_rate: float | None = Field(default=None, ge=0, le=1)
    sequence: list[Step] | None = None
    after: Literal["contract", "repeat-last", "cycle"] = "contract"


class InteractionRule(FaultRule):
    match: Selector


class FaultsFile(_Strict):
    seed: int | None = None
    global_: FaultRule | None = Field(default=None, alias="global")
    interactions: list[InteractionRule] = Field(default_factory=list)


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def parse_faults(document: Any, source: str = "<faults>") -> FaultsFile:
    try:
        return FaultsFile.model_validate(document)
    except ValidationError as exc:
        problems = "; ".join(f"{_location(error['loc'])}: {error['msg']}" for error in exc.errors())
        raise FaultsFileError(f"{source}: invalid faults file: {problems}") from exc


def load_faults(path: str | Path) -> FaultsFile:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise FaultsFileError(f"{file}: cannot read the faults file: {exc.strerror}") from exc
    try:
        document = json.loads(text) if file.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise FaultsFileError(
            f"{file}: not valid {'JSON' if file.suffix.lower() == '.json' else 'YAML'}: {exc}"
        ) from exc
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise FaultsFileError(f"{file}: a faults file is a mapping with keys seed, global, interactions")
    return parse_faults(document, str(file))


# ------------------------------------------------------------------------------------------ runtime


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """What to do with one matched request: wait ``delay`` seconds, then answer with the contract,
    answer with a canned error, or reset the connection."""

    delay: float = 0.0
    action: Literal["contract", "error", "reset"] = "contract"
    status: int = 0
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    label: str = ""


NO_FAULT = FaultDecision()


def _error_body(status: int, body: Any) -> tuple[bytes, tuple[tuple[str, str], ...]]:
    if body is None:
        body = {"error": f"fault injected by tether mock: {status}"}
    if isinstance(body, str):
        return body.encode(), (("content-type", "text/plain; charset=utf-8"),)
    return json.dumps(body).encode(), (("content-type", "application/json"),)


class FaultPlan:
    """Runtime decisions for a faults file (thread-safe: sequences count under a lock)."""

    def __init__(self, faults: FaultsFile) -> None:
        self.faults = faults
        self.rng = random.Random(faults.seed)
        self._lock = threading.Lock()
        self._counters: dict[tuple[int, int], int] = {}
        self._rule_cache: dict[int, tuple[int, FaultRule | None]] = {}

    def reset(self) -> None:
        with self._lock:
            self._counters.clear()
            self._rule_cache.clear()

    def _rule_for(self, interaction: MockInteraction) -> tuple[int, FaultRule | None]:
        cached = self._rule_cache.get(id(interaction))
        if cached is not None:
            return cached
        found: tuple[int, FaultRule | None] = (-1, None)
        for number, rule in enumerate(self.faults.interactions):
            if rule.match.selects(interaction):
                found = (number, rule)
                break
        self._rule_cache[id(interaction)] = found
        return found

    def decide(self, interaction: MockInteraction) -> FaultDecision:
        number, rule = self._rule_for(interaction)
        glob = self.faults.global_
        delay_spec = (rule.delay if rule and rule.delay else None) or (glob.delay if glob else None)
        delay = delay_spec.sample(self.rng) if delay_spec else 0.0
        sequence_rule = (
            rule if rule is not None and rule.sequence else glob if glob and glob.sequence else None
        )
        if sequence_rule is not None:
            # a global sequence counts calls per interaction, like an interaction rule's sequence
            step = self._next_step(number if sequence_rule is rule else -1, interaction, sequence_rule)
            if step is not None:
                if step.delay is not None:
                    delay = step.delay.sample(self.rng)
                if step.reset:
                    return FaultDecision(delay, "reset", label="sequence: reset")
                if step.status is not None:
                    body, headers = _error_body(step.status, step.body)
                    return FaultDecision(
                        delay,
                        "error",
                        step.status,
                        (*headers, *((k.lower(), v) for k, v in step.headers.items())),
                        body,
                        f"sequence: {step.status}",
                    )
                return FaultDecision(delay, label="sequence: contract")
        reset_rate = (
            rule.reset_rate if rule and rule.reset_rate is not None else (glob.reset_rate if glob else None)
        )
        if reset_rate and self.rng.random() < reset_rate:
            return FaultDecision(delay, "reset", label="reset rate")
        error = (rule.error if rule and rule.error else None) or (glob.error if glob else None)
        if error is not None and error.rate > 0 and self.rng.random() < error.rate:
            body, headers = _error_body(error.status, error.body)
            return FaultDecision(
                delay,
                "error",
                error.status,
                (*headers, *((k.lower(), v) for k, v in error.headers.items())),
                body,
                f"error rate {error.rate}: {error.status}",
            )
        return FaultDecision(delay, label="delay" if delay else "")

    def _next_step(self, number: int, interaction: MockInteraction, rule: FaultRule) -> Step | None:
        assert rule.sequence is not None
        with self._lock:
            key = (number, interaction.index)
            call = self._counters.get(key, 0)
            self._counters[key] = call + 1
        total = sum(step.times for step in rule.sequence)
        if call >= total:
            if rule.after == "contract":
                return None
            if rule.after == "repeat-last":
                return rule.sequence[-1]
            call %= total
        for step in rule.sequence:
            if call < step.times:
                return step
            call -= step.times
        return None  # pragma: no cover - unreachable
