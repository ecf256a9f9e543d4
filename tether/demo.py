"""`tether demo`: the whole Tether story on the example project, reporting exactly what ran.

Every step is a real command a team would run in CI, printed before it runs: the broker under
uvicorn on SQLite, the official Pact CLI publishing the example pacts and asking can-i-deploy,
`tether verify openapi` and `tether verify provider` (pact-python's verifier plus schemathesis),
the mock server built from the verified pacts, and a headless Locust run generated from them.
A step that fails is reported as failed and the demo goes on; the exit status says whether every
step did what it should.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click
import httpx
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tether.errors import PactCliMissing, TetherError
from tether.example_project import ExampleProject, copy_example_project
from tether.pact_cli import find_pact_cli

PROVIDER = "OrdersApi"
CONSUMERS = ("OrderWeb", "OrderMobile")
VERSION = "1.0.0"
DRIFTED_VERSION = "1.1.0-drifted"


@dataclass
class StepResult:
    name: str
    ok: bool
    detail: str
    seconds: float


@dataclass
class Demo:
    workdir: Path
    load_seconds: int
    console: Console
    results: list[StepResult] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    started_at: float = field(default_factory=time.time)

    def wrote(self, *paths: Path) -> None:
        """Remember files a step writes; the summary lists those this run really wrote."""
        self.written.extend(path for path in paths if path not in self.written)

    def files_written(self) -> list[Path]:
        """The remembered files that exist and were written by this run (not left by an earlier one)."""
        return [p for p in self.written if p.is_file() and p.stat().st_mtime >= self.started_at - 1]

    # ------------------------------------------------------------------------------ processes

    def start(self, name: str, args: Sequence[str], ready_url: str) -> subprocess.Popen[bytes] | None:
        log = (self.workdir / f"{name}.log").open("wb")
        self.wrote(Path(log.name))
        self.console.print(Text(f"$ {' '.join(args)}  (background, log: {log.name})", "dim"))
        process = subprocess.Popen(list(args), stdout=log, stderr=subprocess.STDOUT, env=_env())
        self.processes.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return None
            try:
                httpx.get(ready_url, timeout=1)
                return process
            except httpx.HTTPError:
                time.sleep(0.2)
        return None

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    # ---------------------------------------------------------------------------------- steps

    def run(
        self,
        name: str,
        args: Sequence[str],
        *,
        expect: int = 0,
        show: int = 12,
        detail: str = "",
        timeout: float = 300,
    ) -> bool:
        """Run one command, show the end of its output, and record whether it exited as expected."""
        self.console.rule(name, style="cyan")
        self.console.print(Text(f"$ {' '.join(args)}", "dim"))
        started = time.monotonic()
        try:
            proc = subprocess.run(
                list(args), capture_output=True, text=True, env=_env(), timeout=timeout, check=False
            )
            output = (proc.stdout + proc.stderr).rstrip()
            code = proc.returncode
        except (OSError, subprocess.TimeoutExpired) as exc:
            output, code = str(exc), -1
        lines = output.splitlines()
        if len(lines) > show:
            self.console.print(f"[dim]  ... {len(lines) - show} more lines[/dim]")
        for line in lines[-show:]:
            self.console.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
        ok = code == expect
        outcome = f"exit {code}" + ("" if ok else f", expected {expect}")
        self.record(name, ok, f"{detail} ({outcome})" if detail else outcome, time.monotonic() - started)
        return ok

    def record(self, name: str, ok: bool, detail: str, seconds: float = 0.0) -> None:
        self.results.append(StepResult(name, ok, detail, seconds))
        mark = ("ok", "green") if ok else ("FAILED", "bold red")
        self.console.print(Text.assemble(mark, f"  {name}: {detail}"), highlight=False)

    def summary(self) -> bool:
        table = Table(title="Tether demo: what ran", show_lines=False)
        table.add_column("step")
        table.add_column("result")
        table.add_column("what happened")
        table.add_column("s", justify="right")
        for result in self.results:
            table.add_row(
                Text(result.name),
                Text("ok", "green") if result.ok else Text("FAILED", "bold red"),
                Text(result.detail),
                f"{result.seconds:.1f}",
            )
        self.console.print(table)
        passed = all(result.ok for result in self.results)
        failed = sum(not result.ok for result in self.results)
        self.console.print(
            "[bold green]Every step did what it should.[/bold green]"
            if passed
            else f"[bold red]{failed} step(s) did not do what they should: see above.[/bold red]"
        )
        written = self.files_written()
        self.console.print(f"Files written in {self.workdir}/:", markup=False)
        for path in written:
            self.console.print(f"  {path.relative_to(self.workdir)}", markup=False, highlight=False)
        if not written:
            self.console.print("  (none)")
        return passed


def _env() -> dict[str, str]:
    return {**os.environ, "PACT_DO_NOT_TRACK": "true"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tether() -> list[str]:
    exe = shutil.which("tether", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "tether"]


@click.command(name="demo")
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("tether-demo"),
    show_default=True,
    help="Directory the demo writes its pacts, reports and Locust files into.",
)
@click.option(
    "--load-seconds",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Duration of the headless Locust run.",
)
@click.option(
    "--copy-only",
    is_flag=True,
    help="Only copy the example project (pacts, OpenAPI specs) into WORKDIR/example and stop.",
)
def demo_command(workdir: Path, load_seconds: int, copy_only: bool) -> None:
    """Run the end-to-end story on the example project and print a truthful summary.

    Broker on SQLite, the Pact CLI publishing and asking can-i-deploy, static and live
    verification, drift caught, a mock server from verified pacts, and a Locust load run.
    The example pacts and specs are copied into WORKDIR/example first; the providers run from
    the installed `examples` package. Exit status 0 only when every step did what it should.
    """
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        example = copy_example_project(workdir / "example")
    except TetherError as exc:
        raise click.ClickException(str(exc)) from exc
    if copy_only:
        for path in example.files:
            click.echo(f"wrote {path}")
        return
    for stale in workdir.glob("broker.db*"):
        stale.unlink()
    demo = Demo(
        workdir=workdir,
        load_seconds=load_seconds,
        console=Console(highlight=False, width=max(Console().width, 120)),
    )
    try:
        _story(demo, example)
    finally:
        demo.stop_all()
    if not demo.summary():
        sys.exit(1)


def _story(demo: Demo, example: ExampleProject) -> None:
    """The steps, on the example project's copy in the work folder (pacts and specs from the package)."""
    demo.wrote(*example.files)
    tether = _tether()
    broker_port, provider_port, drifted_port, mock_port = (_free_port() for _ in range(4))
    broker = f"http://127.0.0.1:{broker_port}"
    provider = f"http://127.0.0.1:{provider_port}"
    drifted = f"http://127.0.0.1:{drifted_port}"
    pacts = [str(p) for p in example.pacts]
    spec = str(example.spec)
    drifted_spec = str(example.drifted_spec)
    demo.console.rule("Tether demo", style="bold")

    database = f"sqlite:///{demo.workdir / 'broker.db'}"
    started = demo.start(
        "broker",
        [
            *tether,
            "broker",
            "serve",
            "--port",
            str(broker_port),
            "--database-url",
            database,
            "--base-url",
            broker,
        ],
        f"{broker}/diagnostic/status/heartbeat",
    )
    demo.record("start the broker", started is not None, f"{broker} on SQLite ({demo.workdir / 'broker.db'})")
    demo.wrote(demo.workdir / "broker.db")
    python = sys.executable
    for name, module, port in (("provider", "examples.provider", provider_port), ("drifted provider", "examples.provider_drifted", drifted_port)):  # fmt: skip
        ok = demo.start(
            name.replace(" ", "-"),
            # -P: the installed example package, never an `examples` folder in the current directory
            [python, "-P", "-m", module, "--port", str(port)],
            f"http://127.0.0.1:{port}/products",
        )
        demo.record(f"start the example {name}", ok is not None, f"{module} on port {port}")
    if started is None:
        demo.record("the rest of the story", False, "skipped: the broker did not start (see broker.log)")
        return

    auth = ["--broker-base-url", broker]
    try:
        found = find_pact_cli()
    except PactCliMissing as exc:
        demo.record("publish the example pacts (Pact CLI)", False, str(exc))
        return
    demo.console.print(Text(f"Pact CLI: {found.path} (from {found.source})", "dim"))
    pact_cli = str(found.path)
    demo.run(
        "publish the example pacts (Pact CLI)",
        [pact_cli, "broker", "publish", *pacts, "--consumer-app-version", VERSION, "--branch", "main", *auth],
        detail=f"{len(pacts)} pacts as version {VERSION} on branch main",
    )
    demo.run(
        "static check: pacts vs the provider's OpenAPI spec",
        [*tether, "verify", "openapi", spec, *pacts],
        detail=f"every interaction is allowed by {spec}",
    )
    demo.run(
        "static check catches drift",
        [*tether, "verify", "openapi", drifted_spec, *pacts],
        expect=1,
        show=8,
        detail="the drifted spec breaks the pacts",
    )
    demo.run(
        "live verification: pact replay + schemathesis, results published",
        [*tether, "verify", "provider", "--provider", PROVIDER, "--provider-base-url", provider,
         "--broker-url", broker, "--main-branch", "--state-change-url", f"{provider}/_pact/provider-states",
         "--provider-version", VERSION, "--provider-branch", "main", "--publish",
         "--openapi", spec, "--max-examples", "5", "--max-time", "30", "--seed", "1"],
        show=20,
        detail=f"{PROVIDER} {VERSION} verified against the main-branch pacts",
    )  # fmt: skip
    demo.run(
        "live verification catches the drifted provider",
        [*tether, "verify", "provider", "--provider", PROVIDER, "--provider-base-url", drifted,
         "--broker-url", broker, "--main-branch", "--state-change-url", f"{drifted}/_pact/provider-states",
         "--provider-version", DRIFTED_VERSION, "--provider-branch", "drift", "--publish"],
        expect=1,
        show=10,
        detail=f"{PROVIDER} {DRIFTED_VERSION} fails and is published as failed",
    )  # fmt: skip
    demo.run("create the production environment", [pact_cli, "broker", "create-environment", "--name", "production", "--production", *auth])  # fmt: skip
    deploy_order = [(PROVIDER, "yes: no consumer is in production yet"), *((c, f"yes: {PROVIDER} {VERSION} in production verified its pact") for c in CONSUMERS)]  # fmt: skip
    for pacticipant, why in deploy_order:
        if demo.run(
            f"can-i-deploy {pacticipant} {VERSION} to production",
            [pact_cli, "broker", "can-i-deploy", "--pacticipant", pacticipant, "--version", VERSION, "--to-environment", "production", *auth],
            show=8,
            detail=why,
        ):  # fmt: skip
            demo.run(
                f"record the deployment of {pacticipant} {VERSION}",
                [pact_cli, "broker", "record-deployment", "--pacticipant", pacticipant, "--version", VERSION, "--environment", "production", *auth],
                show=3,
            )  # fmt: skip
    demo.run(
        f"can-i-deploy {PROVIDER} {DRIFTED_VERSION} says no",
        [pact_cli, "broker", "can-i-deploy", "--pacticipant", PROVIDER, "--version", DRIFTED_VERSION, "--to-environment", "production", *auth],
        expect=1,
        show=8,
        detail="no: the consumers in production failed against the drifted provider",
    )  # fmt: skip
    _mock_server(demo, tether, broker, mock_port)
    locustfile = demo.workdir / "locustfile.py"
    demo.run(
        "generate a Locust scenario from the verified pacts",
        [*tether, "loadgen", "locustfile", "--provider", PROVIDER, "--broker-url", broker, "--main-branch",
         "--openapi", spec, "--state-change-url", f"{provider}/_pact/provider-states", "--out", str(locustfile)],
        show=6,
        detail=str(locustfile),
    )  # fmt: skip
    demo.wrote(locustfile, demo.workdir / "load-report.html")
    demo.run(
        f"{demo.load_seconds}-second headless load with contract checks",
        [*tether, "loadgen", "run", "--locustfile", str(locustfile), "--host", provider, "-u", "5", "-r", "5",
         "-t", f"{demo.load_seconds}s", "--max-fail-ratio", "0.01", "--max-p95-ms", "500",
         "--html", str(demo.workdir / "load-report.html")],
        show=24,
        timeout=demo.load_seconds + 120,
        detail="thresholds: failures <= 1%, p95 <= 500 ms",
    )  # fmt: skip


def _mock_server(demo: Demo, tether: list[str], broker: str, port: int) -> None:
    mock = f"http://127.0.0.1:{port}"
    started = demo.start(
        "mock-server",
        [
            *tether,
            "mock",
            "serve",
            "--provider",
            PROVIDER,
            "--broker-url",
            broker,
            "--main-branch",
            "--port",
            str(port),
        ],
        f"{mock}/__tether/status",
    )
    if started is None:
        demo.record("mock server from verified pacts", False, "did not start (see mock-server.log)")
        return
    demo.console.rule("mock server from verified pacts", style="cyan")
    try:
        served = httpx.get(f"{mock}/products", headers={"X-Pact-Provider-State": "products exist"}, timeout=5)
        missing = httpx.post(f"{mock}/products", json={"name": "not in any pact"}, timeout=5)
    except httpx.HTTPError as exc:
        demo.record("mock server from verified pacts", False, f"request failed: {exc}")
        return
    demo.console.print(f"  GET /products -> {served.status_code} {served.text[:160]}", markup=False)
    demo.console.print(f"  POST /products -> {missing.status_code} {missing.text[:300]}", markup=False)
    ok = served.status_code == 200 and missing.status_code == 404 and "closest" in missing.text.lower()
    demo.record(
        "mock server from verified pacts",
        ok,
        f"{mock}: GET /products answered {served.status_code}; POST /products (in no pact) {missing.status_code} with the closest interactions",
    )
