"""Run documented shell commands for real: the README's blocks, docs/*.md and the CI workflow's steps.

Commands are written for a reader (`--port 9292`, `http://127.0.0.1:8081`), so before a command runs
its well-known ports are rewritten to the loopback ports the test's servers really use. A command
that starts a server (`tether broker serve`, `tether mock serve`, `python -m examples.provider...`,
`uvicorn ...`) runs in the background on a fresh port until the end of its block, and later commands
of the block talk to it. Every other command must exit 0, or the code a trailing `# exit N` names.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support import free_port

# the ports the docs use, and what a server command listens on when it names no --port
DOC_PORTS = ("9292", "8080", "8081", "8082", "8090")
SERVERS = {  # command prefix -> default port
    "tether broker serve": "9292",
    "tether mock serve": "8080",
    "python -m examples.provider_drifted": "8082",
    "python -m examples.provider": "8081",
    "uvicorn ": "8000",
}
EXIT = re.compile(r"#.*\bexit (\d+)\b")


@dataclass(frozen=True)
class Outcome:
    command: str
    code: int
    output: str


def server_default_port(command: str) -> str | None:
    """The port a server command listens on by default, or None when it is not a server command."""
    return next((port for prefix, port in SERVERS.items() if command.startswith(prefix)), None)


def expected_exit(command: str) -> int:
    match = EXIT.search(command.splitlines()[-1])
    return int(match.group(1)) if match else 0


def rewrite_ports(command: str, ports: Mapping[str, int]) -> str:
    pattern = "|".join(re.escape(p) for p in sorted(ports, key=len, reverse=True))
    return re.sub(rf"(?<![\d.])({pattern})(?![\d.])", lambda m: str(ports[m.group(1)]), command)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"server exited with {process.returncode}:\n{log.read_text(errors='replace')}"
            )
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(
        f"server did not listen on {port} within {timeout}s:\n{log.read_text(errors='replace')}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class Shell:
    """Runs commands with bash in `cwd`, with the session's servers' ports in `ports`."""

    cwd: Path
    env: dict[str, str]
    ports: dict[str, int]

    @contextmanager
    def block(self) -> Iterator[BlockRunner]:
        runner = BlockRunner(self, dict(self.ports))
        try:
            yield runner
        finally:
            for process in reversed(runner.background):
                _stop(process)


@dataclass
class BlockRunner:
    shell: Shell
    ports: dict[str, int]

    def __post_init__(self) -> None:
        self.background: list[subprocess.Popen[bytes]] = []

    def run(self, command: str, *, timeout: float = 300) -> Outcome:
        default = server_default_port(command)
        if default is not None:
            return self._serve(command, default)
        actual = rewrite_ports(command, self.ports)
        proc = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", actual],
            cwd=self.shell.cwd,
            env=self.shell.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        outcome = Outcome(actual, proc.returncode, proc.stdout + proc.stderr)
        assert outcome.code == expected_exit(command), (
            f"`{actual}` exited {outcome.code}, the docs expect {expected_exit(command)}:\n{outcome.output}"
        )
        return outcome

    def run_all(self, commands: Sequence[str]) -> list[Outcome]:
        return [self.run(command) for command in commands]

    def _serve(self, command: str, default: str) -> Outcome:
        words = shlex.split(command, comments=True)
        port = words[words.index("--port") + 1] if "--port" in words else default
        fresh = free_port()
        self.ports[port] = fresh
        actual = rewrite_ports(command, self.ports)
        if "--port" not in words:
            actual = f"{actual.split('#', 1)[0].rstrip()} --port {fresh}"
        log = self.shell.cwd / f"server-{fresh}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                ["bash", "-c", f"exec {actual}"],
                cwd=self.shell.cwd,
                env=self.shell.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.background.append(process)
        _wait_for_port(fresh, process, log)
        return Outcome(actual, 0, "")
