"""Pacts for verification: which pacts a provider build must verify, and whether each is pending/WIP.

Each selector is resolved with a few indexed queries: "latest for a consumer branch/tag" is a
correlated ``ORDER BY ... DESC LIMIT 1`` for every consumer (or branch/tag) in one statement (an index scan that stops
at the first version carrying a pact for this provider), never a self-join over all versions.
Selected pacts sharing (consumer, content) are merged into one entry listing every reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, Subquery, Table, and_, literal, select
from sqlmodel import Session

from broker.clock import aware
from broker.errors import NotFound, ValidationFailed
from broker.services.pact_metadata import PactMetadata, SelectorMetadata, encode_metadata
from broker.services.pending import pending_statuses
from broker.services.verification_notices import PendingStatus, SelectionReason
from broker.services.verification_selectors import ForVerificationRequest
from broker.tables.selectables import (
    BRANCH_VERSION,
    DEPLOYED_VERSION,
    ENVIRONMENT,
    INTEGRATION,
    PACT_PUBLICATION,
    PACT_VERSION,
    PACTICIPANT,
    RELEASED_VERSION,
    TAG,
    VERSION,
)
from contracts.selectors import ConsumerVersionSelector

PP = PACT_PUBLICATION.c


@dataclass(frozen=True)
class _Selected:
    consumer_id: int
    consumer_name: str
    consumer_version_id: int
    consumer_version_number: str
    pact_version_id: int
    sha: str
    reason: SelectionReason


@dataclass
class VerifiablePact:
    consumer: str
    provider: str
    sha: str
    pact_version_id: int
    consumer_version_number: str  # the latest consumer version among the reasons
    consumer_id: int = 0
    latest_consumer_version_id: int = 0
    reasons: list[SelectionReason] = field(default_factory=list)
    pending: PendingStatus | None = None
    wip: bool = False

    @property
    def metadata(self) -> str:
        selectors = tuple(
            SelectorMetadata(
                consumer_version_id=r.consumer_version_id,
                branch=r.fallback_branch or r.branch,
                tag=r.fallback_tag or r.tag,
                latest=r.kind in ("latest", "latest_for_branch", "latest_for_tag"),
                environment=r.environment,
            )
            for r in self.reasons
        )
        return encode_metadata(
            PactMetadata(
                selectors=selectors, pending=bool(self.pending and self.pending.pending), wip=self.wip
            )
        )


@dataclass(frozen=True)
class PactsForVerification:
    provider: str
    request: ForVerificationRequest
    pacts: list[VerifiablePact]


_COLUMNS = (
    PP.consumer_id,
    PACTICIPANT.c.name,
    PP.consumer_version_id,
    VERSION.c.number,
    PP.pact_version_id,
    PACT_VERSION.c.sha,
    PP.created_at,
)


def _publication_rows(
    session: Session, publication_ids: Sequence[int] | None, condition: ColumnElement[bool] | None = None
) -> dict[int, tuple[Any, ...]]:
    """Publication rows (see ``_COLUMNS``) by id, for the given ids or matching ``condition``."""
    if condition is None:
        if not publication_ids:
            return {}
        condition = PP.id.in_(list(publication_ids))
    statement = (
        select(PP.id, *_COLUMNS)
        .join(PACTICIPANT, PACTICIPANT.c.id == PP.consumer_id)
        .join(VERSION, VERSION.c.id == PP.consumer_version_id)
        .join(PACT_VERSION, PACT_VERSION.c.id == PP.pact_version_id)
        .where(condition)
    )
    return {row[0]: tuple(row[1:]) for row in session.connection().execute(statement)}


def _selected(row: tuple[Any, ...], reason: SelectionReason) -> _Selected:
    return _Selected(row[0], row[1], row[2], row[3], row[4], row[5], reason)


def _head_of(kind: str, pairs: Subquery, provider_id: int) -> ScalarSelect[Any]:
    """The latest publication for each (consumer, branch|tag) row of ``pairs``: a correlated
    ``ORDER BY ... DESC LIMIT 1`` that walks an index backwards and stops at the first version carrying
    a pact for the provider."""
    if kind == "branch":
        statement = (
            select(PP.id)
            .join(BRANCH_VERSION, BRANCH_VERSION.c.version_id == PP.consumer_version_id)
            .where(
                BRANCH_VERSION.c.pacticipant_id == pairs.c.consumer_id,
                BRANCH_VERSION.c.branch_name == pairs.c.name,
                PP.provider_id == provider_id,
            )
            .order_by(BRANCH_VERSION.c.id.desc())
        )
    elif kind == "tag":
        statement = (
            select(PP.id)
            .join(TAG, TAG.c.version_id == PP.consumer_version_id)
            .where(
                TAG.c.pacticipant_id == pairs.c.consumer_id,
                TAG.c.name == pairs.c.name,
                PP.provider_id == provider_id,
            )
            .order_by(TAG.c.version_id.desc())
        )
    else:
        statement = (
            select(PP.id)
            .where(PP.provider_id == provider_id, PP.consumer_id == pairs.c.consumer_id)
            .order_by(PP.consumer_version_id.desc())
        )
    return statement.limit(1).correlate(pairs).scalar_subquery()


class _Resolver:
    def __init__(
        self,
        session: Session,
        provider_id: int,
        request: ForVerificationRequest,
        consumers: list[tuple[int, str, str | None]],
    ) -> None:
        self.session = session
        self.provider_id = provider_id
        self.request = request
        self.consumers = consumers

    def _consumers_for(self, name: str | None) -> list[tuple[int, str, str | None]]:
        if name is None:
            return self.consumers
        return [c for c in self.consumers if c[1] == name]

    # ---- heads: the latest publication for every (consumer, branch|tag) row of a pairs query, in one
    # statement whose shape never changes (so it is compiled once and prepared by PostgreSQL)
    def _pairs(self, consumer: str | None, name: str | None, *, main_branch: bool = False) -> Select[Any]:
        name_column = PACTICIPANT.c.main_branch if main_branch else literal(name or "")
        statement = (
            select(PACTICIPANT.c.id.label("consumer_id"), name_column.label("name"))
            .join(INTEGRATION, INTEGRATION.c.consumer_id == PACTICIPANT.c.id)
            .where(INTEGRATION.c.provider_id == self.provider_id)
        )
        if consumer is not None:
            statement = statement.where(PACTICIPANT.c.name == consumer)
        if main_branch:
            statement = statement.where(PACTICIPANT.c.main_branch.is_not(None))
        return statement

    def heads(self, pairs: Select[Any], kind: str) -> list[tuple[int, str, tuple[Any, ...]]]:
        """``(consumer id, branch or tag, publication row)`` for every pair that has a pact: one
        statement joining each pair to its head publication (found by a correlated LIMIT 1)."""
        subquery = pairs.subquery("pairs")
        statement = (
            select(subquery.c.consumer_id, subquery.c.name, *_COLUMNS)
            .select_from(subquery)
            .join(PACT_PUBLICATION, PP.id == _head_of(kind, subquery, self.provider_id))
            .join(PACTICIPANT, PACTICIPANT.c.id == PP.consumer_id)
            .join(VERSION, VERSION.c.id == PP.consumer_version_id)
            .join(PACT_VERSION, PACT_VERSION.c.id == PP.pact_version_id)
        )
        return [(row[0], row[1], tuple(row[2:])) for row in self.session.connection().execute(statement)]

    # ---- selector resolution
    def resolve(self, selector: ConsumerVersionSelector) -> list[_Selected]:
        consumers = self._consumers_for(selector.consumer)
        if not consumers:
            return []
        if selector.deployed or selector.released or selector.deployed_or_released or selector.environment:
            return self._environment(selector, consumers)
        if selector.tag is not None and selector.latest is not True:
            return self._all_for_tag(selector, consumers)
        if selector.main_branch:
            return [
                _selected(row, self._reason("latest_for_branch", row, selector, branch=name))
                for _, name, row in self.heads(
                    self._pairs(selector.consumer, None, main_branch=True), "branch"
                )
            ]
        branch = self.request.provider_version_branch if selector.matching_branch else selector.branch
        if branch is not None:
            heads = self.heads(self._pairs(selector.consumer, branch), "branch")
            fallback = None
            if not heads and selector.fallback_branch:
                fallback = selector.fallback_branch
                heads = self.heads(self._pairs(selector.consumer, fallback), "branch")
            return [
                _selected(
                    row,
                    self._reason("latest_for_branch", row, selector, branch=branch, fallback_branch=fallback),
                )
                for _, _, row in heads
            ]
        if selector.tag is not None:
            heads = self.heads(self._pairs(selector.consumer, selector.tag), "tag")
            fallback = None
            if not heads and selector.fallback_tag:
                fallback = selector.fallback_tag
                heads = self.heads(self._pairs(selector.consumer, fallback), "tag")
            return [
                _selected(
                    row,
                    self._reason("latest_for_tag", row, selector, tag=selector.tag, fallback_tag=fallback),
                )
                for _, _, row in heads
            ]
        return [
            _selected(row, self._reason("latest", row, selector))
            for _, _, row in self.heads(self._pairs(selector.consumer, None), "latest")
        ]

    def _reason(
        self,
        kind: str,
        row: tuple[Any, ...],
        selector: ConsumerVersionSelector | None,
        *,
        branch: str | None = None,
        tag: str | None = None,
        environment: str | None = None,
        fallback_branch: str | None = None,
        fallback_tag: str | None = None,
    ) -> SelectionReason:
        return SelectionReason(
            kind=kind,
            consumer_version_number=row[3],
            consumer_version_id=row[2],
            consumer=selector.consumer if selector else None,
            branch=branch,
            tag=tag,
            environment=environment,
            fallback_branch=fallback_branch,
            fallback_tag=fallback_tag,
        )

    def _all_for_tag(
        self, selector: ConsumerVersionSelector, consumers: list[tuple[int, str, str | None]]
    ) -> list[_Selected]:
        if not consumers:
            return []
        statement = (
            select(PP.id)
            .join(TAG, TAG.c.version_id == PP.consumer_version_id)
            .where(
                TAG.c.pacticipant_id.in_([c[0] for c in consumers]),
                TAG.c.name == selector.tag,
                PP.provider_id == self.provider_id,
            )
        )
        ids = [row[0] for row in self.session.connection().execute(statement)]
        rows = _publication_rows(self.session, ids)
        return [
            _selected(row, self._reason("all_for_tag", row, selector, tag=selector.tag))
            for row in rows.values()
        ]

    def _environment(
        self, selector: ConsumerVersionSelector, consumers: list[tuple[int, str, str | None]]
    ) -> list[_Selected]:
        if not consumers:
            return []
        either = selector.deployed_or_released or not (selector.deployed or selector.released)
        result: list[_Selected] = []
        consumer_ids = [c[0] for c in consumers]
        sources: list[tuple[str, Table, ColumnElement[bool]]] = []
        if selector.deployed or either:
            sources.append(("deployed", DEPLOYED_VERSION, DEPLOYED_VERSION.c.currently_deployed.is_(True)))
        if selector.released or either:
            sources.append(("released", RELEASED_VERSION, RELEASED_VERSION.c.currently_supported.is_(True)))
        for kind, table, current in sources:
            # first the (few) current deployments/releases, then their pacts with this provider
            conditions = [current, table.c.pacticipant_id.in_(consumer_ids)]
            if selector.environment:
                conditions.append(ENVIRONMENT.c.name == selector.environment)
            live = (
                self.session.connection()
                .execute(
                    select(table.c.version_id, ENVIRONMENT.c.name)
                    .join(ENVIRONMENT, ENVIRONMENT.c.id == table.c.environment_id)
                    .where(*conditions)
                    .order_by(table.c.id)
                )
                .all()
            )
            if not live:
                continue
            rows = _publication_rows(
                self.session,
                None,
                and_(
                    PP.provider_id == self.provider_id,
                    PP.consumer_version_id.in_({version_id for version_id, _ in live}),
                ),
            )
            by_version = {row[2]: row for row in rows.values()}
            seen: set[tuple[int, str]] = set()
            for version_id, environment in live:
                found = by_version.get(version_id)
                if found is None or (version_id, environment) in seen:
                    continue
                seen.add((version_id, environment))
                result.append(_selected(found, self._reason(kind, found, selector, environment=environment)))
        return result

    def default_selection(self) -> list[_Selected]:
        """No selectors: each consumer's main branch head (else tag like the main branch, else latest),
        plus everything currently deployed or released."""
        result: list[_Selected] = []
        done: set[int] = set()
        for cid, name, row in self.heads(self._pairs(None, None, main_branch=True), "branch"):
            done.add(cid)
            result.append(_selected(row, self._reason("latest_for_branch", row, None, branch=name)))
        if len(done) < len(self.consumers):
            for cid, name, row in self.heads(self._pairs(None, None, main_branch=True), "tag"):
                if cid not in done:
                    done.add(cid)
                    result.append(_selected(row, self._reason("latest_for_tag", row, None, tag=name)))
        if len(done) < len(self.consumers):
            for cid, _, row in self.heads(self._pairs(None, None), "latest"):
                if cid not in done:
                    result.append(_selected(row, self._reason("latest", row, None)))
        result.extend(self._environment(ConsumerVersionSelector(deployed=True), self.consumers))
        result.extend(self._environment(ConsumerVersionSelector(released=True), self.consumers))
        return result

    # ---- work in progress
    def wip_candidates(self, since: datetime) -> list[_Selected]:
        """Head pacts of consumer branches/tags published since ``since`` (before the pending filter)."""
        if not self.consumers:
            return []
        recent = select(PP.consumer_version_id).where(
            PP.provider_id == self.provider_id, PP.created_at >= since
        )
        branch_pairs = (
            select(
                BRANCH_VERSION.c.pacticipant_id.label("consumer_id"),
                BRANCH_VERSION.c.branch_name.label("name"),
            )
            .where(BRANCH_VERSION.c.version_id.in_(recent))
            .distinct()
        )
        tag_pairs = (
            select(TAG.c.pacticipant_id.label("consumer_id"), TAG.c.name.label("name"))
            .where(TAG.c.version_id.in_(recent))
            .distinct()
        )
        result: list[_Selected] = []
        for kind, pairs in (("latest_for_branch", branch_pairs), ("latest_for_tag", tag_pairs)):
            for _, name, row in self.heads(pairs, "branch" if kind == "latest_for_branch" else "tag"):
                if aware(row[6]) < since:
                    continue  # the head is older than the look-back: not work in progress
                branch, tag = (name, None) if kind == "latest_for_branch" else (None, name)
                result.append(_selected(row, self._reason(kind, row, None, branch=branch, tag=tag)))
        return result


def _group(selected: Sequence[_Selected], provider: str) -> list[VerifiablePact]:
    groups: dict[tuple[int, int], VerifiablePact] = {}
    for item in selected:
        key = (item.consumer_id, item.pact_version_id)
        pact = groups.get(key)
        if pact is None:
            pact = VerifiablePact(
                consumer=item.consumer_name,
                provider=provider,
                sha=item.sha,
                pact_version_id=item.pact_version_id,
                consumer_version_number=item.consumer_version_number,
                consumer_id=item.consumer_id,
                latest_consumer_version_id=item.consumer_version_id,
            )
            groups[key] = pact
        if item.reason not in pact.reasons:
            pact.reasons.append(item.reason)
        if item.consumer_version_id > pact.latest_consumer_version_id:
            pact.latest_consumer_version_id = item.consumer_version_id
            pact.consumer_version_number = item.consumer_version_number
    return sorted(groups.values(), key=lambda p: (p.consumer, p.latest_consumer_version_id))


def provider_id_for(session: Session, provider: str) -> int:
    """The provider's id; 404 (which the verifiers report as "no pacts found") if it does not exist."""
    found = (
        session.connection()
        .execute(select(PACTICIPANT.c.id).where(PACTICIPANT.c.name == provider))
        .scalar_one_or_none()
    )
    if found is None:
        raise NotFound(f"No provider with name '{provider}' found", field="provider")
    return int(found)


def _provider_and_consumers(session: Session, provider: str) -> tuple[int, list[tuple[int, str, str | None]]]:
    """The provider's id and its consumers (id, name, main branch), in one query; 404 if no provider."""
    consumer = PACTICIPANT.alias("consumer")
    rows = (
        session.connection()
        .execute(
            select(PACTICIPANT.c.id, consumer.c.id, consumer.c.name, consumer.c.main_branch)
            .select_from(PACTICIPANT)
            .outerjoin(INTEGRATION, INTEGRATION.c.provider_id == PACTICIPANT.c.id)
            .outerjoin(consumer, consumer.c.id == INTEGRATION.c.consumer_id)
            .where(PACTICIPANT.c.name == provider)
            .order_by(consumer.c.name)
        )
        .all()
    )
    if not rows:
        raise NotFound(f"No provider with name '{provider}' found", field="provider")
    return rows[0][0], [(row[1], row[2], row[3]) for row in rows if row[1] is not None]


def pacts_for_verification(
    session: Session, *, provider: str, request: ForVerificationRequest
) -> PactsForVerification:
    provider_id, consumers = _provider_and_consumers(session, provider)
    for index, selector in enumerate(request.selectors):
        if selector.environment is not None:
            exists = (
                session.connection()
                .execute(select(ENVIRONMENT.c.id).where(ENVIRONMENT.c.name == selector.environment))
                .first()
            )
            if exists is None:
                raise ValidationFailed(
                    f"No environment found with name '{selector.environment}' (at index {index})",
                    field="consumerVersionSelectors",
                )
    resolver = _Resolver(session, provider_id, request, consumers)
    if request.selectors:
        selected = [item for selector in request.selectors for item in resolver.resolve(selector)]
    else:
        selected = resolver.default_selection()
    pacts = _group(selected, provider)
    wip_pacts: list[VerifiablePact] = []
    can_wip = request.include_wip_pacts_since is not None and (
        request.provider_version_branch or request.provider_version_tags
    )
    if can_wip and request.include_wip_pacts_since is not None:
        explicit = {(p.consumer, p.sha) for p in pacts}
        candidates = [
            c
            for c in resolver.wip_candidates(request.include_wip_pacts_since)
            if (c.consumer_name, c.sha) not in explicit
        ]
        wip_pacts = _group(candidates, provider)
    statuses = pending_statuses(
        session,
        provider_id=provider_id,
        provider_branch=request.provider_version_branch,
        provider_tags=request.provider_version_tags,
        pact_version_ids={p.pact_version_id for p in pacts + wip_pacts},
    )
    if request.include_pending_status:
        for pact in pacts:
            pact.pending = statuses[pact.pact_version_id]
    for pact in wip_pacts:
        status = statuses[pact.pact_version_id]
        if status.pending:
            pact.pending = status
            pact.wip = True
    return PactsForVerification(
        provider=provider, request=request, pacts=pacts + [p for p in wip_pacts if p.wip]
    )
