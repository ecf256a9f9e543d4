"""Pact replay against a running provider, done by pact-python's ``Verifier`` in a child process.

Tether does not re-implement replay: the Rust reference verifier sends every request, applies
generators, calls the state-change endpoint and publishes results to the broker. This module
prepares its configuration, follows the replay through the state-change relay and the worker's
messages (as events, see ``verifier.live.events``), and turns the verifier's JSON results into
:class:`~verifier.live.results.ReplayResult`.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

import httpx

from verifier.errors import VerifierError
from verifier.live.events import Event, InteractionStarted, InteractionVerified, StateChangeCalled
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


def expected_interactions(
    sources: Iterable[str], provider: str, consumers: Iterable[str] = (), *, messages: bool = False
) -> int | None:
    """How many HTTP interactions (and, with `messages`, message interactions) the local pact files of
    `provider` hold (None when a source is remote)."""
    wanted = set(consumers)
    total = 0
    for source in sources:
        if source.startswith(("http://", "https://")):
            return None
        for pact in local_pacts(Path(source), provider):
            if not wanted or pact.consumer in wanted:
                total += len(pact.interactions) if messages else len(pact.http_interactions)
    return total


def check_replay_inputs(options: ReplayOptions) -> None:
    """The provider, the pact URLs and the state-change endpoint answer (LiveOptionsError otherwise)."""
    check_reachable("--provider-base-url", options.base_url, "the provider")
    for source in options.pact_sources:
        if source.startswith(("http://", "https://")):
            check_reachable("--pact", source, "the pact URL")
    if options.message_url:
        check_reachable("--provider-messages-url", options.message_url, "the provider's message endpoint")
    if options.state_change_url:
        check_reachable(
            "--state-change-url", options.state_change_url, "the provider's state-change endpoint"
        )


def run_replay(
    options: ReplayOptions,
    *,
    on_event: Callable[[Event], None] | None = None,
    timeout: float = 900.0,
) -> ReplayResult:
    """Replay the pacts (after :func:`check_replay_inputs`); ``on_event`` gets ``InteractionStarted`` /
    ``StateChangeCalled`` as the replay runs and one ``InteractionVerified`` per interaction, on the
    calling thread."""
    inbox: queue.Queue[StateChange | dict[str, Any] | None] = queue.Queue()
    with (
        tempfile.TemporaryDirectory(prefix="tether-replay-") as tmp,
        StateRelay(options.state_change_url, inbox.put) as relay,
    ):
        config_path = Path(tmp, "config.json")
        config_path.write_text(
            json.dumps({**options.to_json(), "stateRelayUrl": relay.url}), encoding="utf-8"
        )
        with open(Path(tmp, "stderr.txt"), "w+b") as stderr:
            process, reader = _start_worker(config_path, stderr, inbox)
            try:
                items, finished = _follow(inbox, _Tracker(on_event), deadline=time.monotonic() + timeout)
            except TimeoutError as exc:
                process.kill()
                raise ReplayError(f"the pact verifier did not finish within {timeout:.0f}s") from exc
            except BaseException:  # an event handler failed, or Ctrl-C: the worker must not outlive us
                process.kill()
                raise
            finally:
                returncode = process.wait()
                reader.join()
            if returncode != 0 or finished is None:
                stderr.seek(0)
                text = stderr.read().decode(errors="replace").strip()
                raise ReplayError(
                    f"the pact verifier failed to run (exit code {returncode}):\n{_tail(text, 30)}"
                )
        raw = {**finished, "results": {**finished.get("results", {}), "interactionResults": items}}
        state_failures = list(relay.failures)
    return parse_results(raw, published=options.publish is not None, state_failures=state_failures)


def _start_worker(
    config_path: Path, stderr: IO[bytes], inbox: queue.Queue[StateChange | dict[str, Any] | None]
) -> tuple[subprocess.Popen[bytes], threading.Thread]:
    """The worker writes its messages to a pipe; a thread puts them in `inbox`, then None at its end.
    Its stdout (where the Rust FFI prints its report) goes nowhere: the report also comes as a message."""
    read_fd, write_fd = os.pipe()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "verifier.live.replay_worker", str(config_path), str(write_fd)],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
            pass_fds=(write_fd,),
        )
    except OSError:
        os.close(read_fd)
        raise
    finally:
        os.close(write_fd)

    def read() -> None:
        with os.fdopen(read_fd, encoding="utf-8", errors="replace") as pipe:
            for line in pipe:
                try:
                    message = json.loads(line)
                except json.JSONDecodeError:  # a line cut short by a crash: the exit code tells the story
                    continue
                if isinstance(message, dict):
                    inbox.put(message)
        inbox.put(None)

    reader = threading.Thread(target=read, name="replay-worker-reader", daemon=True)
    reader.start()
    return process, reader


def _follow(
    inbox: queue.Queue[StateChange | dict[str, Any] | None], tracker: _Tracker, *, deadline: float
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Hand state changes and results to the tracker until the worker's pipe closes."""
    items: list[dict[str, Any]] = []
    finished: dict[str, Any] | None = None
    while True:
        try:
            item = inbox.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty as exc:
            raise TimeoutError from exc
        if item is None:
            return items, finished
        if isinstance(item, StateChange):
            tracker.state_change(item)
        elif "interaction" in item:
            items.append(item["interaction"])
            tracker.verified(_interaction(item["interaction"]))
        elif "finished" in item:
            finished = item["finished"]


class _Tracker:
    """Turns the relay's calls into events. The Rust verifier calls the state-change endpoint for every
    interaction (with state '' when it has none): all setups, the request, then all teardowns; a failed
    setup ends the interaction. So an interaction starts with a setup that follows a teardown, a failed
    setup, or nothing."""

    def __init__(self, on_event: Callable[[Event], None] | None) -> None:
        self._emit = on_event or (lambda _event: None)
        self._previous: StateChange | None = None
        self._started = 0

    def state_change(self, change: StateChange) -> None:
        previous = self._previous
        if change.action == "setup" and (
            previous is None or previous.action != "setup" or previous.problem is not None
        ):
            self._started += 1
            self._emit(InteractionStarted(self._started, change.state))
        self._previous = change
        self._emit(
            StateChangeCalled(change.state, change.action, change.params, change.status, change.problem)
        )

    def verified(self, result: InteractionResult) -> None:
        self._emit(InteractionVerified(result))


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
        errors.extend(_run_errors(results) or [str(raw["raised"])])
    if not interactions and not errors:
        errors.append(
            "no interactions were verified: the pact sources hold no HTTP interaction for this provider "
            "(message pacts need --provider-messages-url, the provider's HTTP message endpoint)"
        )
    notices = tuple(_notice_text(n) for n in results.get("notices", []) if _notice_text(n))
    # The one place we read the verifier's console: its JSON results (pact_ffi's verifier-results
    # schema: result, notices, errors, pendingErrors, interactionResults, output) have no field for
    # the publication, and the Rust verifier only reports a refused publication in its output, in
    # this wording (a fixed substring, no pattern).
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
        publish_errors=tuple(publish_failures),
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


def _run_errors(results: dict[str, Any]) -> list[str]:
    """The verifier's structured errors of the run (``{"interaction": "Failed to load pact", "mismatch":
    {"type": "error", "message": ...}}``), worded as its report words them."""
    problems: list[str] = []
    for entry in results.get("errors") or []:
        mismatch = entry.get("mismatch") if isinstance(entry, dict) else None
        if isinstance(mismatch, dict) and mismatch.get("type") == "error":
            where, message = str(entry.get("interaction") or ""), str(mismatch.get("message") or "")
            problems.append(f"{where} - {message}" if where and message else where or message)
    return problems


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])
