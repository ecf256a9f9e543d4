"""Every shell command in README.md and docs/*.md runs, against real servers on loopback.

The ```console and ```bash blocks are extracted; in a block with `$ ` prompts only the prompted lines
(and their `\\` continuations) are commands, the rest is sample output. A block preceded by
`<!-- docs-test: skip: REASON -->` is not run (keep those few: installs, long-running `make` targets,
commands that need your own test suite). The commands run with bash in a scratch folder where
`tether demo --copy-only` wrote the example project, with this venv's `bin` first on PATH (`tether`, and `pact` from `pact-python-cli`).
A broker, the example provider and the drifted provider run for the session, already holding the
example pacts verified by OrdersApi 1.0.0; see tests/examples/shell.py for how ports are rewritten and
server commands are run in the background.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.examples.shell import Shell, rewrite_ports, server_default_port
from tests.support import REPO_ROOT, free_port, running_process

pytestmark = pytest.mark.slow

DOCS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\s*$")
SKIP = re.compile(r"^<!-- docs-test: skip: (.+) -->$")
SHELL_LANGUAGES = {"console", "bash", "sh", "shell"}


@dataclass(frozen=True)
class Block:
    where: str
    commands: tuple[str, ...]
    skip: str | None
    samples: dict[str, str] = field(default_factory=dict)  # command -> the first line of its sample output


def commands_of(lines: list[str]) -> tuple[str, ...]:
    return tuple(_parse(lines))


def first_sample_lines(lines: list[str]) -> dict[str, str]:
    """For each prompted command, the first line of the output the docs show for it (if any)."""
    return {command: sample[0] for command, sample in _parse(lines).items() if sample}


def _parse(lines: list[str]) -> dict[str, list[str]]:
    prompted = any(line.startswith("$ ") for line in lines)
    commands: dict[str, list[str]] = {}
    current: list[str] = []
    last: str | None = None
    for line in lines:
        if current:
            current.append(line)
        elif prompted and not line.startswith("$ "):
            if last is not None and line.strip():
                commands[last].append(line)  # sample output
            continue
        else:
            line = line[2:] if prompted else line
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            current = [line]
        if not current[-1].rstrip().endswith("\\"):
            last = "\n".join(current)
            commands[last] = []
            current = []
    assert not current, f"a command ends with a line continuation: {current}"
    return commands


def shell_blocks(path: Path) -> list[Block]:
    blocks: list[Block] = []
    lines = path.read_text().splitlines()
    index = 0
    while index < len(lines):
        fence = FENCE.match(lines[index])
        if fence is None:
            index += 1
            continue
        end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
        if fence.group(1) in SHELL_LANGUAGES:
            before = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip()), "")
            skip = SKIP.match(before.strip())
            where = f"{path.relative_to(REPO_ROOT)}:{index + 1}"
            body = lines[index + 1 : end]
            blocks.append(
                Block(where, commands_of(body), skip.group(1) if skip else None, first_sample_lines(body))
            )
        index = end + 1
    return blocks


BLOCKS = [block for path in DOCS for block in shell_blocks(path)]


def test_the_docs_have_shell_blocks_and_few_are_skipped() -> None:
    assert len(BLOCKS) >= 8
    skipped = [block.where for block in BLOCKS if block.skip]
    assert len(skipped) <= 5, f"keep the skip list short: {skipped}"
    assert all(block.commands for block in BLOCKS), [b.where for b in BLOCKS if not b.commands]


def test_the_block_parser_separates_commands_from_output() -> None:
    lines = ["$ tether pact validate a.json \\", "    b.json   # exit 1", "ok: a.json", "", "$ curl -s x"]
    assert commands_of(lines) == ("tether pact validate a.json \\\n    b.json   # exit 1", "curl -s x")
    assert commands_of(["# a comment", "make demo    # runs it", ""]) == ("make demo    # runs it",)
    assert first_sample_lines(lines) == {
        "tether pact validate a.json \\\n    b.json   # exit 1": "ok: a.json"
    }


@pytest.fixture(scope="module")
def shell(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shell]:
    workspace = tmp_path_factory.mktemp("docs")
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "TETHER_DATABASE_URL"}},
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PACT_DO_NOT_TRACK": "true",
    }
    broker_port, provider_port, drifted_port = free_port(), free_port(), free_port()
    broker = f"http://127.0.0.1:{broker_port}"
    provider = f"http://127.0.0.1:{provider_port}"
    tether = str(Path(bin_dir) / "tether")
    # as a pip user would: the example project comes from the installed package, not from a checkout
    subprocess.run([tether, "demo", "--copy-only"], cwd=workspace, env=env, check=True, capture_output=True)
    with (
        running_process(
            [
                tether,
                "broker",
                "serve",
                "--port",
                str(broker_port),
                "--database-url",
                f"sqlite:///{workspace / 'session-broker.db'}",
                "--base-url",
                broker,
            ],
            ready_url=f"{broker}/diagnostic/status/heartbeat",
            env=env,
            cwd=workspace,
        ),  # fmt: skip
        running_process(
            [sys.executable, "-m", "examples.provider", "--port", str(provider_port)],
            ready_url=f"{provider}/products",
            env=env,
            cwd=workspace,
        ),  # fmt: skip
        running_process(
            [sys.executable, "-m", "examples.provider_drifted", "--port", str(drifted_port)],
            ready_url=f"http://127.0.0.1:{drifted_port}/products",
            env=env,
            cwd=workspace,
        ),  # fmt: skip
    ):
        _seed(workspace, env, broker, provider)
        yield Shell(workspace, env, {"9292": broker_port, "8081": provider_port, "8082": drifted_port})


def _seed(workspace: Path, env: dict[str, str], broker: str, provider: str) -> None:
    """The world the docs assume: the example pacts published, and verified by OrdersApi 1.0.0."""
    for args in (
        ["pact", "broker", "publish", "tether-demo/example/pacts", "--consumer-app-version", "1.0.0", "--branch", "main",
         "--broker-base-url", broker],
        ["tether", "verify", "provider", "--provider", "OrdersApi", "--provider-base-url", provider,
         "--broker-url", broker, "--main-branch", "--state-change-url", f"{provider}/_pact/provider-states",
         "--provider-version", "1.0.0", "--provider-branch", "main", "--publish"],
    ):  # fmt: skip
        proc = subprocess.run(args, cwd=workspace, env=env, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, f"{args}:\n{proc.stdout}\n{proc.stderr}"


RUNNABLE = [block for block in BLOCKS if not block.skip]  # marked blocks are listed, not run (nor skipped)


@pytest.mark.parametrize("block", RUNNABLE, ids=[block.where for block in RUNNABLE])
def test_documented_commands_run(block: Block, shell: Shell) -> None:
    with shell.block() as runner:
        for command in block.commands:
            outcome = runner.run(command)
            sample = block.samples.get(command)
            if (
                sample is None or "..., " in sample or server_default_port(command)
            ):  # abridged, or a server's log
                continue
            shown = " ".join(rewrite_ports(sample, runner.ports).split())
            assert shown in " ".join(outcome.output.split()), (
                f"{block.where}: the docs show `{sample}` for `{command}`, but it printed:\n{outcome.output}"
            )
