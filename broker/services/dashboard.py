"""What the web UI's overview pages need that no other service answers: one page of integrations
with their latest pact and latest results, the dependency graph, and lists of branches and
provider contracts.

Every query is set-based: the integration page is ``LIMIT``/``OFFSET`` over the ``integration``
table (one row per consumer/provider pair) joined to the pacticipant names, and the details of the
page's rows (at most ``MAX_PER_PAGE``) come in a fixed number of batched queries, so a page costs the
same with ten integrations or ten thousand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, or_, select, union
from sqlmodel import Session

from broker.services.provider_contracts import CrossCheckRow, cross_check_results_for
from broker.tables.provider_contracts import ProviderContract
from broker.tables.selectables import (
    BRANCH,
    BRANCH_VERSION,
    DEPLOYED_VERSION,
    ENVIRONMENT,
    INTEGRATION,
    PACT_PUBLICATION,
    PACT_VERSION,
    PACTICIPANT,
    RELEASED_VERSION,
    TAG,
    VERIFICATION,
    VERSION,
)

MAX_PER_PAGE = 200
PROVIDER_CONTRACT = ProviderContract.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class IntegrationFilter:
    name: str | None = None  # part of the consumer or provider name (case-insensitive)
    branch: str | None = None  # the consumer published a pact from this branch
    environment: str | None = None  # the consumer or provider is deployed/released there now


@dataclass(frozen=True)
class LatestResult:
    """The newest result for a pact version: a live verification or an OpenAPI cross-check."""

    provider_version: str
    success: bool | None
    at: datetime | None
    verification_id: int | None = None
    status: str | None = None  # cross-checks: pending | success | failure | unknown
    reason: str | None = None
    """Why it failed, when known (a provider contract's self-verification or cross-check)."""


@dataclass(frozen=True)
class IntegrationSummary:
    consumer: str
    provider: str
    consumer_version: str | None
    sha: str | None
    published_at: datetime | None
    branches: tuple[str, ...]
    tags: tuple[str, ...]
    verification: LatestResult | None
    cross_check: LatestResult | None

    @property
    def status(self) -> str:
        """``failed`` | ``passed`` | ``unverified`` (a pact nobody has verified or checked yet)."""
        results = [r for r in (self.verification, self.cross_check) if r is not None]
        if any(r.success is False for r in results):
            return "failed"
        if any(r.success is True for r in results):
            return "passed"
        return "unverified"


@dataclass(frozen=True)
class IntegrationPage:
    rows: list[IntegrationSummary]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _conditions(filters: IntegrationFilter, consumer: Any, provider: Any) -> tuple[list[Any], list[Any]]:
    """(conditions on the integration row alone, conditions that need the pacticipant names)."""
    on_names: list[Any] = []
    on_rows: list[Any] = []
    if filters.name:
        needle = filters.name.lower()
        on_names.append(
            or_(
                func.lower(consumer.c.name).contains(needle, autoescape=True),
                func.lower(provider.c.name).contains(needle, autoescape=True),
            )
        )
    if filters.branch:
        # candidates first (consumers with such a branch: the small branch table), then the pact check
        on_rows.append(
            INTEGRATION.c.consumer_id.in_(
                select(BRANCH.c.pacticipant_id).where(BRANCH.c.name == filters.branch)
            )
        )
        on_rows.append(
            exists(
                select(PACT_PUBLICATION.c.id)
                .join(BRANCH_VERSION, BRANCH_VERSION.c.version_id == PACT_PUBLICATION.c.consumer_version_id)
                .where(
                    PACT_PUBLICATION.c.provider_id == INTEGRATION.c.provider_id,
                    PACT_PUBLICATION.c.consumer_id == INTEGRATION.c.consumer_id,
                    BRANCH_VERSION.c.branch_name == filters.branch,
                )
            )
        )
    if filters.environment:
        # the pacticipants in the environment, computed once, then matched against either side
        present = union(
            *(
                select(table.c.pacticipant_id)
                .join(ENVIRONMENT, ENVIRONMENT.c.id == table.c.environment_id)
                .where(ENVIRONMENT.c.name == filters.environment, current.is_(True))
                for table, current in (
                    (DEPLOYED_VERSION, DEPLOYED_VERSION.c.currently_deployed),
                    (RELEASED_VERSION, RELEASED_VERSION.c.currently_supported),
                )
            )
        ).subquery()
        ids = select(present.c.pacticipant_id)
        on_rows.append(or_(INTEGRATION.c.consumer_id.in_(ids), INTEGRATION.c.provider_id.in_(ids)))
    return on_rows, on_names


def integration_page(
    session: Session, filters: IntegrationFilter, *, page: int = 1, per_page: int = 50
) -> IntegrationPage:
    """One page of integrations (ordered by consumer, then provider name) with their latest pact
    (from ``filters.branch`` when given), its latest verification and its latest OpenAPI cross-check."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    consumer = PACTICIPANT.alias("consumer")
    provider = PACTICIPANT.alias("provider")
    on_rows, on_names = _conditions(filters, consumer, provider)
    statement = (
        select(INTEGRATION.c.consumer_id, INTEGRATION.c.provider_id, consumer.c.name, provider.c.name)
        .select_from(INTEGRATION)
        .join(consumer, consumer.c.id == INTEGRATION.c.consumer_id)
        .join(provider, provider.c.id == INTEGRATION.c.provider_id)
        .where(*on_rows, *on_names)
    )
    if on_names:
        counted = select(func.count()).select_from(statement.subquery())
    else:  # without a name filter the count needs no joins
        counted = select(func.count()).select_from(INTEGRATION).where(*on_rows)
    connection = session.connection()
    total = int(connection.execute(counted).scalar_one())
    pairs = [
        (int(row[0]), int(row[1]), str(row[2]), str(row[3]))
        for row in connection.execute(
            statement.order_by(consumer.c.name, provider.c.name).limit(per_page).offset((page - 1) * per_page)
        )
    ]
    rows = _summaries(session, pairs, filters.branch)
    return IntegrationPage(rows=rows, total=total, page=page, per_page=per_page)


def _summaries(
    session: Session, pairs: Sequence[tuple[int, int, str, str]], branch: str | None
) -> list[IntegrationSummary]:
    if not pairs:
        return []
    connection = session.connection()
    consumer_ids = sorted({p[0] for p in pairs})
    provider_ids = sorted({p[1] for p in pairs})
    wanted = {(p[0], p[1]) for p in pairs}
    latest_statement = select(
        PACT_PUBLICATION.c.consumer_id,
        PACT_PUBLICATION.c.provider_id,
        func.max(PACT_PUBLICATION.c.consumer_version_id),
    ).where(
        PACT_PUBLICATION.c.provider_id.in_(provider_ids), PACT_PUBLICATION.c.consumer_id.in_(consumer_ids)
    )
    if branch:
        latest_statement = latest_statement.where(
            PACT_PUBLICATION.c.consumer_version_id.in_(
                select(BRANCH_VERSION.c.version_id).where(
                    BRANCH_VERSION.c.pacticipant_id.in_(consumer_ids), BRANCH_VERSION.c.branch_name == branch
                )
            )
        )
    latest_version_ids = [
        int(row[2])
        for row in connection.execute(
            latest_statement.group_by(PACT_PUBLICATION.c.consumer_id, PACT_PUBLICATION.c.provider_id)
        )
        if (row[0], row[1]) in wanted
    ]
    pacts: dict[tuple[int, int], tuple[int, int, str, str, datetime]] = {}
    if latest_version_ids:
        for row in connection.execute(
            select(
                PACT_PUBLICATION.c.consumer_id,
                PACT_PUBLICATION.c.provider_id,
                PACT_PUBLICATION.c.consumer_version_id,
                PACT_PUBLICATION.c.pact_version_id,
                VERSION.c.number,
                PACT_VERSION.c.sha,
                PACT_PUBLICATION.c.created_at,
            )
            .join(VERSION, VERSION.c.id == PACT_PUBLICATION.c.consumer_version_id)
            .join(PACT_VERSION, PACT_VERSION.c.id == PACT_PUBLICATION.c.pact_version_id)
            .where(
                PACT_PUBLICATION.c.consumer_version_id.in_(latest_version_ids),
                PACT_PUBLICATION.c.provider_id.in_(provider_ids),
            )
        ):
            pacts[(row[0], row[1])] = (row[2], row[3], row[4], row[5], row[6])
    version_ids = [p[0] for p in pacts.values()]
    pact_version_ids = [p[1] for p in pacts.values()]
    labels = version_labels(session, version_ids)
    verifications = _latest_verifications(session, pact_version_ids)
    cross_checks = _latest_cross_checks(session, pact_version_ids)
    result = []
    for consumer_id, provider_id, consumer, provider in pairs:
        pact = pacts.get((consumer_id, provider_id))
        if pact is None:
            result.append(IntegrationSummary(consumer, provider, None, None, None, (), (), None, None))
            continue
        version_id, pact_version_id, number, sha, published = pact
        branches, tags = labels.get(version_id, ((), ()))
        result.append(
            IntegrationSummary(
                consumer=consumer,
                provider=provider,
                consumer_version=number,
                sha=sha,
                published_at=published,
                branches=branches,
                tags=tags,
                verification=verifications.get(pact_version_id),
                cross_check=cross_checks.get(pact_version_id),
            )
        )
    return result


def version_labels(
    session: Session, version_ids: Sequence[int]
) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    """For each version id: (its branches, its tags), in the order they were added."""
    ids = sorted(set(version_ids))
    if not ids:
        return {}
    connection = session.connection()
    branches: dict[int, list[str]] = {}
    for version_id, name in connection.execute(
        select(BRANCH_VERSION.c.version_id, BRANCH_VERSION.c.branch_name)
        .where(BRANCH_VERSION.c.version_id.in_(ids))
        .order_by(BRANCH_VERSION.c.id)
    ):
        branches.setdefault(version_id, []).append(name)
    tags: dict[int, list[str]] = {}
    for version_id, name in connection.execute(
        select(TAG.c.version_id, TAG.c.name).where(TAG.c.version_id.in_(ids)).order_by(TAG.c.id)
    ):
        tags.setdefault(version_id, []).append(name)
    return {i: (tuple(branches.get(i, ())), tuple(tags.get(i, ()))) for i in ids}


def _latest_verifications(session: Session, pact_version_ids: Sequence[int]) -> dict[int, LatestResult]:
    if not pact_version_ids:
        return {}
    connection = session.connection()
    newest = (
        select(func.max(VERIFICATION.c.id))
        .where(VERIFICATION.c.pact_version_id.in_(list(pact_version_ids)))
        .group_by(VERIFICATION.c.pact_version_id)
    )
    result: dict[int, LatestResult] = {}
    for pact_version_id, verification_id, success, executed, number in connection.execute(
        select(
            VERIFICATION.c.pact_version_id,
            VERIFICATION.c.id,
            VERIFICATION.c.success,
            VERIFICATION.c.execution_date,
            VERSION.c.number,
        )
        .join(VERSION, VERSION.c.id == VERIFICATION.c.provider_version_id)
        .where(VERIFICATION.c.id.in_(newest))
    ):
        result[pact_version_id] = LatestResult(
            number, bool(success), executed, verification_id=verification_id
        )
    return result


def _latest_cross_checks(session: Session, pact_version_ids: Sequence[int]) -> dict[int, LatestResult]:
    newest: dict[int, CrossCheckRow] = {}
    for row in cross_check_results_for(session, pact_version_ids):
        current = newest.get(row.pact_version_id)
        if current is None or row.provider_version_id > current.provider_version_id:
            newest[row.pact_version_id] = row
    if not newest:
        return {}
    numbers = {
        int(version_id): str(number)
        for version_id, number in session.connection().execute(
            select(VERSION.c.id, VERSION.c.number).where(
                VERSION.c.id.in_([r.provider_version_id for r in newest.values()])
            )
        )
    }
    return {
        pact_version_id: LatestResult(
            numbers.get(row.provider_version_id, "?"),
            row.success,
            row.checked_at,
            status=row.status,
            reason=row.failure_reason,
        )
        for pact_version_id, row in newest.items()
    }


# --------------------------------------------------------------------------- graph and lists


@dataclass(frozen=True)
class DependencyEdge:
    consumer: str
    provider: str


def dependency_edges(session: Session) -> list[DependencyEdge]:
    """Every consumer -> provider integration, by name."""
    consumer = PACTICIPANT.alias("consumer")
    provider = PACTICIPANT.alias("provider")
    rows = session.connection().execute(
        select(consumer.c.name, provider.c.name)
        .select_from(INTEGRATION)
        .join(consumer, consumer.c.id == INTEGRATION.c.consumer_id)
        .join(provider, provider.c.id == INTEGRATION.c.provider_id)
        .order_by(consumer.c.name, provider.c.name)
    )
    return [DependencyEdge(str(c), str(p)) for c, p in rows]


def branch_names(session: Session, *, limit: int = 500) -> list[str]:
    """Distinct branch names across pacticipants (for filter suggestions)."""
    rows = session.connection().execute(select(BRANCH.c.name).distinct().order_by(BRANCH.c.name).limit(limit))
    return [str(r[0]) for r in rows]


@dataclass(frozen=True)
class ContractVersion:
    provider: str
    version: str
    self_verification_success: bool | None
    published_at: datetime


def provider_contract_versions(
    session: Session, *, provider: str | None = None, limit: int = 200
) -> list[ContractVersion]:
    """Provider versions that published an OpenAPI contract, newest first."""
    table = PROVIDER_CONTRACT
    statement = (
        select(PACTICIPANT.c.name, VERSION.c.number, table.c.self_verification_success, table.c.created_at)
        .select_from(table)
        .join(VERSION, VERSION.c.id == table.c.provider_version_id)
        .join(PACTICIPANT, PACTICIPANT.c.id == table.c.provider_id)
        .order_by(table.c.id.desc())
        .limit(limit)
    )
    if provider is not None:
        statement = statement.where(PACTICIPANT.c.name == provider)
    return [
        ContractVersion(str(name), str(number), None if ok is None else bool(ok), created)
        for name, number, ok, created in session.connection().execute(statement)
    ]
