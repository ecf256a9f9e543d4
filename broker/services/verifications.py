"""Verification results: publishing (with the provider version's branch and tags), reading, events.

A result belongs to a pact *version* (content), so one verification covers every consumer version
that published the same content. The provider version is created if it does not exist yet. The newest
result per (pact version, provider version) is kept in ``latest_verification`` for the matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from broker.clock import now
from broker.db import insert_ignore
from broker.errors import NotFound, ValidationFailed
from broker.events import BrokerEvent, EventName, emit
from broker.services.pact_metadata import PactMetadata
from broker.services.url_fields import check_http_url
from broker.tables.selectables import (
    BRANCH_VERSION,
    LATEST_VERIFICATION,
    PACT_PUBLICATION,
    PACT_VERSION,
    PACTICIPANT,
    TAG,
    VERIFICATION,
    VERSION,
)
from broker.tables.verification import LatestVerification, Verification

MAX_NUMBER_LENGTH = 255
# ids are INTEGER columns: a larger number is no id (PostgreSQL refuses to compare it: integer out of range)
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class PactRef:
    consumer: str
    provider: str
    consumer_id: int
    provider_id: int
    pact_version_id: int
    sha: str


@dataclass(frozen=True)
class VerificationResult:
    id: int
    consumer: str
    provider: str
    sha: str
    provider_version: str
    provider_version_branch: str | None
    provider_version_tags: tuple[str, ...]
    success: bool
    build_url: str | None
    test_results: Any
    verified_by: Any
    execution_date: datetime
    wip: bool
    pending: bool


def find_pact(session: Session, *, provider: str, consumer: str, sha: str) -> PactRef:
    consumer_p = PACTICIPANT.alias("consumer")
    provider_p = PACTICIPANT.alias("provider")
    row = session.execute(
        select(consumer_p.c.id, provider_p.c.id, PACT_VERSION.c.id)
        .select_from(PACT_VERSION)
        .join(consumer_p, consumer_p.c.id == PACT_VERSION.c.consumer_id)
        .join(provider_p, provider_p.c.id == PACT_VERSION.c.provider_id)
        .where(consumer_p.c.name == consumer, provider_p.c.name == provider, PACT_VERSION.c.sha == sha)
    ).first()
    if row is None:
        raise NotFound(
            f"No pact found between consumer '{consumer}' and provider '{provider}' with pact version sha '{sha}'",
            field="pact",
        )
    return PactRef(consumer, provider, row[0], row[1], row[2], sha)


def _validate(body: Any) -> tuple[bool, str, str | None, Any, Any]:
    if not isinstance(body, dict):
        raise ValidationFailed("The request body must be a JSON object", field="body")
    errors: dict[str, list[str]] = {}
    success = body.get("success")
    if not isinstance(success, bool):
        errors["success"] = ['is missing or not a boolean: send "success": true or false']
    number = body.get("providerApplicationVersion")
    if not isinstance(number, str) or not number.strip():
        errors["providerApplicationVersion"] = ["is missing or blank: send the provider version number"]
    elif "\n" in number or len(number) > MAX_NUMBER_LENGTH:
        errors["providerApplicationVersion"] = [
            f"must be a single line of at most {MAX_NUMBER_LENGTH} characters"
        ]
    build_url = body.get("buildUrl")
    try:
        check_http_url(build_url, "buildUrl")
    except ValidationFailed as refused:
        errors.update(refused.errors)
    if errors:
        message = "; ".join(f"{key} {msgs[0]}" for key, msgs in errors.items())
        raise ValidationFailed(message, errors=errors)
    assert isinstance(success, bool)
    assert isinstance(number, str)
    return success, number.strip(), build_url, body.get("testResults"), body.get("verifiedBy")


def _provider_version_id(session: Session, provider_id: int, number: str) -> int:
    found = session.execute(
        select(VERSION.c.id).where(VERSION.c.pacticipant_id == provider_id, VERSION.c.number == number)
    ).scalar_one_or_none()
    if found is not None:
        return int(found)
    stamp = now()
    insert_ignore(
        session,
        VERSION,
        {"pacticipant_id": provider_id, "number": number, "created_at": stamp, "updated_at": stamp},
        ("pacticipant_id", "number"),
    )
    return int(
        session.execute(
            select(VERSION.c.id).where(VERSION.c.pacticipant_id == provider_id, VERSION.c.number == number)
        ).scalar_one()
    )


def version_branch_and_tags(session: Session, version_id: int) -> tuple[str | None, tuple[str, ...]]:
    branch = session.execute(
        select(BRANCH_VERSION.c.branch_name)
        .where(BRANCH_VERSION.c.version_id == version_id)
        .order_by(BRANCH_VERSION.c.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    tags = session.execute(
        select(TAG.c.name).where(TAG.c.version_id == version_id).order_by(TAG.c.id)
    ).scalars()
    return branch, tuple(tags)


def publish_verification(
    session: Session, *, provider: str, consumer: str, sha: str, metadata: PactMetadata, body: Any
) -> VerificationResult:
    pact = find_pact(session, provider=provider, consumer=consumer, sha=sha)
    success, number, build_url, test_results, verified_by = _validate(body)
    provider_version_id = _provider_version_id(session, pact.provider_id, number)
    branch, tags = version_branch_and_tags(session, provider_version_id)
    stamp = now()
    row = Verification(
        pact_version_id=pact.pact_version_id,
        consumer_id=pact.consumer_id,
        provider_id=pact.provider_id,
        provider_version_id=provider_version_id,
        success=success,
        build_url=build_url,
        test_results=test_results,
        verified_by=verified_by,
        provider_version_branch=branch,
        provider_version_tags=list(tags),
        consumer_version_ids=metadata.consumer_version_ids or None,
        wip=metadata.wip,
        pending=metadata.pending,
        execution_date=stamp,
        created_at=stamp,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    _record_latest(session, pact.pact_version_id, provider_version_id, row.id, success)
    result = VerificationResult(
        id=row.id,
        consumer=consumer,
        provider=provider,
        sha=sha,
        provider_version=number,
        provider_version_branch=branch,
        provider_version_tags=tags,
        success=success,
        build_url=build_url,
        test_results=test_results,
        verified_by=verified_by,
        execution_date=stamp,
        wip=metadata.wip,
        pending=metadata.pending,
    )
    _emit_events(session, pact, result, metadata)
    return result


def _record_latest(
    session: Session, pact_version_id: int, provider_version_id: int, verification_id: int, success: bool
) -> None:
    key = (
        LATEST_VERIFICATION.c.pact_version_id == pact_version_id,
        LATEST_VERIFICATION.c.provider_version_id == provider_version_id,
    )
    changed = session.execute(
        update(LatestVerification)
        .where(*key, LATEST_VERIFICATION.c.verification_id < verification_id)
        .values(verification_id=verification_id, success=success)
    )
    if getattr(changed, "rowcount", 0):
        return
    insert_ignore(
        session,
        LATEST_VERIFICATION,
        {
            "pact_version_id": pact_version_id,
            "provider_version_id": provider_version_id,
            "verification_id": verification_id,
            "success": success,
        },
        ("pact_version_id", "provider_version_id"),
    )


def _consumer_versions(session: Session, pact: PactRef, metadata: PactMetadata) -> list[tuple[int, str]]:
    """The consumer versions the verifier was asked about (from the URL metadata), else the latest one
    that published this content."""
    statement = select(VERSION.c.id, VERSION.c.number)
    if metadata.consumer_version_ids:
        rows = session.execute(
            statement.where(
                VERSION.c.id.in_(metadata.consumer_version_ids), VERSION.c.pacticipant_id == pact.consumer_id
            ).order_by(VERSION.c.id)
        ).all()
        if rows:
            return [(r[0], r[1]) for r in rows]
    if metadata.consumer_version_number:
        rows = session.execute(
            statement.where(
                VERSION.c.number == metadata.consumer_version_number,
                VERSION.c.pacticipant_id == pact.consumer_id,
            )
        ).all()
        if rows:
            return [(r[0], r[1]) for r in rows]
    row = session.execute(
        statement.join(PACT_PUBLICATION, PACT_PUBLICATION.c.consumer_version_id == VERSION.c.id)
        .where(PACT_PUBLICATION.c.pact_version_id == pact.pact_version_id)
        .order_by(VERSION.c.id.desc())
        .limit(1)
    ).first()
    return [(row[0], row[1])] if row else []


def _emit_events(session: Session, pact: PactRef, result: VerificationResult, metadata: PactMetadata) -> None:
    outcome = (
        EventName.PROVIDER_VERIFICATION_SUCCEEDED
        if result.success
        else EventName.PROVIDER_VERIFICATION_FAILED
    )
    versions: list[tuple[int | None, str | None]] = list(_consumer_versions(session, pact, metadata))
    for version_id, number in versions or [(None, None)]:
        branch, tags = version_branch_and_tags(session, version_id) if version_id else (None, ())
        for name in (EventName.PROVIDER_VERIFICATION_PUBLISHED, outcome):
            emit(
                session,
                BrokerEvent(
                    name=name,
                    consumer=pact.consumer,
                    provider=pact.provider,
                    pact_version_sha=pact.sha,
                    consumer_version=number,
                    consumer_version_branch=branch,
                    consumer_version_tags=tags,
                    provider_version=result.provider_version,
                    provider_version_branch=result.provider_version_branch,
                    provider_version_tags=result.provider_version_tags,
                    verification_id=result.id,
                    verification_success=result.success,
                    extra={"build_url": result.build_url} if result.build_url else {},
                ),
            )


def _result_from_row(
    session: Session, row: Any, consumer: str, provider: str, sha: str
) -> VerificationResult:
    number = session.execute(
        select(VERSION.c.number).where(VERSION.c.id == row.provider_version_id)
    ).scalar_one()
    return VerificationResult(
        id=row.id,
        consumer=consumer,
        provider=provider,
        sha=sha,
        provider_version=number,
        provider_version_branch=row.provider_version_branch,
        provider_version_tags=tuple(row.provider_version_tags or ()),
        success=row.success,
        build_url=row.build_url,
        test_results=row.test_results,
        verified_by=row.verified_by,
        execution_date=row.execution_date,
        wip=row.wip,
        pending=row.pending,
    )


def get_verification(
    session: Session, *, provider: str, consumer: str, sha: str, number: str
) -> VerificationResult:
    pact = find_pact(session, provider=provider, consumer=consumer, sha=sha)
    statement = select(VERIFICATION).where(VERIFICATION.c.pact_version_id == pact.pact_version_id)
    if number == "latest":
        statement = statement.order_by(VERIFICATION.c.id.desc()).limit(1)
    elif number.isdigit() and int(number) <= MAX_ID:
        statement = statement.where(VERIFICATION.c.id == int(number))
    else:
        raise NotFound(f"No verification result '{number}': use a result number or 'latest'", field="number")
    row = session.execute(statement).first()
    if row is None:
        raise NotFound(
            f"No verification result {number} for the pact between {consumer} and {provider} ({sha})",
            field="number",
        )
    return _result_from_row(session, row, consumer, provider, sha)


@dataclass(frozen=True)
class ConsumerVersionSummary:
    consumer: str
    version: str
    results: list[tuple[str, VerificationResult | None]]  # (provider, its latest result)

    @property
    def success(self) -> bool:
        return bool(self.results) and all(result is not None and result.success for _, result in self.results)


def latest_for_consumer_version(session: Session, *, consumer: str, version: str) -> ConsumerVersionSummary:
    """The newest verification result of each pact of a consumer version (``None``: not verified yet)."""
    consumer_p = PACTICIPANT.alias("consumer")
    provider_p = PACTICIPANT.alias("provider")
    pacts = session.execute(
        select(provider_p.c.name, PACT_VERSION.c.id, PACT_VERSION.c.sha)
        .select_from(PACT_PUBLICATION)
        .join(VERSION, VERSION.c.id == PACT_PUBLICATION.c.consumer_version_id)
        .join(consumer_p, consumer_p.c.id == VERSION.c.pacticipant_id)
        .join(provider_p, provider_p.c.id == PACT_PUBLICATION.c.provider_id)
        .join(PACT_VERSION, PACT_VERSION.c.id == PACT_PUBLICATION.c.pact_version_id)
        .where(consumer_p.c.name == consumer, VERSION.c.number == version)
        .order_by(provider_p.c.name)
    ).all()
    if not pacts:
        exists = session.execute(
            select(VERSION.c.id)
            .join(PACTICIPANT, PACTICIPANT.c.id == VERSION.c.pacticipant_id)
            .where(PACTICIPANT.c.name == consumer, VERSION.c.number == version)
        ).first()
        if exists is None:
            raise NotFound(f"No version {version} of pacticipant '{consumer}' found", field="version")
    results: list[tuple[str, VerificationResult | None]] = []
    for provider, pact_version_id, sha in pacts:
        row = session.execute(
            select(VERIFICATION)
            .where(VERIFICATION.c.pact_version_id == pact_version_id)
            .order_by(VERIFICATION.c.id.desc())
            .limit(1)
        ).first()
        results.append((provider, _result_from_row(session, row, consumer, provider, sha) if row else None))
    return ConsumerVersionSummary(consumer, version, results)
