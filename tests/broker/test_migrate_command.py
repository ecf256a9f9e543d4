"""`tether broker migrate` says what it did, and leaves nothing but the database behind."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from broker.migrations import alembic_config
from tests.support import tether_executable

HEADS = ", ".join(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def _migrate(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        [*tether_executable(), "broker", "migrate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _tables(path: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return names - {"alembic_version"}


def test_a_new_database_reports_the_tables_it_created_and_no_lock_file_is_left(tmp_path: Path) -> None:
    output = _migrate(tmp_path)
    tables = _tables(tmp_path / "tether-broker.db")
    assert output == f"Created {len(tables)} tables in sqlite:///./tether-broker.db (schema at {HEADS})."
    assert len(tables) == 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tether-broker.db"]


def test_a_second_run_says_it_is_already_at_the_heads(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db' / 'broker.db'}"
    _migrate(tmp_path, "--database-url", url)
    assert _migrate(tmp_path, "--database-url", url) == f"{url} is already at {HEADS}; nothing to do."
    assert sorted(p.name for p in (tmp_path / "db").iterdir()) == ["broker.db"]
    assert list(tmp_path.iterdir()) == [tmp_path / "db"]


def test_an_older_schema_reports_the_revisions_it_moved_between(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "0001_core")
        connection.commit()
    engine.dispose()
    assert _migrate(tmp_path, "--database-url", url) == f"Upgraded {url} from 0001_core to {HEADS}."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.db"]
