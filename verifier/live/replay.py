"""Pact replay against a running provider, done by pact-python's ``Verifier`` in a child process.

Tether does not re-implement replay: the Rust reference verifier sends every request, applies
generators, calls the state-change endpoint and publishes results to the broker. This module
prepares its configuration, relays state changes (for progress), and turns the verifier's JSON
results into :class:`~verifier.live.results.ReplayResult`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx

from verifier.errors import VerifierError
from verifier.live.options import LiveOptionsError, ReplayOptions, local_pacts
from verifier.live.results import InteractionResult, Mismatch, Outcome, ReplayResult
from verifier.live.state_relay import StateChange, StateRelay


class ReplayError(VerifierError):
    """The verifier could not be run at all (it crashed or timed out)."""


def check_reachable(option: str, url: str, what: str) -> None:
    """Any HTTP answer will do; a refused or timed-out connection is exit 2 before anything runs (the
    Rust verifier would otherwise retry every interaction's state change for minutes)."""
    try:
        httpx.get(url, timeout=5.0)
    except httpx.HTTPError as exc:
        raise LiveOptionsError(
            f"{option} {url}: {what} does not answer ({exc.__class__.__name__}: {exc}); "
            "start it first, or fix the URL"
        ) from exc


def expected_interactions(sources: Iterable[str], provider: str, consumers: Iterable[str] = ()) -> int | None:
    """How many HTTP interactions the local pact files of `provider` hold (None when a source is remote)."""
    wanted = set(consumers)
    total = 0
    for source in sources:
        if source.startswith(("http://", "https://")):
            return None
        for pact in local_pacts(Path(source), provider):
            if not wanted or pact.consumer in wanted:
                total += len(pact.http_interactions)
    return total


def run_replay(
    options: ReplayOptions,
    *,
    on_interaction: Callable[[StateChange], None] | None = None,
    timeout: float = 900.0,
) -> ReplayResult:
    check_reachable("--provider-base-url", options.base_url, "the provider")
    for source in options.pact_sources:
        if source.startswith(("http://", "https://")):
            check_reachable("--pact", source, "the pact URL")
    if options.state_change_url:
        check_reachable(
            "--state-change-url", options.state_change_url, "the provider's state-change endpoint"
        )
    with (
        tempfile.TemporaryDirectory(prefix="tether-replay-") as tmp,
        StateRelay(options.state_change_url, on_interaction) as relay,
    ):
        config_path, result_path = Path(tmp, "config.json"), Path(tmp, "result.json")
        config_path.write_text(
            json.dumps({**options.to_json(), "stateRelayUrl": relay.url}), encoding="utf-8"
        )
        stdout_path = Path(tmp, "stdout.txt")
        with open(stdout_path, "wb") as stdout:
            try:
                process = subprocess.run(
                    [sys.executable, "-m", "verifier.live.replay_worker", str(config_path), str(result_path)],
                    stdout=stdout,
                    stderr=subprocess.PIPE,
                    env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
                    timeout=timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise ReplayError(f"the pact verifier did not finish within {timeout:.0f}s") from exc
        if process.returncode != 0 or not result_path.exists():
            stderr = process.stderr.decode(errors="replace").strip()
            raise ReplayError(
                f"the pact verifier failed to run (exit code {process.returncode}):\n{_tail(stderr, 30)}"
            )
        raw = json.loads(result_path.read_text(encoding="utf-8"))
        state_failures = list(relay.failures)
    return parse_results(raw, published=options.publish is not None, state_failures=state_failures)


def parse_results(
    raw: dict[str, Any], *, published: bool, state_failures: list[str] | None = None
) -> ReplayResult:
    """Turn ``{"results": Verifier.results, "output": str, "raised": str|None}`` into a ReplayResult."""
    results = raw.get("results") or {}
    output = [line.rstrip() for line in str(raw.get("output") or "").splitlines()]
    interactions = tuple(_interaction(item) for item in results.get("interactionResults", []))
    errors: list[str] = []
    for problem in state_failures or []:
        if problem not in errors:
            errors.append(problem)
    if raw.get("raised") and not any(i.blocks for i in interactions):
        # the run failed outside any interaction: no pacts, an unreadable source, a broker error...
        errors.extend(_failure_lines(output) or [str(raw["raised"])])
    if not interactions and not errors:
        errors.append(
            "no interactions were verified: the pact sources hold no HTTP interaction for this provider"
        )
    notices = tuple(_notice_text(n) for n in results.get("notices", []) if _notice_text(n))
    # the Rust verifier's own wording when the broker refuses the results
    publish_failures = [
        line.strip() for line in output if "Publishing of verification results failed" in line
    ]
    errors.extend(publish_failures)
    publish_failed = bool(publish_failures)
    return ReplayResult(
        interactions=interactions,
        errors=tuple(errors),
        notices=notices,
        output=tuple(output),
        published=published and not publish_failed,
    )


def _interaction(item: dict[str, Any]) -> InteractionResult:
    mismatch = item.get("mismatch") or {}
    mismatches: list[Mismatch] = []
    if mismatch.get("type") == "error":
        mismatches.append(Mismatch(kind="Error", message=str(mismatch.get("message", "verification error"))))
    for entry in mismatch.get("mismatches", []) or []:
        mismatches.append(
            Mismatch(
                kind=str(entry.get("type", "Mismatch")),
                message=str(entry.get("mismatch") or entry.get("description") or entry),
                path=entry.get("path") or entry.get("key") or entry.get("parameter"),
                expected=entry.get("expected"),
                actual=entry.get("actual"),
            )
        )
    mismatches.sort(key=lambda m: (m.kind, m.path or "", m.message))
    ok = item.get("result") == "OK"
    if not ok and not mismatches:
        mismatches.append(Mismatch(kind="Error", message="the verifier reported a failure without details"))
    duration = re.fullmatch(r"(\d+)ms", str(item.get("duration", "")))
    return InteractionResult(
        consumer=str(item.get("consumer", "")),
        description=str(item.get("description", "")),
        provider_states=tuple(str(s) for s in item.get("providerStates", []) or []),
        outcome=Outcome.PASSED if ok else Outcome.FAILED,
        pending=bool(item.get("pending", False)),
        duration_ms=int(duration.group(1)) if duration else None,
        mismatches=tuple(mismatches),
    )


def _notice_text(notice: Any) -> str:
    if isinstance(notice, dict):
        return str(notice.get("text") or "")
    return str(notice)


_FAILURE = re.compile(r"(error|failed|no pacts|not found|could not|unable)", re.IGNORECASE)


def _failure_lines(output: list[str]) -> list[str]:
    return [line.strip() for line in output if line.strip() and _FAILURE.search(line)][:10]


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])
