"""Bi-directional contract testing: provider contracts (OpenAPI specs with a self-verification
result), and reading their cross-check results.

* ``publish_provider_contract`` is PactFlow's ``POST /provider-contracts/provider/{p}/publish``:
  provider version (+ branch, tags, build URL), the spec and its self-verification result. It queues
  a check of every relevant consumer pact (``broker.services.contract_checks``).
* ``cross_check_results_for`` is what the matrix / can-i-deploy reads (one row per pact version x
  provider version, with the combined verdict: self-verification passed and no cross-check errors).
* ``read_checks`` serves the API, computing checks still pending first.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from broker.clock import now
from broker.db import Database
from broker.errors import NotFound, ValidationFailed
from broker.services.contract_checks import (
    SPEC_CONTENT_TYPES,
    compute_pending,
    ensure_check,
    parse_document,
    queue_checks,
    relevant_pacts,
)
from broker.services.names import check_name
from broker.services.pacticipants import ensure_pacticipant, get_pacticipant, set_main_branch_if_unset
from broker.services.url_fields import check_http_url
from broker.services.versions import ensure_branch_version, ensure_tag, ensure_version
from broker.tables.core import BranchVersion, Pacticipant, PactPublication, PactVersion, Tag, Version
from broker.tables.provider_contracts import ProviderContract, ProviderContractCheck

# --------------------------------------------------------------------------- publishing


@dataclass(frozen=True)
class SelfVerification:
    success: bool | None
    content: str | None
    content_type: str | None
    format: str | None
    verifier: str | None
    verifier_version: str | None


@dataclass(frozen=True)
class ContractUpload:
    version: str
    branch: str | None
    tags: tuple[str, ...]
    build_url: str | None
    specification: str
    content_type: str
    content: str
    document: dict[str, Any]
    self_verification: SelfVerification


@dataclass(frozen=True)
class PublishedContract:
    provider: str
    version: str
    branch: str | None
    tags: tuple[str, ...]
    contract: ProviderContract
    queued_checks: int
    replaced: bool
    unchanged: bool


def _decode_base64(value: Any, field_name: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValidationFailed(f"{field_name} must be a non-empty base64 string", field=field_name)
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(f"{field_name} is not valid base64", field=field_name) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed(f"{field_name} does not decode to UTF-8 text", field=field_name) from None


def _optional_str(body: Mapping[str, Any], key: str, field_name: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationFailed(f"{field_name} must be a string", field=field_name)
    if "\x00" in value:
        raise ValidationFailed(f"{field_name} must not contain NUL characters", field=field_name)
    return value


def parse_upload(body: Any, *, version: str | None = None, legacy: bool = False) -> ContractUpload:
    if not isinstance(body, Mapping):
        raise ValidationFailed("the request body must be a JSON object", field="body")
    if legacy:
        contract: Mapping[str, Any] = body
        spec_key, results_key = "contractType", "verificationResults"
    else:
        version = body.get("pacticipantVersionNumber")
        raw_contract = body.get("contract")
        if not isinstance(raw_contract, Mapping):
            raise ValidationFailed(
                "contract is required: {content (base64), contentType, specification: 'oas', "
                "selfVerificationResults}",
                field="contract",
            )
        contract = raw_contract
        spec_key, results_key = "specification", "selfVerificationResults"
    version_field = "pacticipantVersionNumber" if not legacy else "version"
    number = check_name(version, version_field, what="provider version number")
    branch = None if legacy else _optional_str(body, "branch", "branch")
    if branch is not None:
        check_name(branch, "branch", what="branch name")
    tags_raw = [] if legacy else body.get("tags") or []
    if not isinstance(tags_raw, list):
        raise ValidationFailed("tags must be a list of strings", field="tags")
    tags = tuple(check_name(tag, "tags", what="tag name") for tag in tags_raw)
    build_url = None if legacy else check_http_url(_optional_str(body, "buildUrl", "buildUrl"), "buildUrl")
    specification = contract.get(spec_key) or "oas"
    if specification != "oas":
        raise ValidationFailed(
            f"{'contract.' if not legacy else ''}{spec_key} {specification!r} is not supported; use 'oas' (OpenAPI)",
            field=spec_key,
        )
    content_type = contract.get("contentType") or "application/yaml"
    if (
        not isinstance(content_type, str)
        or content_type.split(";")[0].strip().lower() not in SPEC_CONTENT_TYPES
    ):
        raise ValidationFailed(
            f"contentType {content_type!r} is not supported; use application/yaml or application/json",
            field="contract.contentType",
        )
    prefix = "contract." if not legacy else ""
    text = _decode_base64(contract.get("content"), f"{prefix}content")
    document = parse_document(text, content_type, f"{prefix}content")
    results = contract.get(results_key)
    if results is not None and not isinstance(results, Mapping):
        raise ValidationFailed(f"{prefix}{results_key} must be an object", field=f"{prefix}{results_key}")
    results = results or {}
    success = results.get("success")
    if success is not None and not isinstance(success, bool):
        raise ValidationFailed(f"{prefix}{results_key}.success must be true or false", field=results_key)
    report = results.get("content")
    report_text = _decode_base64(report, f"{prefix}{results_key}.content") if report else None
    return ContractUpload(
        version=number,
        branch=branch,
        tags=tags,
        build_url=build_url,
        specification="oas",
        content_type=content_type,
        content=text,
        document=document,
        self_verification=SelfVerification(
            success=success,
            content=report_text,
            content_type=_optional_str(results, "contentType", f"{results_key}.contentType"),
            format=_optional_str(results, "format", f"{results_key}.format"),
            verifier=_optional_str(results, "verifier", f"{results_key}.verifier"),
            verifier_version=_optional_str(results, "verifierVersion", f"{results_key}.verifierVersion"),
        ),
    )


def publish_provider_contract(
    session: Session, provider_name: str, body: Any, *, version: str | None = None, legacy: bool = False
) -> PublishedContract:
    upload = parse_upload(body, version=version, legacy=legacy)
    provider, _ = ensure_pacticipant(session, provider_name, field="provider")
    provider_version, _ = ensure_version(session, provider, upload.version, field="pacticipantVersionNumber")
    if upload.build_url is not None and provider_version.build_url != upload.build_url:
        provider_version.build_url = upload.build_url
        provider_version.updated_at = now()
        session.add(provider_version)
    if upload.branch:
        ensure_branch_version(session, provider, provider_version, upload.branch)
        set_main_branch_if_unset(session, provider, upload.branch)
    for tag in upload.tags:
        ensure_tag(session, provider_version, tag, field="tags")
    assert provider.id is not None
    assert provider_version.id is not None
    sha = hashlib.sha256(upload.content.encode()).hexdigest()
    contract = session.execute(
        select(ProviderContract).where(col(ProviderContract.provider_version_id) == provider_version.id)
    ).scalar()
    replaced = contract is not None
    unchanged = contract is not None and contract.content_sha == sha
    verification = upload.self_verification
    if contract is None:
        contract = ProviderContract(
            provider_id=provider.id,
            provider_version_id=provider_version.id,
            content_type=upload.content_type,
            content=upload.content,
            content_sha=sha,
        )
    contract.specification = upload.specification
    contract.content_type = upload.content_type
    contract.content = upload.content
    contract.content_sha = sha
    contract.self_verification_success = verification.success
    contract.self_verification_content = verification.content
    contract.self_verification_content_type = verification.content_type
    contract.self_verification_format = verification.format
    contract.verifier = verification.verifier
    contract.verifier_version = verification.verifier_version
    contract.build_url = upload.build_url
    contract.updated_at = now()
    session.add(contract)
    session.flush()
    assert contract.id is not None
    if replaced and not unchanged:
        session.execute(
            delete(ProviderContractCheck).where(
                col(ProviderContractCheck.provider_contract_id) == contract.id
            )
        )
    queued = queue_checks(
        session,
        [(contract, pv_id, consumer_id) for pv_id, consumer_id in relevant_pacts(session, provider.id)],
    )
    return PublishedContract(
        provider_name, upload.version, upload.branch, upload.tags, contract, queued, replaced, unchanged
    )


# --------------------------------------------------------------------------- reading (matrix, API)


@dataclass(frozen=True)
class CrossCheckRow:
    """One BDCT result for the matrix: pact version x provider version, with the combined verdict."""

    check_id: int
    pact_version_id: int
    provider_version_id: int
    provider_contract_id: int
    consumer_id: int
    provider_id: int
    status: str
    cross_check_success: bool | None
    self_verification_success: bool | None
    checked_at: datetime | None
    provider_version: str = ""
    """The provider version number (filled by ``cross_check_results_for``)."""

    @property
    def success(self) -> bool | None:
        """``True`` when the spec self-verified and the pact fits it, ``False`` when either failed,
        ``None`` while unknown (not checked yet, no checker, or no self-verification result)."""
        if self.cross_check_success is False or self.self_verification_success is False:
            return False
        if self.cross_check_success is True and self.self_verification_success is True:
            return True
        return None

    @property
    def failure_reason(self) -> str | None:
        """Why the provider contract fails this pact, in the words can-i-deploy, the dashboard and the
        provider contract page all use; ``None`` when nothing failed (yet)."""
        causes = []
        if self.self_verification_success is False:
            causes.append("the provider contract's self-verification failed")
        if self.cross_check_success is False:
            causes.append(
                "the pact is not compatible with the provider contract (OpenAPI cross-check failed)"
            )
        return "; ".join(causes) or None


def cross_check_results_for(
    session: Session, pact_version_ids: Sequence[int], provider_version_ids: Sequence[int] | None = None
) -> list[CrossCheckRow]:
    """BDCT results for the matrix: every check of these pact versions (optionally only against these
    provider versions). Pending checks come back with ``success is None`` (unknown)."""
    if not pact_version_ids:
        return []
    query = (
        select(ProviderContractCheck, col(ProviderContract.self_verification_success), col(Version.number))
        .join(ProviderContract, col(ProviderContract.id) == col(ProviderContractCheck.provider_contract_id))
        .join(Version, col(Version.id) == col(ProviderContractCheck.provider_version_id))
        .where(col(ProviderContractCheck.pact_version_id).in_(list(pact_version_ids)))
        .order_by(col(ProviderContractCheck.id))
    )
    if provider_version_ids is not None:
        query = query.where(col(ProviderContractCheck.provider_version_id).in_(list(provider_version_ids)))
    return [_row(check, self_ok, number) for check, self_ok, number in session.execute(query).all()]


def _row(check: ProviderContractCheck, self_ok: bool | None, provider_version: str = "") -> CrossCheckRow:
    assert check.id is not None
    return CrossCheckRow(
        check_id=check.id,
        pact_version_id=check.pact_version_id,
        provider_version_id=check.provider_version_id,
        provider_contract_id=check.provider_contract_id,
        consumer_id=check.consumer_id,
        provider_id=check.provider_id,
        status=check.status,
        cross_check_success=check.success,
        self_verification_success=self_ok,
        checked_at=check.checked_at,
        provider_version=provider_version,
    )


@dataclass(frozen=True)
class ContractView:
    provider: str
    version: str
    branches: tuple[str, ...]
    tags: tuple[str, ...]
    contract: ProviderContract


@dataclass(frozen=True)
class CheckView:
    check: ProviderContractCheck
    consumer: str
    consumer_versions: tuple[str, ...]
    pact_version_sha: str
    self_verification_success: bool | None
    row: CrossCheckRow


def _version(session: Session, pacticipant: str, number: str) -> tuple[Pacticipant, Version]:
    owner = get_pacticipant(session, pacticipant)
    version = session.execute(
        select(Version).where(col(Version.pacticipant_id) == owner.id, col(Version.number) == number)
    ).scalar()
    if version is None:
        raise NotFound(f"No version {number!r} of {pacticipant!r}", field="version")
    return owner, version


def get_contract(session: Session, provider: str, number: str) -> ContractView:
    owner, version = _version(session, provider, number)
    contract = session.execute(
        select(ProviderContract).where(col(ProviderContract.provider_version_id) == version.id)
    ).scalar()
    if contract is None:
        raise NotFound(f"{provider} version {number} has no provider contract", field="version")
    branches = tuple(
        session.execute(
            select(col(BranchVersion.branch_name))
            .where(col(BranchVersion.version_id) == version.id)
            .order_by(col(BranchVersion.id))
        ).scalars()
    )
    tags = tuple(
        session.execute(
            select(col(Tag.name)).where(col(Tag.version_id) == version.id).order_by(col(Tag.id))
        ).scalars()
    )
    return ContractView(owner.name, version.number, branches, tags, contract)


def contract_check_ids(
    session: Session, provider: str, number: str, consumer: str | None = None, sha: str | None = None
) -> list[int]:
    view = get_contract(session, provider, number)
    query = (
        select(col(ProviderContractCheck.id))
        .join(PactVersion, col(PactVersion.id) == col(ProviderContractCheck.pact_version_id))
        .join(Pacticipant, col(Pacticipant.id) == col(PactVersion.consumer_id))
        .where(col(ProviderContractCheck.provider_contract_id) == view.contract.id)
    )
    if consumer is not None:
        query = query.where(col(Pacticipant.name) == consumer)
    if sha is not None:
        query = query.where(col(PactVersion.sha) == sha)
    return [int(i) for i in session.execute(query).scalars()]


def read_checks(
    db: Database, provider: str, number: str, *, consumer: str | None = None, sha: str | None = None
) -> tuple[ContractView, list[CheckView]]:
    """The contract and its cross-checks (optionally for one consumer / pact version), computing any
    still pending first. Asking for a pact version not yet checked against this contract queues it."""

    def ensure(session: Session) -> list[int]:
        if sha is not None and consumer is not None:
            view = get_contract(session, provider, number)
            pact_version_id = session.execute(
                select(col(PactVersion.id))
                .join(Pacticipant, col(Pacticipant.id) == col(PactVersion.consumer_id))
                .where(
                    col(PactVersion.sha) == sha,
                    col(Pacticipant.name) == consumer,
                    col(PactVersion.provider_id) == view.contract.provider_id,
                )
            ).scalar()
            if pact_version_id is None:
                raise NotFound(f"No pact version {sha!r} between {consumer!r} and {provider!r}", field="pact")
            ensure_check(session, int(pact_version_id), view.contract.provider_version_id)
        return contract_check_ids(session, provider, number, consumer, sha)

    ids = db.write(ensure)
    compute_pending(db, ids)
    return db.read(lambda s: _check_views(s, provider, number, ids))


def _check_views(
    session: Session, provider: str, number: str, ids: Sequence[int]
) -> tuple[ContractView, list[CheckView]]:
    view = get_contract(session, provider, number)
    if not ids:
        return view, []
    rows = session.execute(
        select(ProviderContractCheck, col(Pacticipant.name), col(PactVersion.sha))
        .join(PactVersion, col(PactVersion.id) == col(ProviderContractCheck.pact_version_id))
        .join(Pacticipant, col(Pacticipant.id) == col(PactVersion.consumer_id))
        .where(col(ProviderContractCheck.id).in_(list(ids)))
        .order_by(col(Pacticipant.name), col(ProviderContractCheck.id))
    ).all()
    pact_ids = [check.pact_version_id for check, _, _ in rows]
    versions: dict[int, list[str]] = {}
    for pv_id, number_ in session.execute(
        select(col(PactPublication.pact_version_id), col(Version.number))
        .join(Version, col(Version.id) == col(PactPublication.consumer_version_id))
        .where(col(PactPublication.pact_version_id).in_(pact_ids))
        .order_by(col(PactPublication.id))
    ).all():
        versions.setdefault(int(pv_id), []).append(number_)
    self_ok = view.contract.self_verification_success
    return view, [
        CheckView(
            check,
            consumer,
            tuple(versions.get(check.pact_version_id, ())),
            sha,
            self_ok,
            _row(check, self_ok),
        )
        for check, consumer, sha in rows
    ]


def pending_count(session: Session) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(ProviderContractCheck)
            .where(col(ProviderContractCheck.status) == "pending")
        ).scalar_one()
    )
