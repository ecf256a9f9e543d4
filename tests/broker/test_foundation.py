"""The foundation: migrations, the served app, HAL index, error bodies, raw paths."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlmodel import Session

from broker.db import Database
from broker.migrations import MIGRATIONS_DIR
from tests.broker.conftest import LocalBroker, LocalBrokerFactory, StartBroker
from tests.support import tether_executable


def test_index_lists_every_relation_with_absolute_templated_links(broker_url: str) -> None:
    response = httpx.get(broker_url + "/", headers={"Accept": "application/hal+json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/hal+json;charset=utf-8"
    links = response.json()["_links"]
    for relation in (
        "pb:publish-contracts",
        "pb:latest-pact-versions",
        "pb:pacticipants",
        "pb:pacticipant",
        "pb:latest-provider-pacts",
        "pb:latest-version",
        "pb:latest-tagged-version",
        "pb:webhooks",
        "pb:webhook",
        "pb:pacticipant-version-tag",
        "pb:pacticipant-branch-version",
        "pb:pacticipant-version",
        "pb:provider-pacts-for-verification",
        "beta:provider-pacts-for-verification",
        "pb:environments",
        "pb:environment",
    ):
        assert links[relation]["href"].startswith(broker_url + "/"), relation
    assert links["pb:publish-contracts"] == {
        "href": f"{broker_url}/contracts/publish",
        "title": "Publish contracts",
    }
    assert (
        links["pb:pacticipant-version"]["href"]
        == f"{broker_url}/pacticipants/{{pacticipant}}/versions/{{version}}"
    )
    assert links["pb:pacticipant-version"]["templated"] is True
    assert links["curies"][0] == {
        "name": "pb",
        "href": f"{broker_url}/doc/{{rel}}?context=index",
        "templated": True,
    }


def test_base_url_setting_is_used_for_links(local_broker_factory: LocalBrokerFactory) -> None:
    with local_broker_factory(base_urls=("https://broker.example/pact",)) as broker:
        links = httpx.get(broker.url + "/").json()["_links"]
    assert links["pb:pacticipants"]["href"] == "https://broker.example/pact/pacticipants"


def test_unknown_route_is_a_404_with_errors_body(local_broker: LocalBroker) -> None:
    response = httpx.get(local_broker.url + "/no/such/thing")
    assert response.status_code == 404
    assert response.json() == {"errors": {"base": ["No resource at /no/such/thing"]}}


def test_control_characters_in_the_path_are_refused(local_broker: LocalBroker) -> None:
    response = httpx.get(local_broker.url + "/pacticipants/bad%00name")
    assert response.status_code == 400
    assert "control characters" in response.json()["errors"]["path"][0]


def test_migrate_command_is_idempotent_and_records_every_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    for _ in range(2):
        result = subprocess.run(
            [*tether_executable(), "broker", "migrate", "--database-url", url],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert ("Created 20 tables" if _ == 0 else "nothing to do") in result.stdout
    with sqlite3.connect(tmp_path / "m.db") as conn:
        applied = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    from alembic.script import ScriptDirectory

    from broker.migrations import alembic_config

    assert applied == set(ScriptDirectory.from_config(alembic_config()).get_heads())
    assert {
        "pacticipant",
        "version",
        "branch",
        "branch_version",
        "tag",
        "pact_version",
        "pact_publication",
    } <= tables


def test_migrations_are_packaged_next_to_the_code() -> None:
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()
    assert (MIGRATIONS_DIR / "versions" / "0001_core.py").is_file()


def test_sqlite_pragmas(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'p.db'}")

    def pragmas(session: Session) -> tuple[object, ...]:
        return tuple(
            session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        )

    assert db.read(pragmas) == ("wal", 1, 30000)
    db.dispose()


def test_upgrading_from_the_first_revision_keeps_every_row(tmp_path: Path) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    from broker.migrations import alembic_config

    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    with db.write_engine.connect() as connection:
        command.upgrade(alembic_config(connection), "0001_core")
        connection.execute(
            text(
                "INSERT INTO pacticipant (id, name, created_at, updated_at) VALUES "
                "(1, 'A', '2024-01-01 00:00:00', '2024-01-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO version (id, pacticipant_id, number, created_at, updated_at) VALUES "
                "(1, 1, '1.0', '2024-01-01 00:00:00', '2024-01-01 00:00:00')"
            )
        )
        connection.commit()
    db.migrate()
    assert db.read(
        lambda s: s.execute(
            text("SELECT p.name, v.number FROM version v JOIN pacticipant p ON p.id = v.pacticipant_id")
        ).all()
    ) == [("A", "1.0")]
    heads = db.read(lambda s: {row[0] for row in s.execute(text("SELECT version_num FROM alembic_version"))})
    assert heads == set(ScriptDirectory.from_config(alembic_config()).get_heads())
    db.dispose()


def test_serve_reads_settings_from_the_environment(tmp_path: Path, start_broker: StartBroker) -> None:
    env = {"TETHER_BROKER_TOKENS": "env-token:read", "TETHER_BASE_URL": "https://public.example/broker"}
    with start_broker(f"sqlite:///{tmp_path / 'env.db'}", env=env) as broker:
        assert httpx.get(broker.url + "/").status_code == 401
        index = httpx.get(broker.url + "/", headers={"Authorization": "Bearer env-token"}).json()
    assert index["_links"]["pb:pacticipants"]["href"] == "https://public.example/broker/pacticipants"


def test_bad_settings_are_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [*tether_executable(), "broker", "migrate", "--database-url", f"sqlite:///{tmp_path / 'x.db'}"],
        capture_output=True,
        text=True,
        env={**os.environ, "TETHER_BROKER_TOKENS": "t:superuser"},
        check=False,
    )
    assert result.returncode == 2
    assert "unknown role 'superuser'" in result.stderr
    result = subprocess.run(
        [*tether_executable(), "broker", "migrate", "--database-url", "mysql://x"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "unsupported database URL" in result.stderr


def test_forwarded_headers_build_the_links_behind_a_trusted_proxy(
    local_broker_factory: LocalBrokerFactory,
) -> None:
    headers = {"X-Forwarded-Host": "proxy.example", "X-Forwarded-Proto": "https", "X-Forwarded-Port": "8443"}
    with local_broker_factory(trusted_proxies=("127.0.0.1",)) as broker:
        links = httpx.get(broker.url + "/", headers=headers).json()["_links"]
    assert links["pb:pacticipants"]["href"] == "https://proxy.example:8443/pacticipants"
