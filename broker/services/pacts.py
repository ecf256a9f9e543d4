"""Reading published pacts: by consumer version, latest (overall, by tag, branch, untagged), by
pact-version sha, lists for a provider, and diffs between two pact versions."""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from broker.errors import NotFound
from broker.services.pacticipants import get_pacticipant
from broker.tables.core import BranchVersion, Pacticipant, PactPublication, PactVersion, Tag, Version

Consumer = aliased(Pacticipant, name="consumer")
Provider = aliased(Pacticipant, name="provider")


@dataclass(frozen=True)
class PactView:
    consumer: str
    provider: str
    consumer_version: str
    consumer_version_id: int
    sha: str
    content: str
    created_at: datetime
    revision: int = 1


def _base() -> Select[PactPublication, Version, PactVersion, str, str]:
    return (
        sa_select(PactPublication, Version, PactVersion, col(Consumer.name), col(Provider.name))
        .join(Version, col(Version.id) == col(PactPublication.consumer_version_id))
        .join(PactVersion, col(PactVersion.id) == col(PactPublication.pact_version_id))
        .join(Consumer, col(Consumer.id) == col(PactPublication.consumer_id))
        .join(Provider, col(Provider.id) == col(PactPublication.provider_id))
    )


def _view(row: Any) -> PactView:
    publication, version, pact_version, consumer, provider = row
    return PactView(
        consumer=consumer,
        provider=provider,
        consumer_version=version.number,
        consumer_version_id=version.id,
        sha=pact_version.sha,
        content=pact_version.content,
        created_at=publication.created_at,
        revision=publication.revision_number,
    )


def _pair(session: Session, provider: str, consumer: str) -> tuple[Pacticipant, Pacticipant]:
    return get_pacticipant(session, provider), get_pacticipant(session, consumer)


def _tagged(pacticipant_id: Any, tag: str) -> Any:
    return select(Tag.version_id).where(col(Tag.pacticipant_id) == pacticipant_id, col(Tag.name) == tag)


def _on_branch(pacticipant_id: Any, branch: str) -> Any:
    return select(BranchVersion.version_id).where(
        col(BranchVersion.pacticipant_id) == pacticipant_id, col(BranchVersion.branch_name) == branch
    )


def pact_for_version(session: Session, provider: str, consumer: str, number: str) -> PactView:
    prov, cons = _pair(session, provider, consumer)
    row = session.execute(
        _base().where(
            col(PactPublication.provider_id) == prov.id,
            col(PactPublication.consumer_id) == cons.id,
            col(Version.number) == number,
        )
    ).first()
    if row is None:
        raise NotFound(
            f"No pact between {consumer} version {number} and {provider} has been published.", field="pact"
        )
    return _view(row)


def latest_pact(
    session: Session,
    provider: str,
    consumer: str,
    *,
    tag: str | None = None,
    branch: str | None = None,
    main_branch: bool = False,
    untagged: bool = False,
) -> PactView:
    prov, cons = _pair(session, provider, consumer)
    query = _base().where(
        col(PactPublication.provider_id) == prov.id, col(PactPublication.consumer_id) == cons.id
    )
    description = "latest pact"
    if main_branch:
        if cons.main_branch is None:
            raise NotFound(f"{consumer} has no main branch configured.", field="branch")
        branch = cons.main_branch
    if tag is not None:
        query = query.where(col(PactPublication.consumer_version_id).in_(_tagged(cons.id, tag)))
        description += f" with consumer version tag '{tag}'"
    if branch is not None:
        query = query.where(col(PactPublication.consumer_version_id).in_(_on_branch(cons.id, branch)))
        description += f" from consumer branch '{branch}'"
    if untagged:
        query = query.where(
            ~col(PactPublication.consumer_version_id).in_(
                select(Tag.version_id).where(col(Tag.pacticipant_id) == cons.id)
            )
        )
        description += " from an untagged consumer version"
    row = session.execute(query.order_by(col(PactPublication.consumer_version_id).desc()).limit(1)).first()
    if row is None:
        raise NotFound(f"No {description} between {consumer} and {provider} exists.", field="pact")
    return _view(row)


def pact_by_sha(session: Session, provider: str, consumer: str, sha: str) -> PactView:
    """The pact content with this sha, shown with the latest consumer version that published it."""
    prov, cons = _pair(session, provider, consumer)
    row = session.execute(
        _base()
        .where(
            col(PactPublication.provider_id) == prov.id,
            col(PactPublication.consumer_id) == cons.id,
            col(PactVersion.sha) == sha,
        )
        .order_by(col(PactPublication.consumer_version_id).desc())
        .limit(1)
    ).first()
    if row is None:
        pact_version = session.exec(
            select(PactVersion).where(
                col(PactVersion.provider_id) == prov.id,
                col(PactVersion.consumer_id) == cons.id,
                col(PactVersion.sha) == sha,
            )
        ).first()
        if pact_version is None:
            raise NotFound(f"No pact version {sha} between {consumer} and {provider} exists.", field="pact")
        # content kept after its publication was overwritten: no consumer version points at it any more
        return PactView(consumer, provider, "", 0, sha, pact_version.content, pact_version.created_at)
    return _view(row)


def _latest_per_consumer(session: Session, provider: Pacticipant, filters: Sequence[Any]) -> list[PactView]:
    latest = (
        select(func.max(PactPublication.consumer_version_id).label("version_id"))
        .where(col(PactPublication.provider_id) == provider.id, *filters)
        .group_by(col(PactPublication.consumer_id))
        .subquery()
    )
    rows = session.execute(
        _base()
        .where(col(PactPublication.provider_id) == provider.id)
        .where(col(PactPublication.consumer_version_id).in_(select(latest.c.version_id)))
        .order_by(col(Consumer.name))
    ).all()
    return [_view(row) for row in rows]


def latest_pacts_for_provider(
    session: Session,
    provider: str,
    *,
    tag: str | None = None,
    branch: str | None = None,
    main_branch: bool = False,
) -> tuple[Pacticipant, list[PactView]]:
    prov = get_pacticipant(session, provider)
    filters: list[Any] = []
    if tag is not None:
        filters.append(
            col(PactPublication.consumer_version_id).in_(select(Tag.version_id).where(col(Tag.name) == tag))
        )
    if branch is not None:
        filters.append(
            col(PactPublication.consumer_version_id).in_(
                select(BranchVersion.version_id).where(col(BranchVersion.branch_name) == branch)
            )
        )
    if main_branch:
        filters.append(col(PactPublication.consumer_version_id).in_(_main_branch_versions()))
    return prov, _latest_per_consumer(session, prov, filters)


def _main_branch_versions() -> Any:
    return (
        select(BranchVersion.version_id)
        .join(Pacticipant, col(Pacticipant.id) == col(BranchVersion.pacticipant_id))
        .where(col(BranchVersion.branch_name) == col(Pacticipant.main_branch))
    )


def pacts_for_provider(
    session: Session,
    provider: str,
    *,
    consumer: str | None = None,
    tag: str | None = None,
    branch: str | None = None,
    main_branch: bool = False,
    limit: int = 500,
) -> tuple[Pacticipant, list[PactView]]:
    """Every publication (newest first) matching the filters."""
    prov = get_pacticipant(session, provider)
    query = _base().where(col(PactPublication.provider_id) == prov.id)
    if consumer is not None:
        cons = get_pacticipant(session, consumer)
        query = query.where(col(PactPublication.consumer_id) == cons.id)
    if tag is not None:
        query = query.where(
            col(PactPublication.consumer_version_id).in_(select(Tag.version_id).where(col(Tag.name) == tag))
        )
    if branch is not None:
        query = query.where(
            col(PactPublication.consumer_version_id).in_(
                select(BranchVersion.version_id).where(col(BranchVersion.branch_name) == branch)
            )
        )
    if main_branch:
        query = query.where(col(PactPublication.consumer_version_id).in_(_main_branch_versions()))
    rows = session.execute(query.order_by(col(PactPublication.consumer_version_id).desc()).limit(limit)).all()
    return prov, [_view(row) for row in rows]


def latest_pacts(session: Session) -> list[PactView]:
    """The latest pact of every consumer/provider pair (``/pacts/latest``)."""
    latest = (
        select(
            func.max(PactPublication.consumer_version_id).label("version_id"),
            col(PactPublication.provider_id).label("provider_id"),
        )
        .group_by(col(PactPublication.consumer_id), col(PactPublication.provider_id))
        .subquery()
    )
    rows = session.execute(
        _base()
        .join(
            latest,
            (latest.c.version_id == col(PactPublication.consumer_version_id))
            & (latest.c.provider_id == col(PactPublication.provider_id)),
        )
        .order_by(col(Consumer.name), col(Provider.name))
    ).all()
    return [_view(row) for row in rows]


def previous_distinct(session: Session, provider: str, consumer: str, number: str) -> PactView:
    """The latest pact before this consumer version whose content differs from it."""
    current = pact_for_version(session, provider, consumer, number)
    prov, cons = _pair(session, provider, consumer)
    row = session.execute(
        _base()
        .where(
            col(PactPublication.provider_id) == prov.id,
            col(PactPublication.consumer_id) == cons.id,
            col(PactPublication.consumer_version_id) < current.consumer_version_id,
            col(PactVersion.sha) != current.sha,
        )
        .order_by(col(PactPublication.consumer_version_id).desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFound(
            f"No earlier, different pact between {consumer} and {provider} before version {number}.",
            field="pact",
        )
    return _view(row)


def pretty(content: str) -> str:
    return json.dumps(json.loads(content), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def diff_texts(old: PactView, new: PactView) -> str:
    """A unified diff of the two pacts' pretty-printed JSON (empty when the content is the same)."""
    lines = difflib.unified_diff(
        pretty(old.content).splitlines(keepends=True),
        pretty(new.content).splitlines(keepends=True),
        fromfile=f"pact-version/{old.sha}" + (f" ({old.consumer_version})" if old.consumer_version else ""),
        tofile=f"pact-version/{new.sha}" + (f" ({new.consumer_version})" if new.consumer_version else ""),
    )
    return "".join(lines)


@dataclass(frozen=True)
class ProviderState:
    name: str
    params: dict[str, Any] | None
    consumers: tuple[str, ...]


def provider_states(session: Session, provider: str) -> list[ProviderState]:
    """Every provider state named in the provider's latest pacts (from each consumer's main branch,
    else its latest pact), with the consumers that use it."""
    _, main = latest_pacts_for_provider(session, provider, main_branch=True)
    _, latest = latest_pacts_for_provider(session, provider)
    chosen = {view.consumer: view for view in latest}
    chosen.update({view.consumer: view for view in main})
    found: dict[str, tuple[str, dict[str, Any] | None, set[str]]] = {}
    for view in chosen.values():
        data = json.loads(view.content)
        for key in ("interactions", "messages"):
            for interaction in data.get(key) or []:
                if not isinstance(interaction, dict):
                    continue
                states = interaction.get("providerStates")
                if not isinstance(states, list):
                    single = interaction.get("providerState") or interaction.get("provider_state")
                    states = [{"name": single}] if isinstance(single, str) and single else []
                for state in states:
                    if not isinstance(state, dict) or not isinstance(state.get("name"), str):
                        continue
                    params = state.get("params") if isinstance(state.get("params"), dict) else None
                    identity = json.dumps([state["name"], params], sort_keys=True)
                    found.setdefault(identity, (state["name"], params, set()))[2].add(view.consumer)
    return [
        ProviderState(name, params, tuple(sorted(consumers)))
        for name, params, consumers in sorted(
            found.values(), key=lambda item: (item[0], json.dumps(item[1], sort_keys=True))
        )
    ]
