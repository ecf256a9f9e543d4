"""Claiming due rows of a work table safely when several broker processes share one database.

A row is *due* when the caller's condition holds and nobody holds a live lease on it
(``lease_until`` empty or in the past). Claiming sets ``lease_until`` (and ``claimed_by``) so other
processes skip it; a process killed mid-work leaves the lease to run out, after which the row is due
again (at-least-once).

* PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` then ``UPDATE``: concurrent claimers never wait
  on each other and never get the same row.
* SQLite: one ``UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING id`` inside the broker's
  ``BEGIN IMMEDIATE`` write transaction; SQLite runs one writer at a time, so the claim is atomic.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, exists, or_, select, update
from sqlmodel import Session

from broker.clock import now


def _lease_free(table: Table, at: datetime) -> ColumnElement[bool]:
    return or_(table.c.lease_until.is_(None), table.c.lease_until <= at)


def any_due(session: Session, table: Table, due: ColumnElement[bool]) -> bool:
    """A cheap read that lets idle workers skip the write transaction of a claim."""
    return bool(session.execute(select(exists().where(due, _lease_free(table, now())))).scalar())


def claim(
    session: Session,
    table: Table,
    due: ColumnElement[bool],
    *,
    order_by: Any,
    lease_seconds: float,
    limit: int,
    token: str | None = None,
) -> list[int]:
    """Claim up to ``limit`` due rows for ``lease_seconds``; returns their ids (call inside a write)."""
    at = now()
    values: dict[str, Any] = {"lease_until": at + timedelta(seconds=lease_seconds)}
    if token is not None:
        values["claimed_by"] = token
    candidates = select(table.c.id).where(due, _lease_free(table, at)).order_by(order_by).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.execute(candidates.with_for_update(skip_locked=True)).scalars())
        if ids:
            session.execute(update(table).where(table.c.id.in_(ids)).values(**values))
        return ids
    statement = (
        update(table)
        .where(table.c.id.in_(candidates.scalar_subquery()), _lease_free(table, at))
        .values(**values)
        .returning(table.c.id)
    )
    return sorted(session.execute(statement).scalars())
