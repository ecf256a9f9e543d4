"""Pacticipant versions, their branches and tags (all find-or-create operations are race-safe)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from broker.clock import aware, now
from broker.db import insert_ignore
from broker.errors import NotFound, ValidationFailed
from broker.extensions import version_links
from broker.hal import Urls
from broker.services.environments import record_deployment
from broker.services.labels import labels_of
from broker.services.names import check_name
from broker.services.pacticipants import (
    ensure_pacticipant,
    get_pacticipant,
    set_main_branch_if_unset,
    settings_of,
)
from broker.services.url_fields import check_http_url
from broker.tables.core import Branch, BranchVersion, Pacticipant, PactPublication, PactVersion, Tag, Version
from broker.tables.environments import Environment


@dataclass(frozen=True)
class TagView:
    name: str
    created_at: datetime
    latest: bool


@dataclass(frozen=True)
class BranchVersionView:
    branch: str
    created_at: datetime
    latest: bool


@dataclass(frozen=True)
class PactRef:
    consumer: str
    provider: str
    consumer_version: str
    sha: str


@dataclass(frozen=True)
class VersionDetail:
    pacticipant: Pacticipant
    version: Version
    branches: list[BranchVersionView]
    tags: list[TagView]
    pacts: list[PactRef]
    extra_links: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------- finding


def find_version(session: Session, pacticipant: Pacticipant, number: str) -> Version | None:
    return session.exec(
        select(Version).where(col(Version.pacticipant_id) == pacticipant.id, col(Version.number) == number)
    ).first()


def get_version(session: Session, pacticipant_name: str, number: str) -> tuple[Pacticipant, Version]:
    pacticipant = get_pacticipant(session, pacticipant_name)
    version = find_version(session, pacticipant, number)
    if version is None:
        raise NotFound(f"No version '{number}' of pacticipant '{pacticipant_name}' exists.", field="version")
    return pacticipant, version


def latest_version(
    session: Session, pacticipant: Pacticipant, *, tag: str | None = None, branch: str | None = None
) -> Version | None:
    query = select(Version).where(col(Version.pacticipant_id) == pacticipant.id)
    if tag is not None:
        query = query.where(
            col(Version.id).in_(
                select(Tag.version_id).where(col(Tag.pacticipant_id) == pacticipant.id, col(Tag.name) == tag)
            )
        )
    if branch is not None:
        head = (
            select(BranchVersion.version_id)
            .where(
                col(BranchVersion.pacticipant_id) == pacticipant.id, col(BranchVersion.branch_name) == branch
            )
            .order_by(col(BranchVersion.id).desc())
            .limit(1)
        )
        version_id = session.exec(head).first()
        return None if version_id is None else session.get(Version, version_id)
    return session.exec(query.order_by(col(Version.id).desc()).limit(1)).first()


def get_latest_version(
    session: Session, urls: Urls, pacticipant_name: str, *, tag: str | None = None, branch: str | None = None
) -> VersionDetail:
    pacticipant = get_pacticipant(session, pacticipant_name)
    version = latest_version(session, pacticipant, tag=tag, branch=branch)
    if version is None:
        qualifier = f" with tag '{tag}'" if tag else f" on branch '{branch}'" if branch else ""
        raise NotFound(f"Pacticipant '{pacticipant_name}' has no version{qualifier}.", field="version")
    return describe(session, urls, pacticipant, version)


def describe_version(session: Session, urls: Urls, pacticipant_name: str, number: str) -> VersionDetail:
    pacticipant, version = get_version(session, pacticipant_name, number)
    return describe(session, urls, pacticipant, version)


def describe(session: Session, urls: Urls, pacticipant: Pacticipant, version: Version) -> VersionDetail:
    assert version.id is not None
    branch_rows = session.exec(
        select(BranchVersion)
        .where(col(BranchVersion.version_id) == version.id)
        .order_by(col(BranchVersion.id))
    ).all()
    branches = [
        BranchVersionView(
            branch=row.branch_name, created_at=row.created_at, latest=_is_branch_head(session, row)
        )
        for row in branch_rows
    ]
    tag_rows = session.exec(select(Tag).where(col(Tag.version_id) == version.id).order_by(col(Tag.id))).all()
    tags = [
        TagView(name=row.name, created_at=row.created_at, latest=_is_latest_for_tag(session, row))
        for row in tag_rows
    ]
    pact_rows = session.exec(
        select(Pacticipant.name, PactVersion.sha)
        .join(PactPublication, col(PactPublication.provider_id) == col(Pacticipant.id))
        .join(PactVersion, col(PactVersion.id) == col(PactPublication.pact_version_id))
        .where(col(PactPublication.consumer_version_id) == version.id)
        .order_by(col(Pacticipant.name))
    ).all()
    pacts = [PactRef(pacticipant.name, provider, version.number, sha) for provider, sha in pact_rows]
    return VersionDetail(
        pacticipant, version, branches, tags, pacts, version_links(session, urls, pacticipant, version)
    )


def _is_branch_head(session: Session, row: BranchVersion) -> bool:
    head = session.exec(
        select(func.max(BranchVersion.id)).where(col(BranchVersion.branch_id) == row.branch_id)
    ).one()
    return bool(head == row.id)


def _is_latest_for_tag(session: Session, row: Tag) -> bool:
    latest = session.exec(
        select(func.max(Tag.version_id)).where(
            col(Tag.pacticipant_id) == row.pacticipant_id, col(Tag.name) == row.name
        )
    ).one()
    return bool(latest == row.version_id)


def list_versions(
    session: Session, pacticipant_name: str, *, limit: int = 100
) -> tuple[Pacticipant, Sequence[Version]]:
    pacticipant = get_pacticipant(session, pacticipant_name)
    rows = session.exec(
        select(Version)
        .where(col(Version.pacticipant_id) == pacticipant.id)
        .order_by(col(Version.id).desc())
        .limit(limit)
    ).all()
    return pacticipant, rows


# ---------------------------------------------------------------------------------------- changing


def ensure_version(
    session: Session, pacticipant: Pacticipant, number: str, *, field: str = "version"
) -> tuple[Version, bool]:
    existing = find_version(session, pacticipant, number)
    if existing is not None:
        return existing, False
    check_name(number, field, what="version number")
    stamp = now()
    inserted = insert_ignore(
        session,
        Version,
        {"pacticipant_id": pacticipant.id, "number": number, "created_at": stamp, "updated_at": stamp},
        ("pacticipant_id", "number"),
    )
    version = find_version(session, pacticipant, number)
    assert version is not None
    return version, inserted


def ensure_tag(session: Session, version: Version, name: str, *, field: str = "tag") -> tuple[Tag, bool]:
    check_name(name, field, what="tag name")
    inserted = insert_ignore(
        session,
        Tag,
        {
            "version_id": version.id,
            "pacticipant_id": version.pacticipant_id,
            "name": name,
            "created_at": now(),
        },
        ("version_id", "name"),
    )
    tag = session.exec(select(Tag).where(col(Tag.version_id) == version.id, col(Tag.name) == name)).first()
    assert tag is not None
    if inserted:
        _after_new_tag(session, version, name)
    return tag, inserted


def _after_new_tag(session: Session, version: Version, name: str) -> None:
    """The Ruby broker's side effects of tagging: ``auto_detect_main_branch``, ``use_first_tag_as_branch``
    and ``create_deployed_versions_for_tags`` (each switchable in the settings)."""
    pacticipant = session.get(Pacticipant, version.pacticipant_id)
    assert pacticipant is not None
    set_main_branch_if_unset(session, pacticipant, name)
    settings = settings_of(session)
    if settings.use_first_tag_as_branch and _is_first_tag_of_a_new_version_without_branch(
        session, version, settings.use_first_tag_as_branch_time_limit
    ):
        ensure_branch_version(session, pacticipant, version, name)
    if settings.create_deployed_versions_for_tags:
        environment = session.execute(select(Environment.uuid).where(col(Environment.name) == name)).scalar()
        if environment is not None:
            record_deployment(
                session,
                pacticipant=pacticipant.name,
                version=version.number,
                env_uuid=environment,
                application_instance=None,
            )


def _is_first_tag_of_a_new_version_without_branch(session: Session, version: Version, limit: float) -> bool:
    if (now() - aware(version.created_at)).total_seconds() > limit:
        return False
    tags = session.execute(select(func.count()).where(col(Tag.version_id) == version.id)).scalar_one()
    branches = session.execute(
        select(func.count()).where(col(BranchVersion.version_id) == version.id)
    ).scalar_one()
    return int(tags) == 1 and int(branches) == 0


def ensure_branch_version(
    session: Session, pacticipant: Pacticipant, version: Version, branch_name: str, *, field: str = "branch"
) -> tuple[BranchVersion, bool]:
    check_name(branch_name, field, what="branch name")
    stamp = now()
    branch_query = select(Branch).where(
        col(Branch.pacticipant_id) == pacticipant.id, col(Branch.name) == branch_name
    )
    branch = session.exec(branch_query).first()
    if branch is None:
        insert_ignore(
            session,
            Branch,
            {"pacticipant_id": pacticipant.id, "name": branch_name, "created_at": stamp, "updated_at": stamp},
            ("pacticipant_id", "name"),
        )
        branch = session.exec(branch_query).first()
    assert branch is not None
    inserted = insert_ignore(
        session,
        BranchVersion,
        {
            "branch_id": branch.id,
            "version_id": version.id,
            "pacticipant_id": pacticipant.id,
            "branch_name": branch_name,
            "created_at": stamp,
        },
        ("branch_id", "version_id"),
    )
    row = session.exec(
        select(BranchVersion).where(
            col(BranchVersion.branch_id) == branch.id, col(BranchVersion.version_id) == version.id
        )
    ).first()
    assert row is not None
    set_main_branch_if_unset(session, pacticipant, branch_name)
    return row, inserted


def _tag_names(body: Mapping[str, Any]) -> list[str]:
    tags = body.get("tags")
    if tags is None:
        return []
    if not isinstance(tags, list):
        raise ValidationFailed('tags must be an array of tag names (or of {"name": ...}).', field="tags")
    names = []
    for index, tag in enumerate(tags):
        name = tag.get("name") if isinstance(tag, dict) else tag
        names.append(check_name(name, f"tags[{index}]", what="tag name"))
    return names


def _build_url(body: Mapping[str, Any]) -> str | None:
    return check_http_url(body.get("buildUrl"), "buildUrl")


def put_version(
    session: Session, urls: Urls, pacticipant_name: str, number: str, body: Mapping[str, Any]
) -> tuple[VersionDetail, bool]:
    """Create-or-update a version; ``buildUrl`` replaced, ``tags`` added. Returns (detail, created)."""
    build_url = _build_url(body)
    tags = _tag_names(body)
    check_name(number, "version", what="version number")
    pacticipant, _ = ensure_pacticipant(session, pacticipant_name)
    version, created = ensure_version(session, pacticipant, number)
    if "buildUrl" in body:
        version.build_url = build_url
        version.updated_at = now()
        session.add(version)
        session.flush()
    for tag in tags:
        ensure_tag(session, version, tag)
    branch = body.get("branch")
    if branch is not None:
        ensure_branch_version(session, pacticipant, version, check_name(branch, "branch", what="branch name"))
    return describe(session, urls, pacticipant, version), created


def delete_version(session: Session, pacticipant_name: str, number: str) -> None:
    _, version = get_version(session, pacticipant_name, number)
    session.execute(delete(Version).where(col(Version.id) == version.id))


def put_tag(
    session: Session, pacticipant_name: str, number: str, tag: str
) -> tuple[Pacticipant, Version, Tag, bool]:
    check_name(tag, "tag", what="tag name")
    pacticipant, _ = ensure_pacticipant(session, pacticipant_name)
    version, _ = ensure_version(session, pacticipant, number)
    row, created = ensure_tag(session, version, tag)
    return pacticipant, version, row, created


def get_tag(
    session: Session, pacticipant_name: str, number: str, tag: str
) -> tuple[Pacticipant, Version, Tag]:
    pacticipant, version = get_version(session, pacticipant_name, number)
    row = session.exec(select(Tag).where(col(Tag.version_id) == version.id, col(Tag.name) == tag)).first()
    if row is None:
        raise NotFound(f"Version '{number}' of '{pacticipant_name}' has no tag '{tag}'.", field="tag")
    return pacticipant, version, row


def delete_tag(session: Session, pacticipant_name: str, number: str, tag: str) -> None:
    _, _, row = get_tag(session, pacticipant_name, number, tag)
    session.execute(delete(Tag).where(col(Tag.id) == row.id))


# ---------------------------------------------------------------------------------------- branches


@dataclass(frozen=True)
class BranchDetail:
    pacticipant: Pacticipant
    branch: Branch
    latest_version: str | None


def get_branch(session: Session, pacticipant_name: str, branch_name: str) -> BranchDetail:
    pacticipant = get_pacticipant(session, pacticipant_name)
    branch = session.exec(
        select(Branch).where(col(Branch.pacticipant_id) == pacticipant.id, col(Branch.name) == branch_name)
    ).first()
    if branch is None:
        raise NotFound(f"Pacticipant '{pacticipant_name}' has no branch '{branch_name}'.", field="branch")
    head = latest_version(session, pacticipant, branch=branch_name)
    return BranchDetail(pacticipant, branch, head.number if head else None)


def list_branches(session: Session, pacticipant_name: str) -> tuple[Pacticipant, Sequence[Branch]]:
    pacticipant = get_pacticipant(session, pacticipant_name)
    rows = session.exec(
        select(Branch)
        .where(col(Branch.pacticipant_id) == pacticipant.id)
        .order_by(col(Branch.updated_at).desc(), col(Branch.id).desc())
    ).all()
    return pacticipant, rows


def delete_branch(session: Session, pacticipant_name: str, branch_name: str) -> None:
    """Removes the branch and its branch-version links, not the versions."""
    detail = get_branch(session, pacticipant_name, branch_name)
    session.execute(delete(Branch).where(col(Branch.id) == detail.branch.id))


def branch_versions(
    session: Session, pacticipant_name: str, branch_name: str, *, limit: int = 100
) -> tuple[BranchDetail, Sequence[Version]]:
    detail = get_branch(session, pacticipant_name, branch_name)
    rows = session.exec(
        select(Version)
        .join(BranchVersion, col(BranchVersion.version_id) == col(Version.id))
        .where(col(BranchVersion.branch_id) == detail.branch.id)
        .order_by(col(BranchVersion.id).desc())
        .limit(limit)
    ).all()
    return detail, rows


def put_branch_version(
    session: Session, pacticipant_name: str, branch_name: str, number: str
) -> tuple[Pacticipant, Version, BranchVersion, bool]:
    check_name(branch_name, "branch", what="branch name")
    pacticipant, _ = ensure_pacticipant(session, pacticipant_name)
    version, _ = ensure_version(session, pacticipant, number)
    row, created = ensure_branch_version(session, pacticipant, version, branch_name)
    branch = session.get(Branch, row.branch_id)
    if created and branch is not None:
        branch.updated_at = now()
        session.add(branch)
        session.flush()
    return pacticipant, version, row, created


def get_branch_version(
    session: Session, pacticipant_name: str, branch_name: str, number: str
) -> tuple[Pacticipant, Version, BranchVersion]:
    pacticipant, version = get_version(session, pacticipant_name, number)
    row = session.exec(
        select(BranchVersion).where(
            col(BranchVersion.version_id) == version.id, col(BranchVersion.branch_name) == branch_name
        )
    ).first()
    if row is None:
        raise NotFound(
            f"Version '{number}' of '{pacticipant_name}' is not on branch '{branch_name}'.", field="branch"
        )
    return pacticipant, version, row


def delete_branch_version(session: Session, pacticipant_name: str, branch_name: str, number: str) -> None:
    _, _, row = get_branch_version(session, pacticipant_name, branch_name, number)
    session.execute(delete(BranchVersion).where(col(BranchVersion.id) == row.id))


@dataclass(frozen=True)
class PacticipantDetail:
    pacticipant: Pacticipant
    latest: VersionDetail | None
    extra_links: dict[str, Any]
    labels: tuple[str, ...] = ()


def describe_pacticipant(session: Session, urls: Urls, name: str) -> PacticipantDetail:
    from broker.extensions import pacticipant_links

    pacticipant = get_pacticipant(session, name)
    head = latest_version(session, pacticipant)
    latest = describe(session, urls, pacticipant, head) if head is not None else None
    assert pacticipant.id is not None
    labels = labels_of(session, [pacticipant.id]).get(pacticipant.id, ())
    return PacticipantDetail(pacticipant, latest, pacticipant_links(session, urls, pacticipant), labels)
