"""The real Pact Broker CLI (npm @pact-foundation/pact-cli, `pact broker ...`) against our broker,
on SQLite and PostgreSQL: exit codes, printed output, and what the broker stored."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from broker.db import Database
from tests.broker.conftest import RunningBroker
from tests.support import npm_tool

pytestmark = pytest.mark.npm

PACT = {
    "consumer": {"name": "OrderWeb"},
    "provider": {"name": "OrderApi"},
    "interactions": [
        {
            "description": "a request for order 1",
            "providerState": "order 1 exists",
            "request": {"method": "GET", "path": "/orders/1"},
            "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"id": 1}},
        }
    ],
    "metadata": {"pactSpecification": {"version": "2.0.0"}},
}


def run_pact(broker_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    for name in ("PACT_BROKER_BASE_URL", "PACT_BROKER_TOKEN", "PACT_BROKER_USERNAME", "PACT_BROKER_PASSWORD"):
        env.pop(name, None)
    return subprocess.run(
        [str(npm_tool("pact")), "broker", *args, "--broker-base-url", broker_url, "--retries", "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def query(database_url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    db = Database(database_url)
    try:
        return db.read(lambda s: [tuple(row) for row in s.execute(text(sql), params).all()])
    finally:
        db.dispose()


def test_cli_story(broker: RunningBroker, tmp_path: Path) -> None:
    url, db_url = broker.url, broker.database_url
    pacts = tmp_path / "pacts"
    pacts.mkdir()
    (pacts / "OrderWeb-OrderApi.json").write_text(json.dumps(PACT, indent=2))

    # create-or-update-pacticipant
    result = run_pact(
        url,
        "create-or-update-pacticipant",
        "--name",
        "OrderWeb",
        "--main-branch",
        "main",
        "--repository-url",
        "http://git/x",
    )
    assert result.returncode == 0, result.stderr
    assert "Pacticipant 'OrderWeb' created successfully" in result.stdout
    assert query(db_url, "SELECT name, main_branch, repository_url FROM pacticipant") == [
        ("OrderWeb", "main", "http://git/x")
    ]
    result = run_pact(
        url, "create-or-update-pacticipant", "--name", "OrderWeb", "--repository-url", "http://git/y"
    )
    assert result.returncode == 0, result.stderr
    assert query(db_url, "SELECT main_branch, repository_url FROM pacticipant") == [("main", "http://git/y")]

    # publish with branch, tags and build URL
    result = run_pact(
        url,
        "publish",
        str(pacts),
        "--consumer-app-version",
        "1.0.0",
        "--branch",
        "main",
        "--tag",
        "prod,rc",
        "--build-url",
        "http://ci/1",
    )
    assert result.returncode == 0, result.stderr
    assert "Created OrderWeb version 1.0.0 with branch main and tags prod, rc" in result.stdout
    assert "Pact published for OrderWeb version 1.0.0 and provider OrderApi." in result.stdout
    assert (
        f"View the published pact at {url}/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.0"
        in result.stdout
    )
    assert "Events detected: contract_published, contract_content_changed" in result.stdout
    assert "Warning" not in result.stdout
    assert query(db_url, "SELECT number, build_url FROM version") == [("1.0.0", "http://ci/1")]
    assert query(db_url, "SELECT branch_name FROM branch_version") == [("main",)]
    assert sorted(query(db_url, "SELECT name FROM tag")) == [("prod",), ("rc",)]
    assert query(db_url, "SELECT count(*) FROM pact_version") == [(1,)]
    stored = httpx.get(f"{url}/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.0").json()
    assert stored["interactions"][0]["request"] == PACT["interactions"][0]["request"]  # type: ignore[index]

    # republishing the same content under a new version re-uses the pact version
    result = run_pact(url, "publish", str(pacts), "--consumer-app-version", "1.0.1", "--branch", "main")
    assert result.returncode == 0, result.stderr
    assert query(db_url, "SELECT count(*) FROM pact_version") == [(1,)]
    assert query(db_url, "SELECT count(*) FROM pact_publication") == [(2,)]

    # describe-version (by number and latest)
    result = run_pact(url, "describe-version", "--pacticipant", "OrderWeb", "--version", "1.0.0")
    assert result.returncode == 0, result.stderr
    assert "1.0.0" in result.stdout
    assert "prod, rc" in result.stdout
    result = run_pact(url, "describe-version", "--pacticipant", "OrderWeb", "--latest", "--output", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["number"] == "1.0.1"

    # list-latest-pact-versions
    result = run_pact(url, "list-latest-pact-versions", "--output", "json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)["pacts"]
    assert [
        (
            p["_embedded"]["consumer"]["name"],
            p["_embedded"]["consumer"]["_embedded"]["version"]["number"],
            p["_embedded"]["provider"]["name"],
        )
        for p in listed
    ] == [("OrderWeb", "1.0.1", "OrderApi")]

    # create-version-tag
    result = run_pact(
        url, "create-version-tag", "--pacticipant", "OrderWeb", "--version", "1.0.0", "--tag", "staging"
    )
    assert result.returncode == 0, result.stderr
    assert "Tagging version '1.0.0' of pacticipant 'OrderWeb' with tag 'staging' - Success" in result.stdout
    assert ("staging",) in query(
        db_url, "SELECT t.name FROM tag t JOIN version v ON v.id = t.version_id WHERE v.number = '1.0.0'"
    )

    # create-or-update-version with a branch containing a slash and a tag
    result = run_pact(
        url,
        "create-or-update-version",
        "--pacticipant",
        "OrderWeb",
        "--version",
        "2.0.0",
        "--branch",
        "feat/x",
        "--tag",
        "dev",
    )
    assert result.returncode == 0, result.stderr
    assert "Branch 'feat/x' created for version '2.0.0'" in result.stdout
    assert "Tag 'dev' created for version '2.0.0'" in result.stdout
    rows = query(
        db_url,
        "SELECT bv.branch_name, t.name FROM version v JOIN branch_version bv ON bv.version_id = v.id "
        "JOIN tag t ON t.version_id = v.id WHERE v.number = '2.0.0'",
    )
    assert rows == [("feat/x", "dev")]
    branch = httpx.get(f"{url}/pacticipants/OrderWeb/branches/feat%2Fx").json()
    assert branch["name"] == "feat/x"
    assert branch["latestVersionNumber"] == "2.0.0"

    # describe-pacticipant and list-pacticipants read the same data
    result = run_pact(url, "describe-pacticipant", "--name", "OrderWeb")
    assert result.returncode == 0, result.stderr
    assert "Main Branch: main" in result.stdout
    assert "Repo URL: http://git/y" in result.stdout
    result = run_pact(url, "list-pacticipants", "--output", "json")
    assert result.returncode == 0, result.stderr
    assert "OrderApi" in result.stdout
    assert "OrderWeb" in result.stdout


def test_cli_publish_of_changed_content_for_the_same_version_fails_with_the_reason(
    broker: RunningBroker, tmp_path: Path
) -> None:
    pacts = tmp_path / "pacts"
    pacts.mkdir()
    path = pacts / "OrderWeb-OrderApi.json"
    path.write_text(json.dumps(PACT))
    assert (
        run_pact(
            broker.url, "publish", str(pacts), "--consumer-app-version", "1", "--branch", "main"
        ).returncode
        == 0
    )
    changed = json.loads(json.dumps(PACT))
    changed["interactions"][0]["response"]["status"] = 201
    path.write_text(json.dumps(changed))
    result = run_pact(broker.url, "publish", str(pacts), "--consumer-app-version", "1", "--branch", "main")
    assert result.returncode != 0
    assert (
        "Cannot change the content of the pact for OrderWeb version 1 and provider OrderApi"
        in result.stdout + result.stderr
    )
    rows = query(broker.database_url, "SELECT count(*) FROM pact_version")
    assert rows == [(1,)]
