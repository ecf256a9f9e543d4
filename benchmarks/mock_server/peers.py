"""The mock servers compared, each with its production options (and why), and their processes.

A peer is started in its own session (``start_new_session``) pinned with ``taskset``; its CPU time and
resident memory are summed over every process of that session (a launcher, JVM, worker processes).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / ".cache" / "npm-tools" / "node_modules"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Peer:
    name: str
    command: list[str]
    cpus: str
    jit: bool
    options: dict[str, str] = field(default_factory=dict)

    def launch(self, log: Path) -> Server:
        return Server(self, log)


class Server:
    """One running peer: started pinned, stopped with its whole session."""

    def __init__(self, peer: Peer, log: Path) -> None:
        self.peer = peer
        self.command = ["taskset", "-c", peer.cpus, *peer.command]
        self._log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            self.command,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
            start_new_session=True,
        )

    def wait_first_answer(self, base: str, path: str, timeout: float, rss_cap_mb: float = 0) -> float:
        """Seconds from process start to the first 2xx answer on PATH (an interaction, not a health URL).

        The polling runs in a thread; this one watches the process, the deadline and, with RSS_CAP_MB,
        the resident memory (a peer that balloons on a big contract is stopped, not left to the OOM killer).
        """
        answered: list[float] = []

        def poll() -> None:
            with httpx.Client(
                base_url=base, headers={"Accept": "application/json"}, timeout=timeout
            ) as client:
                while time.perf_counter() < self.started + timeout and self.process.poll() is None:
                    with contextlib.suppress(httpx.HTTPError):
                        if client.get(path).is_success:
                            answered.append(time.perf_counter() - self.started)
                            return
                    time.sleep(0.05)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        while poller.is_alive():
            poller.join(0.2)
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.peer.name} exited with {self.process.returncode}")
            if rss_cap_mb and self.rss_mb() > rss_cap_mb:
                elapsed = time.perf_counter() - self.started
                raise MemoryError(
                    f"{self.peer.name}: resident memory passed {rss_cap_mb:.0f} MB after {elapsed:.0f} s "
                    f"without answering {path}; stopped"
                )
            if time.perf_counter() > self.started + timeout + 5:
                break
        if answered:
            return answered[0]
        raise TimeoutError(f"{self.peer.name}: no 2xx on {path} within {timeout:.0f} s")

    def pids(self) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, IndexError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[3]) == self.process.pid:  # session id
                    found.append(int(entry.name))
        return found

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.pids():
            with contextlib.suppress(OSError, IndexError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime + stime, all threads
        return total / CLOCK_TICKS

    def rss_mb(self) -> float:
        pages = 0
        for pid in self.pids():
            with contextlib.suppress(OSError, IndexError):
                pages += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        return round(pages * PAGE_KB / 1024, 1)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._log.close()


# ------------------------------------------------------------------------------------------ tools


def tether_executable() -> list[str]:
    exe = shutil.which("tether", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "tether"]


def tether_has_workers() -> bool:
    done = subprocess.run(
        [*tether_executable(), "mock", "serve", "--help"], capture_output=True, text=True, check=False
    )
    return "--workers" in done.stdout


def wiremock_jar() -> Path | None:
    jars = sorted((NODE_MODULES / "wiremock" / "build").glob("wiremock-standalone-*.jar"))
    return jars[-1] if jars else None


def prism_executable() -> Path | None:
    exe = NODE_MODULES / ".bin" / "prism"
    return exe if exe.exists() else None


def pact_executable() -> Path | None:
    """The Rust pact CLI (`pact stub` is pact-stub-server): the pact-python-cli wheel's, else npm's."""
    venv = Path(sys.executable).parent / "pact"
    if venv.exists():
        return venv
    npm = NODE_MODULES / "@pact-foundation" / "pact-cli-linux-x64" / "standalone" / "pact"
    return npm if npm.exists() else None


def missing_tools() -> dict[str, str]:
    """Peer name -> why it cannot run here (printed; the peer is skipped)."""
    missing = {}
    if not shutil.which("java"):
        missing["wiremock"] = "java is missing (apt-get install -y default-jre-headless)"
    elif wiremock_jar() is None:
        missing["wiremock"] = "the wiremock npm package is missing (make npm-tools)"
    if prism_executable() is None or not shutil.which("node"):
        missing["prism"] = "node or @stoplight/prism-cli is missing (make npm-tools)"
    if pact_executable() is None:
        missing["pact-stub"] = "the pact CLI is missing (pip install pact-python-cli, or make npm-tools)"
    return missing


# ------------------------------------------------------------------------------------------ peers


def tether(pact: Path, port: int, cpus: str, workers: int | None = None) -> Peer:
    command = [*tether_executable(), "mock", "serve", "--provider", "BenchApi", "--pact", str(pact)]
    command += ["--port", str(port)]
    options = {
        "defaults": "tether mock serve defaults: --log-level warning (no per-request log line), "
        "journal of the last 1000 requests (--journal-size 1000), full Pact matching",
    }
    if workers:
        command += ["--workers", str(workers)]
        options["--workers"] = f"{workers} worker processes sharing the port, one per core"
    return Peer(f"tether-{workers}w" if workers else "tether", command, cpus, jit=False, options=options)


def wiremock(jar: Path, root: Path, port: int, cpus: str, processors: int, tuned: bool) -> Peer:
    command = ["java", f"-XX:ActiveProcessorCount={processors}", "-jar", str(jar)]
    command += ["--port", str(port), "--root-dir", str(root), "--disable-banner"]
    options = {
        f"-XX:ActiveProcessorCount={processors}": "the JVM sizes its GC and thread pools for the cores it "
        "is pinned to (taskset alone does not tell every JVM pool)",
        "--disable-banner": "cosmetic",
        "request journal": "default: on and unbounded (what `wiremock` gives a user)",
        "--verbose": "not set (WireMock's default: no verbose logging)",
        "heap": "JVM default (1/4 of RAM), no tuning",
    }
    if tuned:
        command += ["--no-request-journal", "--disable-request-logging", "--container-threads", "64"]
        options.update(
            {
                "request journal": "--no-request-journal: WireMock's advice for long runs and load tests",
                "--disable-request-logging": "WireMock's advice 'useful when performance testing'",
                "--container-threads 64": "Jetty threads >= connections (32) + acceptors/selectors",
            }
        )
    return Peer("wiremock-tuned" if tuned else "wiremock", command, cpus, jit=True, options=options)


def prism(exe: Path, spec: Path, port: int, cpus: str) -> Peer:
    command = [str(exe), "mock", str(spec), "--port", str(port), "--host", "127.0.0.1", "-v", "warn"]
    options = {
        "-v warn": "no per-request info log line (Prism's default 'info' logs every request)",
        "--errors false": "default: request violations are reported, not turned into 4xx",
        "--dynamic false": "default: the documented example is returned (no json-schema-faker)",
        "--multiprocess false": "default; forking a log process does not help on one core",
    }
    return Peer("prism", command, cpus, jit=True, options=options)


def pact_stub(exe: Path, pact: Path, port: int, cpus: str) -> Peer:
    command = [str(exe), "stub", "-f", str(pact), "-p", str(port), "-l", "none"]
    options = {
        "-l none": "no logging (--log-level defaults to off too)",
        "threads": "tokio runtime sized from the CPUs it may run on (taskset: 1)",
        "binary": f"{exe} (pact-stub-server 0.7.1 inside the Rust pact CLI)",
    }
    return Peer("pact-stub", command, cpus, jit=False, options=options)
