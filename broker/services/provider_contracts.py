"""Bi-directional contract testing: provider contracts (OpenAPI specs with a self-verification
result) and the static cross-check of consumer pacts against them.

* ``publish_provider_contract`` is PactFlow's ``POST /provider-contracts/provider/{p}/publish``:
  provider version (+ branch, tags, build URL), the spec and its self-verification result. It queues
  a check of every *relevant* consumer pact: each consumer's latest pact, its main-branch head's
  pact, and the pacts of consumer versions currently deployed or released.
* ``on_event`` (subscribed to ``contract_published``) queues checks of a new pact against the
  provider's relevant contracts: the latest one, the main-branch head's, deployed/released ones.
* Checks are rows with status ``pending``, written in the causing transaction (so publishing stays
  fast and nothing is lost on a crash); the background worker computes them, and readers compute the
  ones they need on demand (``compute_pending``).
* ``cross_check_results_for`` is what the matrix / can-i-deploy reads (one row per pact version x
  provider version, with the combined verdict: self-verification passed and no cross-check errors).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml
from sqlalchemy import ColumnElement, Table, and_, delete, func, or_, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col

from broker.clock import now
from broker.db import Database, insert_ignore
from broker.errors import NotFound, ValidationFailed
from broker.events import BrokerEvent, EventName
from broker.provider_contracts_checker import CheckOutcome, load_checker
from broker.services.names import check_name
from broker.services.pacticipants import ensure_pacticipant, get_pacticipant, set_main_branch_if_unset
from broker.services.versions import ensure_branch_version, ensure_tag, ensure_version
from broker.tables import load_all
from broker.tables.core import BranchVersion, Pacticipant, PactPublication, PactVersion, Tag, Version
from broker.tables.provider_contracts import ProviderContract, ProviderContractCheck
from broker.webhooks.outbox import any_due, claim

SPEC_CONTENT_TYPES = {
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "text/x-yaml": "yaml",
    "application/yml": "yaml",
    "text/yml": "yaml",
    "application/json": "json",
    "application/vnd.oai.openapi+json": "json",
    "application/vnd.oai.openapi": "yaml",
}
BATCH = 10

# --------------------------------------------------------------------------- wake-up registry

_wakers: weakref.WeakKeyDictionary[Any, Callable[[], None]] = weakref.WeakKeyDictionary()


def register_wake(db: Database, wake: Callable[[], None]) -> None:
    _wakers[db.engine] = wake
    _wakers[db.write_engine] = wake


def _wake_after_commit(session: Session) -> None:
    bind = session.get_bind()
    wake = _wakers.get(getattr(bind, "engine", bind))
    if wake is None or session.info.get("tether.checks_wake"):
        return
    session.info["tether.checks_wake"] = True

    def _after_commit(_session: Any) -> None:
        _session.info.pop("tether.checks_wake", None)
        wake()

    sa_event.listen(session, "after_commit", _after_commit, once=True)


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


def parse_document(text: str, content_type: str, field_name: str = "contract.content") -> dict[str, Any]:
    """Parse an OpenAPI document (JSON or YAML) and check it looks like one."""
    kind = SPEC_CONTENT_TYPES.get(content_type.split(";")[0].strip().lower(), "yaml")
    try:
        document = json.loads(text) if kind == "json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise ValidationFailed(
            f"{field_name} is not valid {kind.upper()}: {str(exc).splitlines()[0]}", field=field_name
        ) from None
    if not isinstance(document, dict) or not ("openapi" in document or "swagger" in document):
        raise ValidationFailed(
            f"{field_name} is not an OpenAPI document (no top-level 'openapi' or 'swagger' key)",
            field=field_name,
        )
    return document


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
    build_url = None if legacy else _optional_str(body, "buildUrl", "buildUrl")
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
    queued = _queue(
        session,
        [(contract, pv_id, consumer_id) for pv_id, consumer_id in relevant_pacts(session, provider.id)],
    )
    return PublishedContract(
        provider_name, upload.version, upload.branch, upload.tags, contract, queued, replaced, unchanged
    )


def _deployed_or_released() -> list[tuple[Table, ColumnElement[bool]]]:
    """(table, "currently in use" condition) of deployed and released versions, where those exist."""
    tables = load_all().tables
    found: list[tuple[Table, ColumnElement[bool]]] = []
    for name, flag in (
        ("deployed_version", "currently_deployed"),
        ("released_version", "currently_supported"),
    ):
        table = tables.get(name)
        if table is not None:
            found.append((table, table.c[flag].is_(True)))
    return found


def relevant_pacts(session: Session, provider_id: int) -> list[tuple[int, int]]:
    """(pact version id, consumer id) of each consumer's latest pact, main-branch head pact, and the
    pacts of consumer versions currently deployed or released."""
    pp = PactPublication
    latest_ids = (
        select(func.max(pp.id)).where(col(pp.provider_id) == provider_id).group_by(col(pp.consumer_id))
    )
    main_ids = (
        select(func.max(pp.id))
        .join(BranchVersion, col(BranchVersion.version_id) == col(pp.consumer_version_id))
        .join(Pacticipant, col(Pacticipant.id) == col(pp.consumer_id))
        .where(
            col(pp.provider_id) == provider_id, col(BranchVersion.branch_name) == col(Pacticipant.main_branch)
        )
        .group_by(col(pp.consumer_id))
    )
    in_use = [
        col(pp.id).in_(
            select(col(pp.id))
            .join(table, table.c.version_id == col(pp.consumer_version_id))
            .where(col(pp.provider_id) == provider_id, current)
        )
        for table, current in _deployed_or_released()
    ]
    rows = session.execute(
        select(col(pp.pact_version_id), col(pp.consumer_id))
        .where(
            or_(
                col(pp.id).in_(latest_ids),
                col(pp.id).in_(main_ids),
                *in_use,
            )
        )
        .distinct()
    ).all()
    return sorted({(int(a), int(b)) for a, b in rows})


def relevant_contracts(session: Session, provider_id: int) -> list[ProviderContract]:
    """The provider's latest contract, its main-branch head's, and deployed/released versions' ones."""
    pc = ProviderContract
    latest = select(func.max(pc.id)).where(col(pc.provider_id) == provider_id)
    main = (
        select(func.max(pc.id))
        .join(BranchVersion, col(BranchVersion.version_id) == col(pc.provider_version_id))
        .join(Pacticipant, col(Pacticipant.id) == col(pc.provider_id))
        .where(
            col(pc.provider_id) == provider_id, col(BranchVersion.branch_name) == col(Pacticipant.main_branch)
        )
    )
    in_use = [
        col(pc.provider_version_id).in_(
            select(table.c.version_id).where(table.c.pacticipant_id == provider_id, current)
        )
        for table, current in _deployed_or_released()
    ]
    return list(
        session.execute(
            select(pc)
            .where(
                col(pc.provider_id) == provider_id,
                or_(
                    col(pc.id).in_(latest),
                    col(pc.id).in_(main),
                    *in_use,
                ),
            )
            .order_by(col(pc.id))
        ).scalars()
    )


def _queue(session: Session, pairs: Sequence[tuple[ProviderContract, int, int]]) -> int:
    contract_ids = {contract.id for contract, _, _ in pairs}
    existing = (
        {
            (int(a), int(b))
            for a, b in session.execute(
                select(
                    col(ProviderContractCheck.provider_contract_id),
                    col(ProviderContractCheck.pact_version_id),
                ).where(
                    col(ProviderContractCheck.provider_contract_id).in_(contract_ids),
                    col(ProviderContractCheck.pact_version_id).in_({pv for _, pv, _ in pairs}),
                )
            ).all()
        }
        if pairs
        else set()
    )
    queued = 0
    for contract, pact_version_id, consumer_id in pairs:
        assert contract.id is not None
        if (contract.id, pact_version_id) in existing:
            continue
        existing.add((contract.id, pact_version_id))
        insert_ignore(
            session,
            ProviderContractCheck,
            {
                "provider_contract_id": contract.id,
                "pact_version_id": pact_version_id,
                "provider_version_id": contract.provider_version_id,
                "consumer_id": consumer_id,
                "provider_id": contract.provider_id,
                "status": "pending",
                "errors": [],
                "warnings": [],
                "created_at": now(),
            },
            ("provider_contract_id", "pact_version_id"),
        )
        queued += 1
    if queued:
        _wake_after_commit(session)
    return queued


def any_contracts(session: Session) -> bool:
    return session.execute(select(col(ProviderContract.id)).limit(1)).first() is not None


def fill_missing_checks(session: Session) -> int:
    """Queue every relevant (pact, contract) pair nobody queued yet, for every provider with contracts.

    Publishing queues the pairs relevant *at that moment*; a provider version deployed or released
    later, or a consumer's main branch set later, can make new pairs relevant. The background worker
    runs this periodically so can-i-deploy's "unknown" for such a pair resolves by itself."""
    providers = list(session.execute(select(col(ProviderContract.provider_id)).distinct()).scalars())
    queued = 0
    for provider_id in providers:
        contracts = relevant_contracts(session, provider_id)
        pacts = relevant_pacts(session, provider_id)
        queued += _queue(session, [(c, pv, consumer) for c in contracts for pv, consumer in pacts])
    return queued


def on_event(session: Session, broker_event: BrokerEvent) -> None:
    """Subscriber: a newly published pact is checked against the provider's relevant contracts."""
    if broker_event.name != EventName.CONTRACT_PUBLISHED or not broker_event.pact_version_sha:
        return
    bind = session.get_bind()
    if getattr(bind, "engine", bind) not in _wakers:  # no application installed on this database
        return
    provider_p = aliased(Pacticipant, name="p")
    consumer_p = aliased(Pacticipant, name="c")
    has_contract = session.execute(
        select(col(ProviderContract.id))
        .join(provider_p, col(provider_p.id) == col(ProviderContract.provider_id))
        .where(col(provider_p.name) == broker_event.provider)
        .limit(1)
    ).first()
    if has_contract is None:  # the common case: publishing stays one indexed look-up more expensive
        return
    row = session.execute(
        select(col(PactVersion.id), col(PactVersion.consumer_id), col(PactVersion.provider_id))
        .join(consumer_p, col(consumer_p.id) == col(PactVersion.consumer_id))
        .join(provider_p, col(provider_p.id) == col(PactVersion.provider_id))
        .where(
            col(PactVersion.sha) == broker_event.pact_version_sha,
            col(consumer_p.name) == broker_event.consumer,
            col(provider_p.name) == broker_event.provider,
        )
    ).first()
    if row is None:
        return
    pact_version_id, consumer_id, provider_id = row
    contracts = relevant_contracts(session, provider_id)
    _queue(session, [(contract, pact_version_id, consumer_id) for contract in contracts])


# --------------------------------------------------------------------------- running checks


def _check_table() -> Any:
    return SQLModel.metadata.tables["provider_contract_check"]


def run_pending_checks(db: Database, lease_seconds: float, *, limit: int = BATCH) -> int:
    """The background job: claim pending checks, run the checker, store the outcomes."""
    table = _check_table()
    due = table.c.status == "pending"
    if not db.read(lambda s: any_due(s, table, due)):
        return 0
    ids = db.write(
        lambda s: claim(s, table, due, order_by=table.c.id, lease_seconds=lease_seconds, limit=limit)
    )
    _run(db, ids)
    return len(ids)


def compute_pending(db: Database, check_ids: Sequence[int]) -> None:
    """Compute the given checks now if they are still pending (readers call this before reading)."""
    if not check_ids:
        return
    table = _check_table()
    due = and_(table.c.status == "pending", table.c.id.in_(list(check_ids)))
    ids = db.write(
        lambda s: claim(s, table, due, order_by=table.c.id, lease_seconds=120, limit=len(check_ids))
    )
    _run(db, ids)
    # rows another process is computing right now: compute them here too (the result is the same and
    # storing it twice is harmless), so the reader gets an answer instead of "pending"
    busy = db.read(lambda s: [int(i) for i in s.execute(select(table.c.id).where(due)).scalars()])
    _run(db, busy)


def _run(db: Database, ids: Sequence[int]) -> None:
    if not ids:
        return

    def load(session: Session) -> list[tuple[int, str, str, str, str]]:
        rows = session.execute(
            select(
                col(ProviderContractCheck.id),
                col(ProviderContract.content),
                col(ProviderContract.content_type),
                col(ProviderContract.specification),
                col(PactVersion.content),
            )
            .join(
                ProviderContract, col(ProviderContract.id) == col(ProviderContractCheck.provider_contract_id)
            )
            .join(PactVersion, col(PactVersion.id) == col(ProviderContractCheck.pact_version_id))
            .where(col(ProviderContractCheck.id).in_(list(ids)))
        ).all()
        return [(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows]

    documents: dict[str, dict[str, Any] | str] = {}
    for check_id, spec_text, content_type, specification, pact_text in db.read(load):
        _store_in(db, check_id, _check(documents, spec_text, content_type, specification, pact_text))


def _store_in(db: Database, check_id: int, outcome: CheckOutcome) -> None:
    db.write(lambda session: _store(session, check_id, outcome))


def _check(
    documents: dict[str, dict[str, Any] | str],
    spec_text: str,
    content_type: str,
    specification: str,
    pact_text: str,
) -> CheckOutcome:
    checker = load_checker(specification)
    if isinstance(checker, str):
        return CheckOutcome("unknown", failure_reason=checker)
    key = hashlib.sha256(spec_text.encode()).hexdigest()
    if key not in documents:
        try:
            documents[key] = parse_document(spec_text, content_type)
        except ValidationFailed as exc:
            documents[key] = exc.message
    spec = documents[key]
    if isinstance(spec, str):
        return CheckOutcome(
            "unknown", failure_reason=spec, checker=checker.label, checker_version=checker.version
        )
    try:
        pact = json.loads(pact_text)
    except ValueError as exc:
        return CheckOutcome(
            "unknown", failure_reason=f"the stored pact is not JSON: {exc}", checker=checker.label
        )
    return checker.check(spec, pact)


def _store(session: Session, check_id: int, outcome: CheckOutcome) -> None:
    session.execute(
        update(ProviderContractCheck)
        .where(col(ProviderContractCheck.id) == check_id)
        .values(
            status=outcome.status,
            success=outcome.success,
            errors=outcome.errors,
            warnings=outcome.warnings,
            failure_reason=outcome.failure_reason,
            checker=outcome.checker,
            checker_version=outcome.checker_version,
            checked_at=now(),
            lease_until=None,
        )
    )


def requeue_unchecked(session: Session) -> int:
    """Checks left ``unknown`` because no checker was installed become pending again once one is."""
    waiting = session.execute(
        select(col(ProviderContractCheck.id))
        .where(col(ProviderContractCheck.status) == "unknown", col(ProviderContractCheck.checker).is_(None))
        .limit(1)
    ).first()
    if waiting is None or isinstance(load_checker("oas"), str):  # load the checker only when needed
        return 0
    result = session.execute(
        update(ProviderContractCheck)
        .where(col(ProviderContractCheck.status) == "unknown", col(ProviderContractCheck.checker).is_(None))
        .values(status="pending", lease_until=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


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


def ensure_check(session: Session, pact_version_id: int, provider_version_id: int) -> bool:
    """Queue a check for a pair can-i-deploy asks about but nobody queued (call inside a write)."""
    contract = session.execute(
        select(ProviderContract).where(col(ProviderContract.provider_version_id) == provider_version_id)
    ).scalar()
    if contract is None:
        return False
    consumer_id = session.execute(
        select(col(PactVersion.consumer_id)).where(col(PactVersion.id) == pact_version_id)
    ).scalar()
    if consumer_id is None:
        return False
    return _queue(session, [(contract, pact_version_id, consumer_id)]) > 0


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
