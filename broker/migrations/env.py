"""Alembic environment: runs on the connection handed over by ``broker.migrations.upgrade_heads``
(or, for ``alembic`` invoked by hand, on ``TETHER_DATABASE_URL``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from broker.db import Database
from broker.settings import BrokerSettings
from broker.tables import load_all

target_metadata = load_all()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if isinstance(connection, Connection):
        _run(connection)
        return
    database = Database(BrokerSettings.from_env().database_url)
    with database.write_engine.connect() as own_connection:
        _run(own_connection)
        own_connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `tether broker migrate`")
run_migrations_online()
