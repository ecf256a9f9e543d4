"""The static pact-vs-spec checker the broker runs for bi-directional contracts, found by entry point.

The broker must not import ``verifier`` (imports point down), yet the checker lives there. So the
broker only defines the interface and looks the implementation up at run time in the entry-point
group ``tether.contract_checkers``; Tether registers ``openapi = "verifier.openapi.checker_plugin:check"``.

A checker is ``check(spec: dict, pact: dict) -> dict`` returning PactFlow's result shape
``{"success": bool, "errors": [...], "warnings": [...]}``, each finding a dict with at least
``code`` and ``message`` (plus ``mockDetails``/``specDetails``/``type``/``source``).

When no checker is installed, or it fails, the outcome is ``unknown`` with a reason that says so:
the broker never turns "could not check" into a pass or a failure.
"""

from __future__ import annotations

import functools
import importlib.metadata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

ENTRY_POINT_GROUP = "tether.contract_checkers"
CHECKER_FOR_SPECIFICATION = {"oas": "openapi"}


class ContractChecker(Protocol):
    def __call__(self, spec: dict[str, Any], pact: dict[str, Any]) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class CheckOutcome:
    status: str  # success | failure | unknown
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    failure_reason: str | None = None
    checker: str | None = None
    checker_version: str | None = None

    @property
    def success(self) -> bool | None:
        return None if self.status == "unknown" else self.status == "success"


@dataclass(frozen=True)
class LoadedChecker:
    name: str
    version: str | None
    function: ContractChecker

    @property
    def label(self) -> str:
        return f"tether-{self.name}"

    def check(self, spec: dict[str, Any], pact: dict[str, Any]) -> CheckOutcome:
        try:
            result = self.function(spec, pact)
        except Exception as exc:
            return CheckOutcome(
                "unknown",
                failure_reason=f"the {self.name} checker failed: {type(exc).__name__}: {exc}",
                checker=self.label,
                checker_version=self.version,
            )
        return normalise(result, checker=self.label, version=self.version)


def normalise(result: Any, *, checker: str | None, version: str | None) -> CheckOutcome:
    """Turn a checker's dict into a ``CheckOutcome``; a malformed result is ``unknown``, not a pass."""
    if not isinstance(result, Mapping) or not isinstance(result.get("success"), bool):
        return CheckOutcome(
            "unknown",
            failure_reason=f"the checker returned {type(result).__name__} without a boolean 'success'",
            checker=checker,
            checker_version=version,
        )
    errors = _findings(result.get("errors"))
    warnings = _findings(result.get("warnings"))
    success = bool(result["success"]) and not errors
    reason = result.get("failureReason")
    return CheckOutcome(
        "success" if success else "failure",
        errors=errors,
        warnings=warnings,
        failure_reason=str(reason) if reason else None,
        checker=checker,
        checker_version=version,
    )


def _findings(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [
        dict(item) if isinstance(item, Mapping) else {"code": "unknown", "message": str(item)}
        for item in value
    ]


@functools.cache
def load_checker(specification: str = "oas") -> LoadedChecker | str:
    """The installed checker for a contract specification, or the reason there is none."""
    name = CHECKER_FOR_SPECIFICATION.get(specification)
    if name is None:
        return f"no checker exists for contract specification {specification!r}"
    found = [ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
    if not found:
        return (
            f"no {name!r} checker is installed (entry point group {ENTRY_POINT_GROUP!r}); "
            "install Tether's verifier package to check pacts against provider contracts"
        )
    entry_point = found[0]
    try:
        function = entry_point.load()
    except Exception as exc:
        return f"the {name!r} checker ({entry_point.value}) could not be loaded: {type(exc).__name__}: {exc}"
    if not callable(function):
        return f"the {name!r} checker ({entry_point.value}) is not callable"
    version = entry_point.dist.version if entry_point.dist is not None else None
    return LoadedChecker(name, version, function)
