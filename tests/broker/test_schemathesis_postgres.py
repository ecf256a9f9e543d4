"""schemathesis against ``/openapi.json`` of a real ``tether broker serve`` on a fresh PostgreSQL database,
seeded through the HTTP API (pacticipants, versions, branches, tags, pacts, verification results,
environments, deployments, releases, provider contracts, a webhook) so that requests reach real rows.

The checks are the ones that hold a server to its own document: no server error, only documented status
codes, documented content types and response bodies that match their schemas. Every operation must pass;
an operation listed in ``KNOWN_FAILURES`` is expected to fail (``xfail(strict=True)``), so fixing it
without removing it from the list also fails the suite.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.broker.ui.seed import API, WEB, add_webhook, seed
from tests.conftest import POSTGRES_ADMIN_URL, _postgres_reachable
from tests.support import IN_CI, REPO_ROOT, free_port, running_process, tether_executable

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# a deeper search: TETHER_SCHEMATHESIS_MAX_EXAMPLES=50 TETHER_SCHEMATHESIS_SEED=11 pytest this file
MAX_EXAMPLES = int(os.environ.get("TETHER_SCHEMATHESIS_MAX_EXAMPLES", "3"))
SEED = int(os.environ.get("TETHER_SCHEMATHESIS_SEED", "7"))
WEBHOOK_ENV = {
    "TETHER_WEBHOOK_HOST_ALLOW_LIST": "127.0.0.1",
    "TETHER_WEBHOOK_SCHEME_ALLOW_LIST": "http,https",
}

# "METHOD /path" -> why it fails; each becomes an xfail(strict=True) case below.
KNOWN_FAILURES: dict[str, str] = {}


@dataclass(frozen=True)
class FuzzRun:
    operations: dict[str, str]  # "METHOD /path" -> failure text ("" when it passed)
    stdout: str


@contextlib.contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """The suite's PostgreSQL database (as the ``postgres_url`` fixture), for a module-scoped broker."""
    import psycopg

    if not _postgres_reachable():
        if IN_CI:
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL} (CI=true: never skipped)")
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}")
    name = f"tether_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seeded_rows(base_url: str, webhook_uuid: str) -> dict[str, object]:
    """Path-parameter values naming the seeded rows (see ``tests/broker/schemathesis_hooks.py``)."""
    consumer_version, provider_version = "1.1.0", "5.1.0"  # OrderWeb 1.1.0 was verified by OrdersApi 5.1.0
    with httpx.Client(base_url=base_url) as http:
        http.put(f"/pacticipants/{WEB}/versions/{consumer_version}/tags/prod").raise_for_status()
        pact = http.get(f"/pacts/provider/{API}/consumer/{WEB}/version/{consumer_version}")
        environments = http.get("/environments").raise_for_status().json()["_embedded"]["environments"]
        production = next(env for env in environments if env["name"] == "production")
        environment = f"/environments/{production['uuid']}"
        deployed = http.get(f"{environment}/deployed-versions/currently-deployed").raise_for_status().json()
        released = http.get(f"{environment}/released-versions/currently-supported").raise_for_status().json()
    sha = pact.raise_for_status().json()["_links"]["pb:pact-version"]["href"].rsplit("/", 1)[-1]
    names = {"pacticipant": WEB, "consumer": WEB, "provider": API, "branch": "main", "tag": "prod"}
    names |= {"to": "prod", "sha": sha, "other": sha, "number": "1", "uuid": webhook_uuid}
    names |= {"env_uuid": production["uuid"], "environment": "production"}
    return {
        "names": names,
        "consumer_version": consumer_version,
        "provider_version": provider_version,
        "deployed_record": deployed["_embedded"]["deployedVersions"][0]["uuid"],
        "released_record": released["_embedded"]["releasedVersions"][0]["uuid"],
    }


def _operation_verdicts(junit: Path) -> dict[str, str]:
    verdicts: dict[str, str] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        problems = [element.get("message") or element.text or "" for element in case]
        verdicts[case.get("name", "?")] = "\n".join(problems)
    return verdicts


@pytest.fixture(scope="module")
def fuzz_run(tmp_path_factory: pytest.TempPathFactory) -> FuzzRun:
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    assert st is not None, "schemathesis (st) is a dependency"
    work = tmp_path_factory.mktemp("schemathesis-pg")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with fresh_postgres_database() as database_url:
        serve = [*tether_executable(), "broker", "serve", "--host", "127.0.0.1", "--port", str(port)]
        serve += ["--database-url", database_url, "--log-level", "warning"]
        with running_process(
            serve, ready_url=f"{url}/diagnostic/status/heartbeat", env=WEBHOOK_ENV, cwd=work
        ):
            seed(url)
            values = _seeded_rows(url, add_webhook(url, "http://127.0.0.1:9"))
            junit = work / "junit.xml"
            result = subprocess.run(
                [
                    st,
                    "run",
                    url + "/openapi.json",
                    "--checks",
                    CHECKS,
                    "--phases",
                    "examples,coverage,fuzzing",
                    "--max-examples",
                    str(MAX_EXAMPLES),
                    "--seed",
                    str(SEED),
                    "--workers",
                    "1",
                    "--report",
                    "junit",
                    "--report-junit-path",
                    str(junit),
                ],
                capture_output=True,
                text=True,
                cwd=work,
                env={
                    **os.environ,
                    "PACT_DO_NOT_TRACK": "true",
                    "NO_COLOR": "1",
                    "PYTHONPATH": str(REPO_ROOT),
                    "SCHEMATHESIS_HOOKS": "tests.broker.schemathesis_hooks",
                    "TETHER_FUZZ_PATH_VALUES": json.dumps(values),
                },
                timeout=600,
                check=False,
            )
    (work / "st-output.txt").write_text(result.stdout + result.stderr)
    assert junit.exists(), result.stdout[-4000:] + result.stderr[-4000:]
    return FuzzRun(_operation_verdicts(junit), result.stdout)


def test_every_operation_was_tested(fuzz_run: FuzzRun) -> None:
    assert len(fuzz_run.operations) > 100, fuzz_run.stdout[-4000:]
    assert "GET /pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}" in fuzz_run.operations


def test_no_operation_fails_unexpectedly(fuzz_run: FuzzRun) -> None:
    failing = {
        name: text for name, text in fuzz_run.operations.items() if text and name not in KNOWN_FAILURES
    }
    assert failing == {}, fuzz_run.stdout[-8000:]
    # the known-failure list only shrinks: an entry that passes now must be removed from it
    passing_but_listed = [name for name in KNOWN_FAILURES if not fuzz_run.operations.get(name)]
    assert passing_but_listed == []
