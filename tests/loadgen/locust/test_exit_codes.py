"""Exit codes a CI can use: real Locust runs against a FastAPI provider on loopback.

Contract drift fails a run by default and is counted per interaction; availability errors
(5xx the contract does not list, no answer) are reported and judged apart; exceptions in users
fail the run; plain `locust -f generated.py` exits with the same verdict as `tether loadgen run`.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
from pathlib import Path

import pytest

from tests.loadgen.locust.pacts import list_items, read_busy_item, read_drifting_item
from tests.loadgen.locust.runs import FAST, SHORT, final_stats, generate, locust, run, tether
from tests.support import free_port, tether_executable

pytestmark = pytest.mark.slow


def test_any_contract_violation_fails_the_run_with_the_count_per_interaction(
    tmp_path: Path, catalogue_url: str
) -> None:
    out = generate(tmp_path, {"Shop": [list_items(), read_drifting_item()]}, *FAST)
    code, output = run(out, catalogue_url, "--", "--json-file", tmp_path / "stats")
    assert code == 1, output
    drifted, failures = final_stats(tmp_path / "stats")["GET /drift (Shop)"]
    assert drifted == failures > 0
    assert f"contract drift: Shop: read the drifting item x{failures}" in output
    assert f"THRESHOLD BROKEN: contract drift: {failures} violation(s), 0 allowed" in output
    assert "availability" not in output
    # the listing stays correct: only the drifting interaction failed
    assert final_stats(tmp_path / "stats")["GET /items (Shop)"][1] == 0

    code, output = run(out, catalogue_url, "--max-drift", "1000000")
    assert code == 0, output
    assert "all thresholds met" in output


def test_a_5xx_the_contract_does_not_list_is_an_availability_error_not_drift(
    tmp_path: Path, catalogue_url: str
) -> None:
    out = generate(tmp_path, {"Shop": [list_items(), read_busy_item()]}, *FAST)
    code, output = run(out, catalogue_url, "--", "--json-file", tmp_path / "stats")
    assert code == 1, output
    busy = final_stats(tmp_path / "stats")["GET /busy (Shop)"][1]
    assert f"availability: Shop: read the busy item x{busy}" in output
    assert "THRESHOLD BROKEN: availability: error ratio" in output
    assert "unavailable (Shop: read the busy item): status 503 (the contract expects 200)" in output
    assert "contract drift" not in output

    code, output = run(out, catalogue_url, "--max-error-ratio", "1")
    assert code == 0, output
    assert "availability: Shop: read the busy item x" in output  # still reported
    assert "all thresholds met" in output


def test_no_answer_is_an_availability_error(tmp_path: Path) -> None:
    out = generate(tmp_path, {"Shop": [list_items()]}, "--wait-time", "constant(0.1)")
    code, output = run(out, f"http://127.0.0.1:{free_port()}")
    assert code == 1, output
    assert "THRESHOLD BROKEN: availability: error ratio 100.00% is above the allowed 0.00%" in output
    assert "unavailable (Shop: list the items): no response" in output
    assert "contract drift" not in output


def test_exceptions_in_users_fail_the_run(tmp_path: Path, catalogue_url: str) -> None:
    """A provider-state set-up that fails raises in the user: Locust's exception, not a pass."""
    stateful = {**list_items(), "providerStates": [{"name": "items exist"}]}
    out = generate(tmp_path, {"Shop": [stateful]}, "--state-change-url", "/no-such-state-endpoint")
    code, output = run(out, catalogue_url)
    assert code == 1, output
    assert "exception(s) in Locust users, e.g. provider-state set-up of 'items exist' at " in output
    assert f"{catalogue_url}/no-such-state-endpoint failed" in output


def test_route_limits_name_the_route_and_unknown_names_are_listed(tmp_path: Path, catalogue_url: str) -> None:
    out = generate(tmp_path, {"Shop": [list_items(), read_drifting_item()]}, *FAST)
    code, output = run(
        out, catalogue_url, "--max-drift", "1000000",
        "--route-limit", "GET /drift (Shop) fail=0.5", "--route-limit", "GET /nowhere (Shop) p95=10",
    )  # fmt: skip
    assert code == 1, output
    assert "THRESHOLD BROKEN: GET /drift (Shop): failure ratio 100.00% is above the allowed 50.00%" in output
    assert "THRESHOLD BROKEN: no request named 'GET /nowhere (Shop)' was made; request names: " in output
    assert "GET /items (Shop)" in output


def test_a_bad_route_limit_is_a_usage_error(tmp_path: Path) -> None:
    out = generate(tmp_path, {"Shop": [list_items()]})
    code, output = run(out, "http://127.0.0.1:9", "--route-limit", "GET /items (Shop) p99=3")
    assert code == 2, output
    assert "unknown limit 'p99'; use p95=MS, avg=MS and/or fail=RATIO" in output


def test_plain_locust_exits_with_the_same_verdict(tmp_path: Path, catalogue_url: str) -> None:
    out = generate(tmp_path, {"Shop": [list_items(), read_drifting_item()]}, *FAST)
    plain = locust(out, "--host", catalogue_url, *SHORT)
    assert plain.returncode == 1, plain.stderr
    assert "THRESHOLD BROKEN: contract drift: " in plain.stderr
    assert "contract drift: Shop: read the drifting item x" in plain.stderr
    allowed = locust(out, "--host", catalogue_url, *SHORT, "--max-drift", "1000000")
    assert allowed.returncode == 0, allowed.stderr
    clean = generate(tmp_path / "clean", {"Shop": [list_items()]}, *FAST)
    assert locust(clean, "--host", catalogue_url, *SHORT).returncode == 0


def _on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run `args` with stderr on a pseudo-terminal; (exit code, what the terminal showed)."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        args,
        stdout=subprocess.DEVNULL,
        stderr=secondary,
        env={**os.environ, "PACT_DO_NOT_TRACK": "true", **env},
    )
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    return process.wait(timeout=180), shown.decode(errors="replace")


def test_a_live_progress_line_on_a_terminal_and_none_in_ci(tmp_path: Path, catalogue_url: str) -> None:
    out = generate(tmp_path, {"Shop": [list_items()]}, *FAST)
    args = [*tether_executable(), "loadgen", "run", "--locustfile", str(out), "--host", catalogue_url, *SHORT]
    code, shown = _on_a_terminal(args, {"CI": ""})
    assert code == 0, shown
    assert re.search(r"\r\x1b\[Kload: [1-9]\d* requests, 0 failures, p95 \d+ ms", shown), shown
    code, shown = _on_a_terminal(args, {"CI": "true"})
    assert code == 0, shown
    assert "load: " not in shown
    piped = tether(*args[len(tether_executable()) :])
    assert piped.returncode == 0
    assert "load: " not in piped.stdout + piped.stderr


HAND_WRITTEN = """
from locust import FastHttpUser, constant, task


class Bare(FastHttpUser):
    wait_time = constant(0)

    @task
    def items(self) -> None:
        self.client.get("{path}")
"""


def test_a_hand_written_locustfile_is_judged_from_locusts_csv_files(
    tmp_path: Path, catalogue_url: str
) -> None:
    good = tmp_path / "good.py"
    good.write_text(HAND_WRITTEN.replace("{path}", "/items"))
    code, output = run(good, catalogue_url)
    assert code == 0, output
    assert "all thresholds met" in output
    busy = tmp_path / "busy.py"
    busy.write_text(HAND_WRITTEN.replace("{path}", "/busy"))
    code, output = run(busy, catalogue_url)
    assert code == 1, output
    assert "THRESHOLD BROKEN: availability: error ratio 100.00% is above the allowed 0.00%: /busy x" in output
