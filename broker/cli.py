"""``tether broker``: serve the broker and migrate its database."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from broker.errors import ConfigurationError
from broker.settings import BrokerSettings

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy import Engine

_DB_HELP = (
    "Database URL, e.g. postgresql+psycopg://user@host/tether (env TETHER_DATABASE_URL; "
    "default: a SQLite file in the working directory, sqlite:///./tether-broker.db)."
)
_LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


@click.group(name="broker")
def broker_group() -> None:
    """Run and manage the Pact Broker-compatible broker."""


@broker_group.command()
@click.option(
    "--host",
    default=lambda: os.environ.get("TETHER_HOST", "127.0.0.1"),
    show_default="127.0.0.1",
    help="Interface to bind (env TETHER_HOST).",
)
@click.option(
    "--port",
    type=int,
    default=lambda: int(os.environ.get("TETHER_PORT", "9292")),
    show_default="9292",
    help="Port (env TETHER_PORT).",
)
@click.option("--database-url", default=None, help=_DB_HELP)
@click.option(
    "--base-url",
    default=None,
    help="Public base URL for HAL links (env TETHER_BASE_URL; comma-separated list allowed).",
)
@click.option(
    "--workers",
    type=int,
    default=1,
    show_default=True,
    help="uvicorn worker processes (stateless: any number).",
)
@click.option(
    "--log-level",
    type=click.Choice(_LOG_LEVELS),
    default="info",
    show_default=True,
    help="How much the server logs.",
)
def serve(
    host: str, port: int, database_url: str | None, base_url: str | None, workers: int, log_level: str
) -> None:
    """Serve the broker with uvicorn. Migrations are applied on start.

    Auth and other settings come from environment variables: TETHER_BROKER_TOKENS,
    TETHER_BROKER_BASIC_AUTH, TETHER_ALLOW_PUBLIC_READ, TETHER_ALLOW_DANGEROUS_CONTRACT_MODIFICATION,
    TETHER_MAX_BODY_BYTES, TETHER_WEBHOOK_* (see the README's broker section).
    """
    import uvicorn

    from broker.server import uvicorn_options

    settings = _settings(database_url, base_url)
    # the factory re-reads the environment in each worker; pass resolved values through it
    os.environ["TETHER_DATABASE_URL"] = settings.database_url
    if settings.base_urls:
        os.environ["TETHER_BASE_URL"] = ",".join(settings.base_urls)
    _migrate(settings.database_url)
    uvicorn.run(
        "broker.asgi:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        **uvicorn_options(),
    )


@broker_group.command()
@click.option("--database-url", default=None, help=_DB_HELP)
def migrate(database_url: str | None) -> None:
    """Apply every pending schema migration; keeps every row."""
    settings = _settings(database_url, None)
    click.echo(_migrate(settings.database_url).describe())


def _settings(database_url: str | None, base_url: str | None) -> BrokerSettings:
    try:
        return BrokerSettings.from_env(database_url=database_url, base_urls=base_url)
    except ConfigurationError as exc:
        raise click.UsageError(exc.message) from exc


@dataclass(frozen=True)
class SchemaState:
    """What a database holds before or after migrating: its Alembic revisions and its tables."""

    revisions: frozenset[str]
    tables: frozenset[str]

    @property
    def label(self) -> str:
        return ", ".join(sorted(self.revisions)) or "an empty schema"


@dataclass(frozen=True)
class MigrationOutcome:
    database: str
    before: SchemaState
    after: SchemaState

    def describe(self) -> str:
        if not self.before.revisions:
            created = len(self.after.tables - self.before.tables)
            return f"Created {created} tables in {self.database} (schema at {self.after.label})."
        if self.before.revisions != self.after.revisions:
            return f"Upgraded {self.database} from {self.before.label} to {self.after.label}."
        return f"{self.database} is already at {self.after.label}; nothing to do."


class _MigrationSteps(logging.Handler):
    """Shows each migration as Alembic runs it: a rich line on a terminal, a plain line otherwise."""

    def __init__(self, console: Console) -> None:
        super().__init__(logging.INFO)
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        step = record.args[0] if isinstance(record.args, tuple) and record.args else None
        upgrade = getattr(step, "is_upgrade", False)
        revision = getattr(getattr(step, "revision", None), "revision", None) if upgrade else None
        if revision is None:
            return
        doc = " ".join(str(getattr(step, "doc", None) or "").split()).rstrip(".")
        text = f"applying migration {revision}" + (f" ({doc})" if doc else "")
        if self.console.is_terminal:
            from rich.markup import escape

            self.console.print(f"[cyan]•[/cyan] {escape(text)}", highlight=False)
        else:
            click.echo(text, err=True)


@contextlib.contextmanager
def _migration_progress(console: Console | None = None) -> Iterator[None]:
    from rich.console import Console

    console = console or Console(stderr=True)
    logger = logging.getLogger("alembic.runtime.migration")
    handler = _MigrationSteps(console)
    saved = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        if console.is_terminal:
            with console.status("Migrating the database..."):
                yield
        else:
            yield
    finally:
        logger.removeHandler(handler)
        logger.level, logger.propagate = saved


def _schema_state(engine: Engine) -> SchemaState:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import inspect

    with engine.connect() as connection:
        revisions = MigrationContext.configure(connection).get_current_heads()
        tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
    return SchemaState(frozenset(revisions), frozenset(tables))


def _migrate(database_url: str) -> MigrationOutcome:
    from sqlalchemy.exc import SQLAlchemyError

    from broker.db import Database

    try:
        database = Database(database_url)
    except ConfigurationError as exc:
        raise click.UsageError(exc.message) from exc
    try:
        before = _schema_state(database.write_engine)
        with _migration_progress():
            database.migrate()
        after = _schema_state(database.write_engine)
    except SQLAlchemyError as exc:
        raise click.ClickException(
            f"cannot migrate the database at {_redact(database_url)}: {exc.__class__.__name__}: {getattr(exc, 'orig', exc)}"
        ) from exc
    finally:
        database.dispose()
    return MigrationOutcome(_redact(database_url), before, after)


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"
