"""Provider self-check: schemathesis runs the provider's own OpenAPI spec against the live provider.

Schemathesis 4 has no public engine API, so Tether drives its CLI, ``st run``, in a child process
(in a scratch directory, so its cache never leaks between runs) and reads the two machine reports
it writes: the JSON run report (phases, counts, failure codes, warnings) and the JUnit report (one
test case per API operation, with the failure text). Progress comes from a third report, its NDJSON
event stream, which ``st`` writes to a pipe as it runs. ``st``'s console output is kept as the
human-readable report that is published as the self-verification.

Tether's verdict is schemathesis' exit code, with one addition: an operation the spec documents
that only ever answers ``405 Method Not Allowed`` (schemathesis reports it as the
``method_not_allowed`` warning and skips the operation) fails the self-check, since the provider
no longer serves it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import defusedxml.ElementTree as SafeET

from contracts.errors import ContractError
from contracts.openapi.document import load_openapi
from verifier.errors import VerifierError
from verifier.live.events import Event, SelfCheckOperation, SelfCheckPhaseFinished, SelfCheckPhaseStarted
from verifier.live.options import LiveOptionsError, SelfCheckOptions
from verifier.live.results import OperationResult, Outcome, SelfCheckFailure, SelfCheckResult

MISSING_OPERATION_CODE = "method_not_allowed"
MISSING_OPERATION_TITLE = "Documented operation answers 405 Method Not Allowed"


class SelfCheckError(VerifierError):
    """Schemathesis could not run (it crashed, timed out, or wrote no report)."""


def schemathesis_command() -> list[str]:
    exe = shutil.which("st", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "schemathesis.cli"]


def check_spec(spec: str) -> str:
    """A readable OpenAPI/Swagger document (file) or a URL; returns what to hand to schemathesis."""
    if urlsplit(spec).scheme in ("http", "https"):
        return spec
    path = Path(spec)
    if not path.is_file():
        raise LiveOptionsError(f"--openapi {spec}: no such file")
    try:
        load_openapi(path)  # the same reader (and messages) as `tether verify openapi`
    except ContractError as exc:
        raise LiveOptionsError(f"--openapi {exc}") from exc
    return str(path.resolve())


def run_self_check(
    options: SelfCheckOptions,
    *,
    on_event: Callable[[Event], None] | None = None,
) -> SelfCheckResult:
    """Run ``st run``; ``on_event`` gets its phases and operations as they finish (from its NDJSON event
    stream, written to a pipe), on the calling thread."""
    spec = check_spec(options.spec)
    emit = on_event or (lambda _event: None)
    timeout = (options.max_time or 600) + 120
    with tempfile.TemporaryDirectory(prefix="tether-selfcheck-") as tmp:
        reports = Path(tmp)
        read_fd, write_fd = os.pipe()
        with open(reports / "st.txt", "w+", encoding="utf-8", errors="replace") as console:
            try:
                process = subprocess.Popen(
                    _st_args(options, spec, reports, write_fd),
                    cwd=tmp,
                    stdout=console,
                    stderr=subprocess.STDOUT,
                    env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"},
                    pass_fds=(write_fd,),
                )
            except OSError:
                os.close(read_fd)
                raise
            finally:
                os.close(write_fd)
            # the pipe closes when `st` exits; a watchdog kills it when it overruns
            expired = threading.Event()

            def stop() -> None:
                expired.set()
                process.kill()

            watchdog = threading.Timer(timeout, stop)
            watchdog.start()
            try:
                with os.fdopen(read_fd, encoding="utf-8", errors="replace") as stream:
                    for line in stream:
                        event = self_check_event(line, options.phases)
                        if event is not None:
                            emit(event)
            except BaseException:  # an event handler failed, or Ctrl-C: `st` must not outlive us
                process.kill()
                raise
            finally:
                watchdog.cancel()
                returncode = process.wait()
            if expired.is_set():
                raise SelfCheckError(f"schemathesis did not finish within {timeout}s")
            console.seek(0)
            lines = console.read().splitlines()
        if not (reports / "run.json").exists():
            raise SelfCheckError(
                f"schemathesis (exit code {returncode}) wrote no report:\n" + "\n".join(lines[-30:])
            )
        run = json.loads((reports / "run.json").read_text(encoding="utf-8"))
        junit = reports / "junit.xml"
        operations = parse_junit(junit.read_text(encoding="utf-8")) if junit.exists() else ()
    return build_result(options.spec, run, operations, "\n".join(lines), returncode=returncode)


def _st_args(options: SelfCheckOptions, spec: str, reports: Path, events_fd: int) -> list[str]:
    args = [
        *schemathesis_command(),
        "--no-color",
        "run",
        spec,
        "--url",
        options.base_url,
        "--phases",
        ",".join(options.phases),
        "--max-examples",
        str(options.max_examples),
        "--report",
        "json,junit,ndjson",
        "--report-json-path",
        str(reports / "run.json"),
        "--report-junit-path",
        str(reports / "junit.xml"),
        # schemathesis' engine events, one JSON object per line, flushed as they happen; /dev/fd/N
        # (Linux, macOS) opens the pipe the parent reads
        "--report-ndjson-path",
        f"/dev/fd/{events_fd}",
    ]
    if options.max_time is not None:
        args += ["--max-time", str(options.max_time)]
    if options.seed is not None:
        args += ["--seed", str(options.seed)]
    for header in options.headers:
        args += ["--header", header]
    return args


def self_check_event(line: str, phases: tuple[str, ...]) -> Event | None:
    """One line of schemathesis' NDJSON event stream as an event, for the phases we asked for
    (``{"PhaseStarted": {"phase": {"name": ...}}}``, ``{"ScenarioFinished": {"phase": ..., "status": ...,
    "recorder": {"label": "GET /x"}}}``, ...); None for the others."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(record, dict) or len(record) != 1:
        return None
    ((kind, data),) = record.items()
    if not isinstance(data, dict):
        return None
    if kind in ("PhaseStarted", "PhaseFinished"):
        name = str((data.get("phase") or {}).get("name") or "")
        if name not in phases:
            return None
        if kind == "PhaseStarted":
            return SelfCheckPhaseStarted(name)
        return SelfCheckPhaseFinished(name, str(data.get("status") or "unknown"))
    if kind == "ScenarioFinished" and str(data.get("phase")) in phases:
        label = (data.get("recorder") or {}).get("label")
        if label:
            return SelfCheckOperation(
                phase=str(data["phase"]),
                operation=str(label),
                status=str(data.get("status") or "unknown"),
                skip_reason=data.get("skip_reason"),
            )
    return None


def parse_junit(text: str) -> tuple[OperationResult, ...]:
    root = SafeET.fromstring(text)
    results: list[OperationResult] = []
    for case in root.iter("testcase"):
        failures = [f for f in case if f.tag in ("failure", "error")]
        skipped = [s for s in case if s.tag == "skipped"]
        if failures:
            outcome = Outcome.FAILED
            codes = tuple(
                dict.fromkeys(
                    code.strip()
                    for f in failures
                    for code in str(f.get("message") or f.tag).split(",")
                    if code.strip()
                )
            )
            details = "\n\n".join((f.text or "").strip() for f in failures)
        elif skipped:
            outcome, codes = Outcome.SKIPPED, ()
            details = (skipped[0].text or "").strip()
        else:
            outcome, codes, details = Outcome.PASSED, (), ""
        results.append(OperationResult(str(case.get("name")), outcome, codes, details))
    return tuple(results)


def build_result(
    spec: str,
    run: dict[str, Any],
    operations: tuple[OperationResult, ...],
    report_text: str,
    *,
    returncode: int,
) -> SelfCheckResult:
    failures = [
        SelfCheckFailure(
            code=str(item.get("code") or item.get("type") or "failure"),
            title=str(item.get("title") or item.get("type") or ""),
            count=int(item.get("count") or 1),
            operations=tuple(str(o) for o in item.get("operations", [])),
        )
        for item in run.get("failures", [])
    ]
    warnings = {key: list(value) for key, value in (run.get("warnings") or {}).items() if value}
    missing = [str(op) for op in warnings.get("method_not_allowed", [])]
    if missing:
        failures.append(
            SelfCheckFailure(MISSING_OPERATION_CODE, MISSING_OPERATION_TITLE, len(missing), tuple(missing))
        )
        operations = tuple(
            OperationResult(o.operation, Outcome.FAILED, (*o.codes, MISSING_OPERATION_CODE), o.details)
            if o.operation in missing
            else o
            for o in operations
        )
    errors = tuple(_error_text(e) for e in run.get("errors", []))
    phases = {
        name: str((value or {}).get("status", "unknown")) for name, value in (run.get("phases") or {}).items()
    }
    exit_code = run.get("exit_code", returncode)
    return SelfCheckResult(
        spec=spec,
        success=exit_code == 0 and not failures and not errors,
        tool_version=str(run.get("schemathesis_version", "")),
        seed=run.get("seed"),
        phases=phases,
        test_cases=int((run.get("test_cases") or {}).get("generated", 0)),
        operations=operations,
        failures=tuple(failures),
        errors=errors,
        warnings=warnings,
        command=str(run.get("command", "")),
        report_text=report_text,
    )


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        parts = [str(error.get(key)) for key in ("operation", "title", "message") if error.get(key)]
        return ": ".join(parts) or json.dumps(error)
    return str(error)
