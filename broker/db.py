"""Engines and transactions for SQLite (default) and PostgreSQL.

``Database.write(fn)`` runs ``fn(session)`` in one transaction and commits; when the database
reports a transient conflict (PostgreSQL deadlock / serialization failure, a unique-constraint race,
SQLite "database is locked") the transaction is rolled back and ``fn`` runs again from the start.
``fn`` must therefore only touch the database through the session it is given.

SQLite: WAL journal, ``busy_timeout``, foreign keys on, ``synchronous=NORMAL`` (a committed
transaction survives a killed process), and writes start with ``BEGIN IMMEDIATE`` so concurrent
writers queue on the lock instead of failing on a read-to-write upgrade.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import logging
import os
import random
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, Table, bindparam, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session

from broker.errors import ConfigurationError

T = TypeVar("T")
log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000
MAX_ATTEMPTS = 12
POOL_RECYCLE_SECONDS = 1800
MIGRATION_LOCK_ID = 7_245_001  # PostgreSQL advisory lock taken while migrating


class Database:
    """One database: a read engine and a write engine (the same engine on PostgreSQL)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session_info: dict[str, Any] = {}
        """Copied into every session's ``info`` (the application puts its settings there)."""
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ConfigurationError(
                f"cannot parse database URL {url!r}: use sqlite:///path.db or postgresql+psycopg://..."
            ) from None
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            self.engine = _sqlite_engine(url, immediate=False)
            self.write_engine = _sqlite_engine(url, immediate=True)
        elif self.dialect == "postgresql":
            if parsed.drivername == "postgresql":
                url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
                self.url = url
            # no pool_pre_ping: it costs a round trip per checkout. A connection the server dropped
            # fails its first statement with a disconnect error; SQLAlchemy then invalidates the pool
            # and ``write``/``read`` run again on a fresh connection (``is_transient``). pool_recycle
            # retires connections before idle-timeouts of servers and proxies usually end them.
            self.engine = create_engine(
                url, pool_size=5, max_overflow=15, pool_recycle=POOL_RECYCLE_SECONDS, pool_timeout=60
            )
            self.write_engine = self.engine
        else:
            raise ConfigurationError(
                f"unsupported database URL {url!r}: use sqlite:///path.db or postgresql+psycopg://..."
            )

    def read(self, fn: Callable[[Session], T]) -> T:
        # closing the session ends the read transaction; loaded objects stay usable (not expired)
        try:
            with Session(self.engine, expire_on_commit=False, info=dict(self.session_info)) as session:
                return fn(session)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            log.info("database connection lost, reading again on a new one: %s", exc.orig)
        with Session(self.engine, expire_on_commit=False, info=dict(self.session_info)) as session:
            return fn(session)

    def write(self, fn: Callable[[Session], T]) -> T:
        attempt = 0
        while True:
            attempt += 1
            with Session(self.write_engine, expire_on_commit=False, info=dict(self.session_info)) as session:
                try:
                    result = fn(session)
                    session.commit()
                    return result
                except (OperationalError, IntegrityError, DBAPIError) as exc:
                    session.rollback()
                    if attempt >= MAX_ATTEMPTS or not is_transient(exc):
                        raise
                    log.info("transient database conflict (attempt %d): %s", attempt, exc.orig)
                except BaseException:
                    session.rollback()
                    raise
            time.sleep(min(0.5, 0.005 * 2**attempt) * random.uniform(0.5, 1.5))

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A plain session for scripts and tests (the caller commits)."""
        with Session(self.write_engine, expire_on_commit=False, info=dict(self.session_info)) as session:
            yield session

    def migrate(self) -> None:
        from broker.migrations import upgrade_heads

        with self._migration_lock(), self.write_engine.connect() as connection:
            upgrade_heads(connection)

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        if self.dialect == "postgresql":
            with self.engine.connect() as lock_conn:
                lock_conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
                try:
                    yield
                finally:
                    lock_conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID})
                    lock_conn.commit()
            return
        database = make_url(self.url).database
        if not database or database == ":memory:":
            yield
            return
        # lock the database's directory, so that migrating leaves no lock file behind
        directory = Path(database).resolve().parent
        directory.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock

    def dispose(self) -> None:
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()


def is_transient(exc: DBAPIError) -> bool:
    """Would running the same transaction again probably succeed?"""
    if exc.connection_invalidated:  # the server closed a pooled connection: the pool has been refreshed
        return True
    if isinstance(exc, IntegrityError):
        # find-or-create races: another transaction inserted the same natural key first
        return "unique" in str(exc.orig).lower() or "duplicate" in str(exc.orig).lower()
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in {"40001", "40P01", "55P03", "57014"}:
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "database table is locked" in message or "busy" in message


def insert_ignore(session: Session, table: Any, values: Mapping[str, Any], keys: tuple[str, ...]) -> bool:
    """``INSERT ... ON CONFLICT (keys) DO NOTHING`` on SQLite and PostgreSQL; True when a row was inserted.

    ``table`` is a SQLModel table class or a ``Table``."""
    target: Table = table.__table__ if hasattr(table, "__table__") else table
    dialect = session.get_bind().dialect.name
    statement = _insert_ignore_statement(target, dialect, tuple(values), keys)
    return session.execute(statement, dict(values)).first() is not None


@functools.cache
def _insert_ignore_statement(
    target: Table, dialect: str, columns: tuple[str, ...], keys: tuple[str, ...]
) -> Any:
    """Built once per (table, dialect, columns, keys), the values bound at execution: building an
    insert costs more CPU than sending it."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(target)
        .values({name: bindparam(name, type_=target.c[name].type) for name in columns})
        .on_conflict_do_nothing(index_elements=keys)
        .returning(*target.primary_key.columns)
    )


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
