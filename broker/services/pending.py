"""Pending status of pact content for a provider branch or tags (used by pacts-for-verification/WIP).

A pact version (content) is *pending* for a provider branch when no provider version on that branch
has published a successful (non-WIP) verification of it, and no other provider version did so before
that branch was created (a new feature branch inherits main's "already verified" status). With tags
instead of a branch the same holds per tag, and the pact is pending if it is pending for any tag.
With neither, pending means "never successfully verified". Pending plays no part in can-i-deploy.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlmodel import Session

from broker.services.verification_notices import PendingStatus
from broker.tables.selectables import BRANCH, BRANCH_VERSION, TAG, VERIFICATION

V = VERIFICATION.c


def _verified(session: Session, pact_version_ids: Collection[int], *extra: ColumnElement[bool]) -> set[int]:
    if not pact_version_ids:
        return set()
    statement = (
        select(V.pact_version_id)
        .where(
            V.pact_version_id.in_(list(pact_version_ids)),
            V.success.is_(True),
            V.wip.is_(False),
            *extra,
        )
        .distinct()
    )
    return {row[0] for row in session.connection().execute(statement)}


def _verified_by_branch(session: Session, provider_id: int, branch: str, ids: Collection[int]) -> set[int]:
    # No ``pacticipant_id`` condition on purpose: the provider versions are the provider's anyway, and
    # with it SQLite walks the whole main branch instead of probing (version_id, branch_name): 100x slower.
    del provider_id
    if not ids:
        return set()
    statement = (
        select(V.pact_version_id)
        .join(
            BRANCH_VERSION,
            and_(
                BRANCH_VERSION.c.version_id == V.provider_version_id,
                BRANCH_VERSION.c.branch_name == branch,
            ),
        )
        .where(
            V.pact_version_id.in_(list(ids)),
            V.success.is_(True),
            V.wip.is_(False),
        )
        .distinct()
    )
    return {row[0] for row in session.connection().execute(statement)}


def _verified_by_tag(session: Session, provider_id: int, tag: str, ids: Collection[int]) -> set[int]:
    del provider_id  # see _verified_by_branch
    if not ids:
        return set()
    statement = (
        select(V.pact_version_id)
        .join(
            TAG,
            and_(
                TAG.c.version_id == V.provider_version_id,
                TAG.c.name == tag,
            ),
        )
        .where(
            V.pact_version_id.in_(list(ids)),
            V.success.is_(True),
            V.wip.is_(False),
        )
        .distinct()
    )
    return {row[0] for row in session.connection().execute(statement)}


def _verified_before(session: Session, ids: Collection[int], created: datetime | None) -> set[int]:
    """Successfully verified by any provider version before ``created`` (``None``: ever)."""
    if created is None:
        return _verified(session, ids)
    return _verified(session, ids, V.created_at < created)


def pending_statuses(
    session: Session,
    *,
    provider_id: int,
    provider_branch: str | None,
    provider_tags: Collection[str],
    pact_version_ids: Collection[int],
) -> dict[int, PendingStatus]:
    ids = set(pact_version_ids)
    if provider_branch:
        branch_created = (
            session.connection()
            .execute(
                select(BRANCH.c.created_at).where(
                    BRANCH.c.pacticipant_id == provider_id, BRANCH.c.name == provider_branch
                )
            )
            .scalar_one_or_none()
        )
        done = _verified_by_branch(session, provider_id, provider_branch, ids)
        done |= _verified_before(session, ids - done, branch_created)
        return {pid: PendingStatus(pending=pid not in done, provider_branch=provider_branch) for pid in ids}
    if provider_tags:
        per_tag: dict[str, set[int]] = {}
        for tag in provider_tags:
            first_used = (
                session.connection()
                .execute(
                    select(func.min(TAG.c.created_at)).where(
                        TAG.c.pacticipant_id == provider_id, TAG.c.name == tag
                    )
                )
                .scalar_one_or_none()
            )
            done = _verified_by_tag(session, provider_id, tag, ids)
            done |= _verified_before(session, ids - done, first_used)
            per_tag[tag] = done
        statuses: dict[int, PendingStatus] = {}
        for pid in ids:
            pending_tags = tuple(tag for tag in provider_tags if pid not in per_tag[tag])
            non_pending = tuple(tag for tag in provider_tags if pid in per_tag[tag])
            statuses[pid] = PendingStatus(
                pending=bool(pending_tags),
                provider_branch=None,
                pending_tags=pending_tags,
                non_pending_tags=non_pending,
            )
        return statuses
    done = _verified(session, ids)
    return {pid: PendingStatus(pending=pid not in done, provider_branch=None) for pid in ids}
