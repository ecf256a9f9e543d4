"""Runs the official clients' pacts against a running broker and returns one verdict per interaction.

``front_door(broker_url, database_url)`` serves, on one loopback port, the provider-state endpoint
(``/__provider-states``, see ``states.py``) and the HAL-relation proxy (everything else, see
``hal_proxy.py``) in front of the broker under test. The verifiers are pointed at that port.

Verdicts come from the verifiers' structured output only: the Rust CLI's ``--json`` report and
pact-python's ``Verifier.results`` (the same JSON document, from the same Rust code).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from starlette.types import Receive, Scope, Send

from tests.broker.client_pacts.hal_proxy import HalRelationProxy
from tests.broker.client_pacts.states import STATES_PATH, StateApp
from tests.support import NPM_BIN, REPO_ROOT, free_port

HERE = Path(__file__).resolve().parent
PACTS: Mapping[str, Path] = {
    "Pact Broker Client": HERE / "pact_broker_client-pact_broker.json",
    "Pact Broker Client V2": HERE / "Pact Broker Client V2-Pact Broker.json",
}
PROVIDER = "Pact Broker"


@dataclass(frozen=True)
class Key:
    """One interaction: the consumer (which pact file), its description and its provider state."""

    consumer: str
    description: str
    state: str

    def __str__(self) -> str:
        return f"[{self.consumer}] {self.description!r} given {self.state!r}"


def _state_of(interaction: Mapping[str, Any]) -> str:
    if "providerState" in interaction:
        return str(interaction["providerState"] or "")
    return " and ".join(str(s["name"]) for s in interaction.get("providerStates") or [])


def interactions() -> list[Key]:
    keys: list[Key] = []
    for consumer, path in PACTS.items():
        data = json.loads(path.read_text())
        for interaction in data["interactions"]:
            keys.append(Key(consumer, interaction["description"], _state_of(interaction)))
    return keys


class FrontDoor:
    """ASGI: the state endpoint at ``STATES_PATH``, the HAL-relation proxy for every other path."""

    def __init__(self, broker_url: str, database_url: str) -> None:
        self.states = StateApp(database_url)
        self.proxy = HalRelationProxy(broker_url)

    def clear(self) -> None:
        """Forget the calls recorded so far (one front door serves several verifier runs)."""
        self.states.calls.clear()
        self.states.failures.clear()
        self.proxy.forwarded.clear()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await self.proxy.aclose()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] == "http" and scope["path"] == STATES_PATH:
            await self.states.asgi(scope, receive, send)
        else:
            await self.proxy(scope, receive, send)


@contextlib.contextmanager
def front_door(broker_url: str, database_url: str) -> Iterator[tuple[str, FrontDoor]]:
    app = FrontDoor(broker_url, database_url)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the provider-state / HAL proxy server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.states.close()


def rust_verifier() -> list[str] | None:
    """The Rust verifier: the ``pact`` CLI of the pact-python-cli wheel, else the npm standalone one."""
    wheel = shutil.which("pact", path=str(Path(sys.executable).parent))
    if wheel:
        return [wheel, "verifier"]
    npm = NPM_BIN / "pact-verifier"
    return [str(npm)] if npm.exists() else None


def _error_key(text: str) -> Key:
    """``Verifying a pact between C and P[ Given S] - D`` (the verifier's name of a failed interaction)."""
    head = "Verifying a pact between "
    assert text.startswith(head), text
    for consumer in PACTS:
        prefix = f"{head}{consumer} and {PROVIDER}"
        if not text.startswith(prefix + " "):
            continue
        rest = text[len(prefix) :]
        for key in interactions():
            if key.consumer != consumer:
                continue
            given = f" Given {key.state}" if key.state else ""
            if rest == f"{given} - {key.description}":
                return key
    raise AssertionError(f"the verifier reported a failure of an interaction the pacts do not hold: {text}")


def verdicts(report: Mapping[str, Any]) -> tuple[dict[Key, bool], dict[Key, str]]:
    """Per-interaction verdicts from the verifier's JSON report, and each failure's mismatches.

    ``interactionResults`` lists the interactions in the order the pacts hold them (they carry only the
    description and ``OK``/``Error``); ``errors`` names each failed one with its consumer and state. Both
    are read and must agree, so a change of either format fails loudly instead of mis-attributing."""
    keys = interactions()
    results = report.get("interactionResults") or []
    assert [r["description"] for r in results] == [k.description for k in keys], (
        "the verifier's results are not the pacts' interactions in order"
    )
    passed = {key: result["result"] == "OK" for key, result in zip(keys, results, strict=True)}
    failures: dict[Key, str] = {}
    for error in report.get("errors") or []:
        key = _error_key(error["interaction"])
        failures[key] = json.dumps(error.get("mismatch"))[:1500]
    assert set(failures) == {k for k, ok in passed.items() if not ok}, (
        "the verifier's failure list disagrees with its per-interaction results"
    )
    return passed, failures


def run_pact_python(base_url: str, workdir: Path) -> dict[str, Any]:
    report = workdir / "pact-python-results.json"
    args = [sys.executable, "-m", "tests.broker.client_pacts.pact_python_run"]
    args += [base_url, base_url + STATES_PATH, str(report)]
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    completed = subprocess.run(
        args, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    if not report.exists():
        raise AssertionError(f"pact-python wrote no results:\n{completed.stdout}\n{completed.stderr}")
    result: dict[str, Any] = json.loads(report.read_text())
    return result


def run_rust_cli(base_url: str, workdir: Path) -> tuple[dict[str, Any], str]:
    command = rust_verifier()
    assert command is not None, "no Rust verifier: install pact-python-cli (pip) or run `make npm-tools`"
    report = workdir / "verifier-report.json"
    args = [
        *command,
        *[arg for path in PACTS.values() for arg in ("--file", str(path))],
        "--hostname", "127.0.0.1",
        "--port", base_url.rsplit(":", 1)[1],
        "--provider-name", PROVIDER,
        "--state-change-url", base_url + STATES_PATH,
        "--json", str(report),
        "--no-colour",
        "--request-timeout", "20000",
    ]  # fmt: skip
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    completed = subprocess.run(args, env=env, capture_output=True, text=True, timeout=240, check=False)
    if not report.exists():
        raise AssertionError(f"the verifier wrote no JSON report:\n{completed.stdout}\n{completed.stderr}")
    return json.loads(report.read_text()), completed.stdout + completed.stderr
