"""Alembic migrations, packaged with the broker. The broker always upgrades to ``heads``: each area
(core, verification, environments, webhooks, ...) has its own branch rooted at ``0001_core``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(MIGRATIONS_DIR / "versions"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_heads(connection: Connection) -> None:
    """Apply every pending migration of every branch, in one transaction per run."""
    command.upgrade(alembic_config(connection), "heads")
    connection.commit()
