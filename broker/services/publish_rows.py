"""The rows a publish writes, each found-or-created in as few round trips as the common case allows.

A publish usually brings a new consumer version on an existing branch with content the broker may
already hold. Each helper here tries the one statement that settles that case (``INSERT ... ON CONFLICT
DO NOTHING RETURNING``, an ``INSERT ... SELECT`` that finds the branch while inserting) and falls back to
the general, race-safe find-or-create of :mod:`broker.services.versions` only when it did not.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from broker.clock import now
from broker.services.names import check_name
from broker.services.pacticipants import set_main_branch_if_unset
from broker.services.versions import ensure_branch_version, find_version
from broker.tables.core import Branch, BranchVersion, Pacticipant, PactPublication, PactVersion, Version


def _insert(session: Session, table: Any) -> Any:
    """The dialect's ``INSERT`` (both have ``on_conflict_do_nothing``)."""
    return postgresql.insert(table) if _dialect(session) == "postgresql" else sqlite.insert(table)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


# The statements of the common case are built once per dialect, their values bound when they run
# (building a statement costs more CPU than sending it).
_DIALECT_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _bound(column: Any) -> Any:
    """A parameter named and typed after ``column``."""
    return bindparam(column.key, type_=column.type)


def _insert_version(insert: Any) -> Any:
    """An ORM bulk insert of one row (run with ``[values]``): the upserted ``Version`` comes back."""
    return (
        insert(Version).on_conflict_do_nothing(index_elements=("pacticipant_id", "number")).returning(Version)
    )


def _insert_on_branch(insert: Any) -> Any:
    columns = BranchVersion.__table__.c  # type: ignore[attr-defined]
    found_branch = core_select(
        col(Branch.id),
        _bound(columns.version_id),
        _bound(columns.pacticipant_id),
        _bound(columns.branch_name),
        _bound(columns.created_at),
    ).where(
        col(Branch.pacticipant_id) == bindparam("pacticipant_id"),
        col(Branch.name) == bindparam("branch_name"),
    )
    return (  # on the table, not the entity: an ORM insert run with values would be a bulk insert
        insert(BranchVersion.__table__)  # type: ignore[attr-defined]
        .from_select(["branch_id", "version_id", "pacticipant_id", "branch_name", "created_at"], found_branch)
        .on_conflict_do_nothing(index_elements=("branch_id", "version_id"))
        .returning(columns.id)
    )


def _insert_publication_of_known_content(insert: Any) -> Any:
    table = PactPublication.__table__  # type: ignore[attr-defined]
    columns = table.c
    known = core_select(
        _bound(columns.consumer_id),
        _bound(columns.provider_id),
        _bound(columns.consumer_version_id),
        col(PactVersion.id),
        _bound(columns.revision_number),
        _bound(columns.created_at),
        _bound(columns.updated_at),
    ).where(
        col(PactVersion.consumer_id) == bindparam("consumer_id"),
        col(PactVersion.provider_id) == bindparam("provider_id"),
        col(PactVersion.sha) == bindparam("sha"),
    )
    names = [
        "consumer_id",
        "provider_id",
        "consumer_version_id",
        "pact_version_id",
        "revision_number",
        "created_at",
        "updated_at",
    ]
    return (  # on the table, not the entity: an ORM insert run with values would be a bulk insert
        insert(table)
        .from_select(names, known)
        .on_conflict_do_nothing(index_elements=("consumer_version_id", "provider_id"))
        .returning(columns.pact_version_id)
    )


_INSERT_VERSION = {name: _insert_version(insert) for name, insert in _DIALECT_INSERTS.items()}
_INSERT_ON_BRANCH = {name: _insert_on_branch(insert) for name, insert in _DIALECT_INSERTS.items()}
_INSERT_PUBLICATION_OF_KNOWN_CONTENT = {
    name: _insert_publication_of_known_content(insert) for name, insert in _DIALECT_INSERTS.items()
}
_FIND_PACT_VERSION = (
    select(PactVersion)
    .options(defer(PactVersion.content))  # type: ignore[arg-type]
    .where(
        col(PactVersion.consumer_id) == bindparam("consumer_id"),
        col(PactVersion.provider_id) == bindparam("provider_id"),
        col(PactVersion.sha) == bindparam("sha"),
    )
)


def ensure_version_row(
    session: Session, pacticipant: Pacticipant, number: str, *, build_url: str | None, field: str
) -> tuple[Version, bool]:
    """(version, created): a new version is inserted with its build URL in one statement; an existing
    one is loaded (a second statement) and left for the caller to update."""
    check_name(number, field, what="version number")
    stamp = now()
    values = {
        "pacticipant_id": pacticipant.id,
        "number": number,
        "build_url": build_url,
        "created_at": stamp,
        "updated_at": stamp,
    }
    statement = _INSERT_VERSION[_dialect(session)]
    created = session.scalars(statement, [values], execution_options={"populate_existing": True}).first()
    if created is not None:
        return created, True
    existing = find_version(session, pacticipant, number)
    assert existing is not None
    return existing, False


def ensure_version_on_branch(
    session: Session, pacticipant: Pacticipant, version: Version, branch_name: str
) -> None:
    """Put the version on the branch: one ``INSERT ... SELECT`` when the branch exists and the version is
    not on it yet, else the general find-or-create (which also creates the branch)."""
    check_name(branch_name, "branch", what="branch name")
    statement = _INSERT_ON_BRANCH[_dialect(session)]
    values = {
        "version_id": version.id,
        "pacticipant_id": pacticipant.id,
        "branch_name": branch_name,
        "created_at": now(),
    }
    if session.execute(statement, values).first() is None:
        ensure_branch_version(session, pacticipant, version, branch_name)
        return
    set_main_branch_if_unset(session, pacticipant, branch_name)


def find_pact_version(
    session: Session, consumer: Pacticipant, provider: Pacticipant, sha: str
) -> PactVersion | None:
    """The pact version with this content, without loading the content (read on access if needed)."""
    values = {"consumer_id": consumer.id, "provider_id": provider.id, "sha": sha}
    return session.scalars(_FIND_PACT_VERSION, values).first()


def publish_known_content(
    session: Session, consumer: Pacticipant, provider: Pacticipant, version: Version, sha: str
) -> int | None:
    """The common case of a new consumer version in one statement: its publication of content the
    broker already holds (``INSERT ... SELECT`` from the pact version with this sha). Returns that pact
    version's id, or None when the content is new or the version already has a pact for the provider
    (nothing written: the caller takes the general path)."""
    stamp = now()
    values = {
        "consumer_id": consumer.id,
        "provider_id": provider.id,
        "consumer_version_id": version.id,
        "revision_number": 1,
        "created_at": stamp,
        "updated_at": stamp,
        "sha": sha,
    }
    row = session.execute(_INSERT_PUBLICATION_OF_KNOWN_CONTENT[_dialect(session)], values).first()
    return None if row is None else int(row[0])


def insert_pact_version(
    session: Session, consumer: Pacticipant, provider: Pacticipant, sha: str, text: str
) -> PactVersion | None:
    """The new pact version, or None when a concurrent publisher stored the same content first."""
    statement = (
        _insert(session, PactVersion)
        .values(consumer_id=consumer.id, provider_id=provider.id, sha=sha, content=text, created_at=now())
        .on_conflict_do_nothing(index_elements=("consumer_id", "provider_id", "sha"))
        .returning(PactVersion)
    )
    return session.scalars(statement).first()
