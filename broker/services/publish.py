"""Publishing pacts: ``POST /contracts/publish`` and the legacy ``PUT /pacts/.../version/{v}``.

Everything of one request happens in one transaction: pacticipants, the version with its branch and
tags, each pact (content de-duplicated per consumer/provider by its sha), the integration rows, and
the events webhooks subscribe to. Re-publishing *different* content for a consumer version that
already has a pact for that provider - by overwriting (``PUT``, re-publish) or by merging new
interactions into it (``PATCH``, ``onConflict: merge``) - is refused (409) unless
``allow_dangerous_contract_modification`` is set, in which case the publication gets a new revision.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import CompoundSelect, bindparam, literal, union_all, update
from sqlmodel import Session, col, select

from broker.clock import now
from broker.db import insert_ignore
from broker.errors import Conflict, ValidationFailed
from broker.events import BrokerEvent, EventName, emit
from broker.hal import Urls
from broker.services.content_changes import content_changed
from broker.services.contract_checks import has_provider_contract, note_without_contracts
from broker.services.names import check_name
from broker.services.pact_content import PactDocument, parse_pact_document
from broker.services.pact_merge import merge_documents, modification_conflict
from broker.services.pacticipant_names import check_pacticipant_name, skeleton
from broker.services.pacticipants import ensure_pacticipant
from broker.services.publish_rows import (
    ensure_version_on_branch,
    ensure_version_row,
    find_pact_version,
    insert_pact_version,
    publish_known_content,
)
from broker.services.url_fields import check_http_url
from broker.services.versions import ensure_tag, ensure_version
from broker.services.webhook_events import any_enabled_webhook, note_no_webhooks, webhook_notices
from broker.tables.core import (
    BranchVersion,
    Integration,
    Pacticipant,
    PactPublication,
    PactVersion,
    Tag,
    Version,
)

Status = Literal["created", "unchanged", "overwritten", "merged"]


class ContractIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    consumer_name: str = Field(alias="consumerName", description="Must equal pacticipantName.")
    provider_name: str = Field(alias="providerName")
    specification: str = Field(description='Only "pact" is accepted.')
    content_type: str = Field(alias="contentType", description='Only "application/json" is accepted.')
    content: str = Field(description="Base64 of the pact JSON.")
    on_conflict: Literal["overwrite", "merge"] = Field("overwrite", alias="onConflict")


class PublishContractsIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    pacticipant_name: str = Field(alias="pacticipantName")
    pacticipant_version_number: str = Field(alias="pacticipantVersionNumber")
    branch: str | None = None
    tags: list[str] = Field(default_factory=list)
    build_url: str | None = Field(None, alias="buildUrl")
    contracts: list[ContractIn]


@dataclass(frozen=True)
class Notice:
    type: str
    text: str


@dataclass
class PublishedPact:
    consumer: str
    provider: str
    consumer_version: str
    sha: str
    status: Status
    events: list[tuple[EventName, str]] = field(default_factory=list)


@dataclass
class PublishOutcome:
    pacticipant: str
    version: str
    version_created: bool
    branch: str | None
    tags: list[str]
    pacts: list[PublishedPact]
    notices: list[Notice]


# ------------------------------------------------------------------------------------------ request


def _decode_contracts(request: PublishContractsIn) -> list[tuple[ContractIn, PactDocument]]:
    check_pacticipant_name(request.pacticipant_name, "pacticipantName")
    check_name(request.pacticipant_version_number, "pacticipantVersionNumber", what="version number")
    if request.branch is not None:
        check_name(request.branch, "branch", what="branch name")
    for index, tag in enumerate(request.tags):
        check_name(tag, f"tags[{index}]", what="tag name")
    check_http_url(request.build_url, "buildUrl")
    if not request.contracts:
        raise ValidationFailed("contracts must contain at least one contract.", field="contracts")
    decoded = []
    for index, contract in enumerate(request.contracts):
        where = f"contracts[{index}]"
        if contract.consumer_name != request.pacticipant_name:
            raise ValidationFailed(
                f"consumerName ({contract.consumer_name!r}) must match pacticipantName ({request.pacticipant_name!r}).",
                field=f"{where}.consumerName",
            )
        if contract.specification != "pact":
            raise ValidationFailed(
                f'specification {contract.specification!r} is not supported: only "pact" can be published here.',
                field=f"{where}.specification",
            )
        if contract.content_type.split(";")[0].strip().lower() != "application/json":
            raise ValidationFailed(
                f'contentType {contract.content_type!r} is not supported: use "application/json".',
                field=f"{where}.contentType",
            )
        try:
            raw = base64.b64decode(contract.content, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed("content is not valid base64.", field=f"{where}.content") from None
        document = parse_pact_document(raw, field=f"{where}.content")
        if document.consumer != contract.consumer_name:
            raise ValidationFailed(
                f"The consumer name in the pact content ({document.consumer!r}) does not match consumerName ({contract.consumer_name!r}).",
                field=f"{where}.content",
            )
        if document.provider != contract.provider_name:
            raise ValidationFailed(
                f"The provider name in the pact content ({document.provider!r}) does not match providerName ({contract.provider_name!r}).",
                field=f"{where}.content",
            )
        check_pacticipant_name(contract.provider_name, f"{where}.providerName", what="provider name")
        decoded.append((contract, document))
    return decoded


# ------------------------------------------------------------------------------------------ publish


# with what the event subscribers would otherwise ask per pact: whether each has a provider contract
# (the pact-vs-contract check) and whether any webhook is enabled (the webhook outbox)
_PACTICIPANTS_NAMED = select(
    Pacticipant, has_provider_contract(col(Pacticipant.id)), any_enabled_webhook()
).where(col(Pacticipant.name).in_(bindparam("names", expanding=True)))


def publish_contracts(
    session: Session,
    urls: Urls,
    request: PublishContractsIn,
    *,
    allow_modification: bool,
    check_duplicate_names: bool = True,
) -> PublishOutcome:
    contracts = _decode_contracts(request)
    # create pacticipants in name order so concurrent publishers take row locks in the same order
    names = sorted({request.pacticipant_name, *(c.provider_name for c, _ in contracts)})
    # one round trip in the common case (every pacticipant exists); new names are checked and created
    rows = session.execute(_PACTICIPANTS_NAMED, {"names": names}).all()
    pacticipants = {p.name: p for p, _, _ in rows}
    note_without_contracts(session, [p.name for p, has_contract, _ in rows if not has_contract])
    if rows and not rows[0][2]:
        note_no_webhooks(session)
    missing = [name for name in names if name not in pacticipants]
    if missing and check_duplicate_names:
        _refuse_potential_duplicates(session, missing)
    for name in missing:
        pacticipants[name] = ensure_pacticipant(session, name)[0]
    consumer = pacticipants[request.pacticipant_name]
    version, created = ensure_version_row(
        session,
        consumer,
        request.pacticipant_version_number,
        build_url=request.build_url,
        field="pacticipantVersionNumber",
    )
    if request.build_url is not None and version.build_url != request.build_url:
        version.build_url = request.build_url
        version.updated_at = now()
        session.add(version)
        session.flush()
    notices: list[Notice] = []
    had_main_branch = consumer.main_branch is not None
    if request.branch:
        ensure_version_on_branch(session, consumer, version, request.branch)  # may set the main branch
    tags = list(dict.fromkeys(request.tags))
    for tag in tags:  # in the given order: the first may become the branch
        ensure_tag(session, version, tag)
    # a version created just now carries exactly the branch and tag given (with one tag at most, their
    # order needs no database collation); otherwise read them once for all the pacts' events
    labels = _labels_of_new_version(request.branch, tags) if created else None
    main_branch_set = not had_main_branch and consumer.main_branch is not None
    notices.append(
        Notice(
            "success", _version_notice(consumer.name, version.number, created, request.branch, request.tags)
        )
    )
    if main_branch_set:
        notices.append(Notice("info", f"Set the main branch of {consumer.name} to {consumer.main_branch}."))
    published: list[PublishedPact] = []
    for contract, document in sorted(contracts, key=lambda item: item[1].provider):
        result = publish_pact(
            session,
            consumer,
            version,
            pacticipants[contract.provider_name],
            document,
            on_conflict=contract.on_conflict,
            allow_modification=allow_modification,
            branch=request.branch,
            new_version=created,
            labels=labels,
        )
        if labels is None:
            labels = _version_labels(session, version)
        published.append(result)
        notices.extend(_pact_notices(urls, result))
    if not request.branch:
        notices.append(
            Notice(
                "warning",
                "No branch was given for this version. Publish with --branch (e.g. the git branch) so that "
                "consumer version selectors like mainBranch and matchingBranch can find these pacts.",
            )
        )
    notices.extend(Notice(kind, text) for kind, text in webhook_notices(session, urls))
    notices.append(
        Notice(
            "prompt",
            "Next steps:\n  * Configure each provider's verification build to fetch pacts for verification "
            "and publish its results, then use can-i-deploy before deploying.",
        )
    )
    return PublishOutcome(
        pacticipant=consumer.name,
        version=version.number,
        version_created=created,
        branch=request.branch,
        tags=list(request.tags),
        pacts=published,
        notices=notices,
    )


def _refuse_potential_duplicates(session: Session, names: Sequence[str]) -> None:
    """A new name that differs from an existing pacticipant only by case, punctuation, width or
    look-alike letters (the same :func:`skeleton`) is most likely
    a typo that would split one application's history in two (the Ruby broker's check)."""
    existing = list(session.exec(select(Pacticipant.name)).all())
    known = set(existing)
    for name in names:
        if name in known:
            continue
        similar = [other for other in existing if skeleton(other) == skeleton(name)]
        if similar:
            text = (
                f'This is the first time a pact has been published for "{name}". The name "{name}" is very '
                f"similar to the following existing pacticipants: {', '.join(similar)}. If you meant one of them, "
                "correct the name and publish again; otherwise create the pacticipant first "
                "(pact broker create-or-update-pacticipant) or set "
                "TETHER_CHECK_FOR_POTENTIAL_DUPLICATE_PACTICIPANT_NAMES=false on the broker."
            )
            raise Conflict(text, field="pacticipantName", notices=[{"type": "error", "text": text}])


def _version_notice(name: str, number: str, created: bool, branch: str | None, tags: Sequence[str]) -> str:
    text = f"{'Created' if created else 'Updated'} {name} version {number}"
    extras = []
    if branch:
        extras.append(f"branch {branch}")
    if tags:
        extras.append(f"tags {', '.join(tags)}")
    return text + (" with " + " and ".join(extras) if extras else "")


def _pact_notices(urls: Urls, result: PublishedPact) -> list[Notice]:
    subject = f"{result.consumer} version {result.consumer_version} and provider {result.provider}"
    texts = {
        "created": ("success", f"Pact published for {subject}."),
        "unchanged": ("success", f"Pact successfully republished for {subject} with no content changes."),
        "overwritten": (
            "warning",
            f"Pact published for {subject}. The content of an existing pact was replaced (allow_dangerous_contract_modification is on).",
        ),
        "merged": ("success", f"Pact merged into the existing pact for {subject}."),
    }
    kind, text = texts[result.status]
    notices = [Notice(kind, text)]
    href = urls.pact_for_version(result.provider, result.consumer, result.consumer_version)
    notices.append(Notice("info", f"View the published pact at {href}"))
    events = ", ".join(f"{name.value} ({reason})" if reason else name.value for name, reason in result.events)
    notices.append(Notice("debug", f"Events detected: {events}"))
    return notices


def publish_pact(
    session: Session,
    consumer: Pacticipant,
    version: Version,
    provider: Pacticipant,
    document: PactDocument,
    *,
    on_conflict: str = "overwrite",
    allow_modification: bool = False,
    branch: str | None = None,
    new_version: bool = False,
    labels: Labels | None = None,
) -> PublishedPact:
    """``new_version``: the version was created in this transaction (so it has no publication yet);
    ``labels``: its (branches, tags) when the caller knows them."""
    if new_version and publish_known_content(session, consumer, provider, version, document.sha) is not None:
        status: Status = "created"  # content the broker holds, published in one statement
        sha, new_content = document.sha, False
    else:
        status, sha, new_content = _write_publication(
            session,
            consumer,
            version,
            provider,
            document,
            on_conflict=on_conflict,
            allow_modification=allow_modification,
            new_version=new_version,
        )
    _touch_integration(
        session, consumer, provider, changed=new_content or status in ("overwritten", "merged")
    )
    result = PublishedPact(consumer.name, provider.name, version.number, sha, status)
    if labels is None:
        labels = _version_labels(session, version)
    _emit_events(session, result, version, provider.id, new_content, branch, labels)
    return result


def _write_publication(
    session: Session,
    consumer: Pacticipant,
    version: Version,
    provider: Pacticipant,
    document: PactDocument,
    *,
    on_conflict: str,
    allow_modification: bool,
    new_version: bool,
) -> tuple[Status, str, bool]:
    """The general path: (status, sha, new content) of the version's pact for the provider, whether it
    is new, the same content again, a refused or allowed modification, or a merge."""
    existing = None if new_version else _publication(session, version, provider)
    status: Status = "created"
    previous: PactVersion | None = None
    if existing is not None:
        previous = session.get(PactVersion, existing.pact_version_id)
        if on_conflict == "merge" and previous is not None and previous.sha != document.sha:
            document = merge_documents(
                previous.content, document, consumer.name, version.number, provider.name
            )
            status = "merged"
    pact_version, new_content = _ensure_pact_version(session, consumer, provider, document)
    if existing is None:
        stamp = now()
        inserted = insert_ignore(
            session,
            PactPublication,
            {
                "consumer_id": consumer.id,
                "provider_id": provider.id,
                "consumer_version_id": version.id,
                "pact_version_id": pact_version.id,
                "revision_number": 1,
                "created_at": stamp,
                "updated_at": stamp,
            },
            ("consumer_version_id", "provider_id"),
        )
        if not inserted:  # a concurrent publisher of the same version won the race: compare with theirs
            existing = _publication(session, version, provider)
            assert existing is not None
            previous = session.get(PactVersion, existing.pact_version_id)
    if existing is not None and previous is not None:
        if previous.id == pact_version.id:
            status = "unchanged"
        else:
            if not allow_modification:  # a merge changes the published content as much as a PUT does
                raise modification_conflict(
                    consumer.name, version.number, provider.name, previous, pact_version
                )
            if status != "merged":
                status = "overwritten"
            existing.pact_version_id = pact_version.id  # type: ignore[assignment]
            existing.revision_number += 1
            existing.updated_at = now()
            session.add(existing)
            session.flush()
    return status, pact_version.sha, new_content


def _publication(session: Session, version: Version, provider: Pacticipant) -> PactPublication | None:
    return session.exec(
        select(PactPublication).where(
            col(PactPublication.consumer_version_id) == version.id,
            col(PactPublication.provider_id) == provider.id,
        )
    ).first()


def _ensure_pact_version(
    session: Session, consumer: Pacticipant, provider: Pacticipant, document: PactDocument
) -> tuple[PactVersion, bool]:
    found = find_pact_version(session, consumer, provider, document.sha)
    if found is not None:
        return found, False
    inserted = insert_pact_version(session, consumer, provider, document.sha, document.text)
    if inserted is not None:
        return inserted, True
    found = find_pact_version(session, consumer, provider, document.sha)  # a concurrent publisher's
    assert found is not None
    return found, False


def _touch_integration(
    session: Session, consumer: Pacticipant, provider: Pacticipant, *, changed: bool
) -> None:
    """One row per pair; ``contract_data_updated_at`` moves only when the content changed (so concurrent
    publishers of unchanged content never contend for the row)."""
    stamp = now()
    inserted = insert_ignore(
        session,
        Integration,
        {
            "consumer_id": consumer.id,
            "provider_id": provider.id,
            "created_at": stamp,
            "contract_data_updated_at": stamp,
        },
        ("consumer_id", "provider_id"),
    )
    if changed and not inserted:
        session.execute(
            update(Integration)
            .where(col(Integration.consumer_id) == consumer.id, col(Integration.provider_id) == provider.id)
            .values(contract_data_updated_at=stamp)
        )


# ------------------------------------------------------------------------------------------ events


Labels = tuple[list[str], tuple[str, ...]]
"""A version's branches (in the order it joined them) and tags (by name)."""


def _labels_of_new_version(branch: str | None, tags: Sequence[str]) -> Labels | None:
    if len(tags) > 1 or (tags and not branch):  # tag order by collation; a first tag may become the branch
        return None
    return ([branch] if branch else []), tuple(tags)


def _version_labels(session: Session, version: Version) -> Labels:
    """The version's branches and tags in one round trip."""
    labels: CompoundSelect[tuple[str, str, int]] = union_all(
        select(
            literal("branch").label("kind"),
            col(BranchVersion.branch_name).label("name"),
            col(BranchVersion.id).label("position"),
        ).where(col(BranchVersion.version_id) == version.id),
        select(literal("tag").label("kind"), col(Tag.name).label("name"), literal(0).label("position")).where(
            col(Tag.version_id) == version.id
        ),
    )
    rows = session.execute(
        labels.order_by(
            labels.selected_columns.kind, labels.selected_columns.position, labels.selected_columns.name
        )
    ).all()
    return [name for kind, name, _ in rows if kind == "branch"], tuple(
        name for kind, name, _ in rows if kind == "tag"
    )


def _emit_events(
    session: Session,
    result: PublishedPact,
    version: Version,
    provider_id: int | None,
    new_content: bool,
    branch: str | None,
    labels: Labels,
) -> None:
    branches, all_tags = labels
    events: list[tuple[EventName, str]] = [(EventName.CONTRACT_PUBLISHED, "")]
    changed, reason = content_changed(session, result.status, result.sha, version, provider_id, all_tags)
    if result.status in ("overwritten", "merged"):
        changed, reason = True, "pact content modified for an existing consumer version"
    if changed:
        events.append((EventName.CONTRACT_CONTENT_CHANGED, reason))
    if new_content:
        events.append((EventName.CONTRACT_REQUIRING_VERIFICATION_PUBLISHED, "new pact content"))
    result.events = events
    for name, why in events:
        emit(
            session,
            BrokerEvent(
                name=name,
                consumer=result.consumer,
                provider=result.provider,
                pact_version_sha=result.sha,
                consumer_version=result.consumer_version,
                consumer_version_branch=branch or (branches[-1] if branches else None),
                consumer_version_tags=all_tags,
                extra={"reason": why, "status": result.status},
            ),
        )


# ------------------------------------------------------------------------------------------ legacy


def publish_pact_legacy(
    session: Session,
    provider_name: str,
    consumer_name: str,
    number: str,
    raw: bytes,
    *,
    merge: bool = False,
    allow_modification: bool = False,
    parsed: object = None,
) -> tuple[PublishedPact, bool]:
    """``PUT`` (overwrite) / ``PATCH`` (merge) ``/pacts/provider/{p}/consumer/{c}/version/{v}``.
    Returns (result, created). ``parsed``: the body's value when the request middleware parsed it."""
    if not raw.strip():
        raise ValidationFailed("The request body must be the pact JSON.", field="body")
    document = parse_pact_document(raw, parsed=parsed)
    if document.consumer != consumer_name:
        raise ValidationFailed(
            f"The consumer name in the pact ({document.consumer!r}) does not match the consumer in the URL ({consumer_name!r}).",
            field="consumer.name",
        )
    if document.provider != provider_name:
        raise ValidationFailed(
            f"The provider name in the pact ({document.provider!r}) does not match the provider in the URL ({provider_name!r}).",
            field="provider.name",
        )
    check_name(number, "version", what="version number")
    names = sorted({consumer_name, provider_name})
    pacticipants = {name: ensure_pacticipant(session, name)[0] for name in names}
    consumer, provider = pacticipants[consumer_name], pacticipants[provider_name]
    version, _ = ensure_version(session, consumer, number)
    result = publish_pact(
        session,
        consumer,
        version,
        provider,
        document,
        on_conflict="merge" if merge else "overwrite",
        allow_modification=allow_modification,
    )
    return result, result.status == "created"
