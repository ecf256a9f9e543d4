"""examples/ci/github-actions.yml runs: every `run:` step, job by job, against a real broker on loopback.

Steps that use a GitHub action (`uses:` checkout, setup-python, upload-artifact) are skipped: they are
GitHub's. Each job starts in a fresh copy of the example project, as a fresh checkout would, and
`${{ ... }}` expressions are replaced by the values a push to main would give. `pip install tether`
runs a stand-in `pip` that checks Tether and the Pact CLI wheel are installed (this venv already has
them; tests/tether/test_wheel_install.py installs the real wheel). The broker requires a token, as
the workflow's header says, and its `production` environment exists.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.examples.shell import rewrite_ports
from tests.support import REPO_ROOT, free_port, running_process

pytestmark = pytest.mark.slow

WORKFLOW = REPO_ROOT / "examples" / "ci" / "github-actions.yml"
WRITE_TOKEN = "ci-write-token"
ADMIN_TOKEN = "ci-admin-token"
SHA = "3f2c9d1e0b7a"
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")
FAKE_PIP = """#!/bin/sh
# stands in for `pip install tether` in tests/examples/test_github_actions.py
[ "$*" = "install tether" ] || { echo "unexpected pip call: pip $*" >&2; exit 1; }
exec python -c 'import importlib.metadata as m; print("tether", m.version("tether"), "with pact-python-cli", m.version("pact-python-cli"))'
"""


@dataclass(frozen=True)
class StepRun:
    job: str
    name: str
    output: str


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("ci-broker")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {"TETHER_BROKER_TOKENS": f"{WRITE_TOKEN}:write,{ADMIN_TOKEN}:admin"}
    with running_process(
        [str(Path(sys.executable).parent / "tether"), "broker", "serve", "--port", str(port),
         "--database-url", f"sqlite:///{folder / 'broker.db'}", "--base-url", url],
        ready_url=f"{url}/diagnostic/status/heartbeat", env=env, cwd=folder,
    ):  # fmt: skip
        subprocess.run(
            [str(Path(sys.executable).parent / "pact"), "broker", "create-environment", "--name", "production",
             "--production", "--broker-base-url", url, "--broker-token", ADMIN_TOKEN],
            check=True, capture_output=True, env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
        )  # fmt: skip
        yield url


def _expressions(broker: str) -> dict[str, str]:
    return {
        "vars.PACT_BROKER_BASE_URL": broker,
        "secrets.PACT_BROKER_TOKEN": WRITE_TOKEN,
        "github.sha": SHA,
        "github.head_ref || github.ref_name": "main",
    }


def _substitute(value: Any, expressions: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        assert match.group(1) in expressions, f"the test does not know the expression {match.group(0)}"
        return expressions[match.group(1)]

    return EXPRESSION.sub(replace, str(value))


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)


def run_workflow(broker: str, root: Path, workflow_file: Path = WORKFLOW) -> list[StepRun]:
    workflow = yaml.safe_load(workflow_file.read_text())
    expressions = _expressions(broker)
    fake_bin = root / "fake-bin"
    fake_bin.mkdir()
    (fake_bin / "pip").write_text(FAKE_PIP)
    (fake_bin / "pip").chmod(0o755)
    path = os.pathsep.join([str(fake_bin), str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    base_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PACT_", "TETHER_")) and k != "PYTHONPATH"
    }
    workflow_env = {k: _substitute(v, expressions) for k, v in (workflow.get("env") or {}).items()}
    runs: list[StepRun] = []
    done: set[str] = set()
    for job_id, job in workflow["jobs"].items():
        needs = job.get("needs", [])
        assert set([needs] if isinstance(needs, str) else needs) <= done, (
            f"{job_id} runs before what it needs"
        )
        if "if" in job:  # this run is a push to main
            assert job["if"] == "github.ref == 'refs/heads/main'", job["if"]
        workspace = root / job_id
        shutil.copytree(REPO_ROOT / "examples", workspace / "examples",
                        ignore=shutil.ignore_patterns("__pycache__", "generated"))  # fmt: skip
        job_env = {
            **workflow_env,
            **{k: _substitute(v, expressions) for k, v in (job.get("env") or {}).items()},
        }
        ports = {"8081": free_port()}  # the job's own provider
        groups: list[int] = []
        try:
            for step in job["steps"]:
                if "uses" in step:
                    continue
                name = step.get("name", step["run"])
                env = {**base_env, **job_env, "PATH": path}
                env.update({k: _substitute(v, expressions) for k, v in (step.get("env") or {}).items()})
                script = rewrite_ports(_substitute(step["run"], expressions), ports)
                process = subprocess.Popen(
                    ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                    cwd=workspace, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                    start_new_session=True,
                )  # fmt: skip
                groups.append(process.pid)
                output, _ = process.communicate(timeout=600)
                assert process.returncode == 0, f"{job_id} / {name} exited {process.returncode}:\n{output}"
                runs.append(StepRun(job_id, name, output))
        finally:
            for pgid in groups:
                _kill_group(pgid)
        done.add(job_id)
    return runs


def test_the_workflow_runs_step_by_step_against_a_real_broker(broker: str, tmp_path: Path) -> None:
    runs = run_workflow(broker, tmp_path)
    outputs = {(run.job, run.name): run.output for run in runs}
    assert [job for job in dict.fromkeys(run.job for run in runs)] == [
        "consumer",
        "provider",
        "load-test",
        "deploy",
    ]
    assert (tmp_path / "consumer" / "pacts" / "OrderWeb-OrdersApi.json").is_file()
    assert "ok: pacts/OrderWeb-OrdersApi.json: OrderWeb -> OrdersApi" in outputs[("consumer", "Check the pact before publishing it")]  # fmt: skip
    assert "all thresholds met" in outputs[("load-test", "Load test (fails the job when a threshold breaks)")]
    assert (tmp_path / "load-test" / "load-report.html").is_file()
    assert "Computer says yes" in outputs[("deploy", "Can OrderWeb go to production (its provider version there verified its pact)?")]  # fmt: skip
    headers = {"Authorization": f"Bearer {WRITE_TOKEN}"}
    environments = httpx.get(f"{broker}/environments", headers=headers).json()["_embedded"]["environments"]
    (production,) = [env for env in environments if env["name"] == "production"]
    deployed = httpx.get(
        f"{broker}/environments/{production['uuid']}/deployed-versions/currently-deployed", headers=headers
    ).json()["_embedded"]["deployedVersions"]
    assert sorted(
        (d["_embedded"]["pacticipant"]["name"], d["_embedded"]["version"]["number"]) for d in deployed
    ) == [
        ("OrderWeb", SHA),
        ("OrdersApi", SHA),
    ]


def test_a_failing_step_fails_the_run(broker: str, tmp_path: Path) -> None:
    """The runner is not a rubber stamp: a step that exits non-zero stops the workflow with its output."""
    steps = [{"uses": "actions/checkout@v4"}, {"name": "bad", "run": "tether pact validate nothing.json"}]
    broken = tmp_path / "broken.yml"
    broken.write_text(yaml.safe_dump({"jobs": {"only": {"steps": steps}}}))
    with pytest.raises(AssertionError, match=r"only / bad exited 2"):
        run_workflow(broker, tmp_path, broken)
