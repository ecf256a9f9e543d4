"""Resolving matrix selectors to versions, and finding the integrations a can-i-deploy query covers.

A specified selector (``q[]``) names versions of a pacticipant: one number, the latest (for a tag or
branch), all with a tag/branch, or those currently deployed/released in an environment. When the query
names a target (latest/tag/branch/environment/mainBranch) or a single selector, every integration of
a specified pacticipant is considered; the other side gets an *inferred* selector from the options.
Where the specified pacticipant is the consumer the provider is required; where it is the provider,
the consumer is not (a provider may deploy before its consumer is in the environment).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, literal, select, union_all
from sqlmodel import Session

from broker.errors import SelectorsInvalid
from broker.services.matrix_query import MatrixQuery, MatrixSelector
from broker.tables.selectables import (
    BRANCH_VERSION,
    DEPLOYED_VERSION,
    ENVIRONMENT,
    INTEGRATION,
    PACT_PUBLICATION,
    PACTICIPANT,
    RELEASED_VERSION,
    TAG,
    VERSION,
)

PP = PACT_PUBLICATION.c


@dataclass
class ResolvedSelector:
    pacticipant: str
    pacticipant_id: int
    main_branch: str | None
    versions: list[tuple[int, str]] | None  # None: any version
    specified: bool
    ignore: bool = False
    version_number: str | None = None
    latest: bool = False
    tag: str | None = None
    branch: str | None = None
    environment: str | None = None
    no_main_branch: bool = False  # the main branch was asked for, but the pacticipant has none

    @property
    def specified_version_missing(self) -> bool:
        return self.specified and self.version_number is not None and not self.versions

    @property
    def version_ids(self) -> list[int] | None:
        return None if self.versions is None else [v[0] for v in self.versions]

    def description(self) -> str:
        name = self.pacticipant
        versions = self.versions or []
        number = versions[0][1] if versions else None
        if self.no_main_branch:
            return (
                f"the latest version of {name} from its main branch ({name} has no main branch: set it with "
                f"`pact broker create-or-update-pacticipant --name {name} --main-branch BRANCH`)"
            )
        if self.environment is not None:
            if not versions:
                return (
                    f"a version of {name} currently in {self.environment} "
                    "(no version is currently recorded as deployed/released in this environment)"
                )
            prefix = "one of the versions" if len(versions) > 1 else "the version"
            numbers = ", ".join(v[1] for v in versions)
            return f"{prefix} of {name} currently in {self.environment} ({numbers})"
        if self.latest and self.tag:
            return f"the latest version of {name} with tag {self.tag} ({number or 'no such version exists'})"
        if self.latest and self.branch:
            return f"the latest version of {name} from branch {self.branch} ({number or 'no such version exists'})"
        if self.latest:
            return f"the latest version of {name} ({number or 'no such version exists'})"
        if self.tag:
            return f"a version of {name} with tag {self.tag} ({number or 'no such version exists'})"
        if self.branch:
            return f"a version of {name} from branch {self.branch} ({number or 'no such version exists'})"
        if self.version_number is not None:
            if not versions:
                return f"version {self.version_number} of {name} (no such version exists)"
            return f"version {self.version_number} of {name}"
        return f"any version of {name}"


@dataclass
class Integration:
    consumer: ResolvedSelector
    provider: ResolvedSelector
    required: bool


class SelectorResolver:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._pacticipants: dict[str, tuple[int, str, str | None]] = {}
        self._by_id: dict[int, tuple[int, str, str | None]] = {}
        self._live: dict[tuple[int, str], list[tuple[int, str]]] = {}

    def pacticipant(self, name: str) -> tuple[int, str, str | None] | None:
        if name not in self._pacticipants:
            row = (
                self.session.connection()
                .execute(
                    select(PACTICIPANT.c.id, PACTICIPANT.c.name, PACTICIPANT.c.main_branch).where(
                        PACTICIPANT.c.name == name
                    )
                )
                .first()
            )
            if row is None:
                return None
            self._pacticipants[name] = (row[0], row[1], row[2])
            self._by_id[row[0]] = self._pacticipants[name]
        return self._pacticipants[name]

    def remember(self, pacticipant_id: int, name: str, main_branch: str | None) -> None:
        self._by_id[pacticipant_id] = (pacticipant_id, name, main_branch)
        self._pacticipants[name] = self._by_id[pacticipant_id]

    def pacticipant_by_id(self, pacticipant_id: int) -> tuple[int, str, str | None]:
        if pacticipant_id not in self._by_id:
            row = (
                self.session.connection()
                .execute(
                    select(PACTICIPANT.c.id, PACTICIPANT.c.name, PACTICIPANT.c.main_branch).where(
                        PACTICIPANT.c.id == pacticipant_id
                    )
                )
                .one()
            )
            self._by_id[row[0]] = (row[0], row[1], row[2])
            self._pacticipants[row[1]] = self._by_id[row[0]]
        return self._by_id[pacticipant_id]

    def prefetch_environment(self, pacticipant_ids: set[int], environment: str) -> None:
        """Load the versions of these pacticipants currently deployed/released in ``environment``."""
        if not pacticipant_ids:
            return
        found: dict[int, dict[int, str]] = {pid: {} for pid in pacticipant_ids}
        live = union_all(
            select(DEPLOYED_VERSION.c.version_id)
            .join(ENVIRONMENT, ENVIRONMENT.c.id == DEPLOYED_VERSION.c.environment_id)
            .where(
                DEPLOYED_VERSION.c.pacticipant_id.in_(pacticipant_ids),
                ENVIRONMENT.c.name == environment,
                DEPLOYED_VERSION.c.currently_deployed.is_(True),
            ),
            select(RELEASED_VERSION.c.version_id)
            .join(ENVIRONMENT, ENVIRONMENT.c.id == RELEASED_VERSION.c.environment_id)
            .where(
                RELEASED_VERSION.c.pacticipant_id.in_(pacticipant_ids),
                ENVIRONMENT.c.name == environment,
                RELEASED_VERSION.c.currently_supported.is_(True),
            ),
        ).subquery()
        statement = select(VERSION.c.pacticipant_id, VERSION.c.id, VERSION.c.number).where(
            VERSION.c.id.in_(select(live.c.version_id))
        )
        for pacticipant_id, version_id, number in self.session.connection().execute(statement):
            found[pacticipant_id][version_id] = number
        for pacticipant_id, versions in found.items():
            self._live[(pacticipant_id, environment)] = sorted(versions.items())

    def _versions(self, statement: Any) -> list[tuple[int, str]]:
        return [(row[0], row[1]) for row in self.session.connection().execute(statement)]

    def versions(
        self,
        pacticipant_id: int,
        *,
        number: str | None = None,
        latest: bool = False,
        tag: str | None = None,
        branch: str | None = None,
        environment: str | None = None,
    ) -> list[tuple[int, str]] | None:
        base = select(VERSION.c.id, VERSION.c.number).where(VERSION.c.pacticipant_id == pacticipant_id)
        if number is not None:
            return self._versions(base.where(VERSION.c.number == number))
        if environment is not None and (pacticipant_id, environment) in self._live:
            return list(self._live[(pacticipant_id, environment)])
        if environment is not None:
            live = union_all(
                select(DEPLOYED_VERSION.c.version_id)
                .join(ENVIRONMENT, ENVIRONMENT.c.id == DEPLOYED_VERSION.c.environment_id)
                .where(
                    DEPLOYED_VERSION.c.pacticipant_id == pacticipant_id,
                    ENVIRONMENT.c.name == environment,
                    DEPLOYED_VERSION.c.currently_deployed.is_(True),
                ),
                select(RELEASED_VERSION.c.version_id)
                .join(ENVIRONMENT, ENVIRONMENT.c.id == RELEASED_VERSION.c.environment_id)
                .where(
                    RELEASED_VERSION.c.pacticipant_id == pacticipant_id,
                    ENVIRONMENT.c.name == environment,
                    RELEASED_VERSION.c.currently_supported.is_(True),
                ),
            ).subquery()
            return self._versions(
                base.where(VERSION.c.id.in_(select(live.c.version_id))).order_by(VERSION.c.id)
            )
        if tag is not None:
            statement = base.join(
                TAG,
                and_(
                    TAG.c.version_id == VERSION.c.id,
                    TAG.c.pacticipant_id == pacticipant_id,
                    TAG.c.name == tag,
                ),
            ).order_by(VERSION.c.id.desc())
            return self._versions(statement.limit(1) if latest else statement)
        if branch is not None:
            statement = base.join(
                BRANCH_VERSION,
                and_(
                    BRANCH_VERSION.c.version_id == VERSION.c.id,
                    BRANCH_VERSION.c.pacticipant_id == pacticipant_id,
                    BRANCH_VERSION.c.branch_name == branch,
                ),
            ).order_by(BRANCH_VERSION.c.id.desc())
            return self._versions(statement.limit(1) if latest else statement)
        if latest:
            return self._versions(base.order_by(VERSION.c.id.desc()).limit(1))
        return None

    def _pacticipant_and_version(self, name: str, number: str) -> list[tuple[int, str]] | None:
        """The pacticipant (remembered) and its version ``number`` in one query; ``None``: no pacticipant."""
        rows = (
            self.session.connection()
            .execute(
                select(
                    PACTICIPANT.c.id,
                    PACTICIPANT.c.name,
                    PACTICIPANT.c.main_branch,
                    VERSION.c.id,
                    VERSION.c.number,
                )
                .select_from(PACTICIPANT)
                .outerjoin(
                    VERSION, and_(VERSION.c.pacticipant_id == PACTICIPANT.c.id, VERSION.c.number == number)
                )
                .where(PACTICIPANT.c.name == name)
            )
            .all()
        )
        if not rows:
            return None
        self.remember(rows[0][0], rows[0][1], rows[0][2])
        return [(row[3], row[4]) for row in rows if row[3] is not None]

    def specified(self, selector: MatrixSelector) -> ResolvedSelector:
        known: list[tuple[int, str]] | None = None
        if selector.version is not None:
            known = self._pacticipant_and_version(selector.pacticipant, selector.version)
        found = self.pacticipant(selector.pacticipant)
        if found is None:
            raise SelectorsInvalid(
                f"Pacticipant {selector.pacticipant} not found: check the name (names are case-sensitive)",
                field="q",
            )
        pacticipant_id, name, main_branch = found
        branch = main_branch if selector.main_branch else selector.branch
        latest = selector.latest or (selector.main_branch and selector.version is None)
        if known is not None:
            versions: list[tuple[int, str]] | None = known
        elif selector.main_branch and main_branch is None:
            versions = []
        else:
            versions = self.versions(
                pacticipant_id,
                number=selector.version,
                latest=latest,
                tag=selector.tag,
                branch=branch,
                environment=selector.environment,
            )
        return ResolvedSelector(
            pacticipant=name,
            pacticipant_id=pacticipant_id,
            main_branch=main_branch,
            versions=versions,
            specified=True,
            version_number=selector.version,
            latest=latest,
            tag=selector.tag,
            branch=branch,
            environment=selector.environment,
            no_main_branch=selector.main_branch and main_branch is None,
        )

    def inferred(self, pacticipant_id: int, query: MatrixQuery) -> ResolvedSelector:
        _, name, main_branch = self.pacticipant_by_id(pacticipant_id)
        branch = main_branch if query.main_branch else query.branch
        latest = query.latest or bool(branch)
        if query.main_branch and main_branch is None:
            versions: list[tuple[int, str]] | None = []
        else:
            versions = self.versions(
                pacticipant_id, latest=latest, tag=query.tag, branch=branch, environment=query.environment
            )
        return ResolvedSelector(
            pacticipant=name,
            pacticipant_id=pacticipant_id,
            main_branch=main_branch,
            versions=versions,
            specified=False,
            latest=latest and query.environment is None,
            tag=query.tag,
            branch=branch,
            environment=query.environment,
            no_main_branch=query.main_branch and main_branch is None,
        )


def _remember(resolver: SelectorResolver, rows: Any) -> list[int]:
    ids: set[int] = set()
    for pacticipant_id, name, main_branch in rows:
        resolver.remember(pacticipant_id, name, main_branch)
        ids.add(pacticipant_id)
    return sorted(ids)


def _partners_of(
    session: Session, resolver: SelectorResolver, selector: ResolvedSelector
) -> tuple[list[int], list[int]]:
    """The providers of the selected versions (of any version: every integration) and the consumers of
    the pacticipant, remembered by the resolver, in one round trip."""
    columns = (PACTICIPANT.c.id, PACTICIPANT.c.name, PACTICIPANT.c.main_branch)
    consumers = (
        select(literal("consumer").label("side"), *columns)
        .join(INTEGRATION, INTEGRATION.c.consumer_id == PACTICIPANT.c.id)
        .where(INTEGRATION.c.provider_id == selector.pacticipant_id)
    )
    statement: Any = consumers
    if selector.versions is None:
        statement = union_all(
            select(literal("provider").label("side"), *columns)
            .join(INTEGRATION, INTEGRATION.c.provider_id == PACTICIPANT.c.id)
            .where(INTEGRATION.c.consumer_id == selector.pacticipant_id),
            consumers,
        )
    elif selector.version_ids:
        statement = union_all(
            select(literal("provider").label("side"), *columns).where(
                PACTICIPANT.c.id.in_(
                    select(PP.provider_id).where(PP.consumer_version_id.in_(selector.version_ids))
                )
            ),
            consumers,
        )
    rows = list(session.connection().execute(statement))
    providers = _remember(resolver, [row[1:] for row in rows if row[0] == "provider"])
    return providers, _remember(resolver, [row[1:] for row in rows if row[0] == "consumer"])


def find_integrations(
    session: Session, resolver: SelectorResolver, query: MatrixQuery, specified: list[ResolvedSelector]
) -> list[Integration]:
    by_name = {s.pacticipant: s for s in specified}
    result: dict[tuple[int, int], Integration] = {}
    if query.infers_integrations:
        inferred: dict[int, ResolvedSelector] = {}

        def other(pacticipant_id: int) -> ResolvedSelector:
            name = resolver.pacticipant_by_id(pacticipant_id)[1]
            if name in by_name:
                return by_name[name]
            if pacticipant_id not in inferred:
                inferred[pacticipant_id] = resolver.inferred(pacticipant_id, query)
            return inferred[pacticipant_id]

        partners: list[tuple[ResolvedSelector, list[int], list[int]]] = []
        for selector in specified:
            if selector.specified_version_missing:
                continue
            providers, consumers = _partners_of(session, resolver, selector)
            partners.append((selector, providers, consumers))
        if query.environment is not None:  # one query for the live versions of every partner
            ids = {pid for _, providers, consumers in partners for pid in providers + consumers}
            resolver.prefetch_environment(ids - {s.pacticipant_id for s in specified}, query.environment)
        for selector, providers, consumers in partners:
            for provider_id in providers:
                key = (selector.pacticipant_id, provider_id)
                result[key] = Integration(selector, other(provider_id), required=True)
            for consumer_id in consumers:
                key = (consumer_id, selector.pacticipant_id)
                if key not in result:
                    result[key] = Integration(other(consumer_id), selector, required=False)
        return list(result.values())
    for consumer in specified:
        for provider in specified:
            if consumer is provider or consumer.pacticipant_id == provider.pacticipant_id:
                continue
            exists = (
                session.connection()
                .execute(
                    select(INTEGRATION.c.id).where(
                        INTEGRATION.c.consumer_id == consumer.pacticipant_id,
                        INTEGRATION.c.provider_id == provider.pacticipant_id,
                    )
                )
                .first()
            )
            if exists is not None:
                result[(consumer.pacticipant_id, provider.pacticipant_id)] = Integration(
                    consumer, provider, True
                )
    return list(result.values())
