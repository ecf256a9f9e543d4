"""Bi-directional cross-checks: which (pact, provider contract) pairs are relevant, queuing them as
``pending`` rows, and running the checker on them.

* Publishing a provider contract queues each consumer's latest pact, its main-branch head's pact and
  the pacts of consumer versions currently deployed or released (``relevant_pacts``).
* ``on_event`` (subscribed to ``contract_published``) queues a new pact against the provider's latest
  contract, its main-branch head's and deployed/released versions' ones (``relevant_contracts``).
* ``fill_missing_checks`` runs periodically in the worker for pairs that became relevant later.
* ``run_pending_checks`` (the background job) and ``compute_pending`` (readers) run the checker found
  through ``broker.provider_contracts_checker`` and store the outcome.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import yaml
from sqlalchemy import ColumnElement, Table, and_, bindparam, exists, func, or_, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col

from broker.clock import now
from broker.db import Database, insert_ignore
from broker.errors import ValidationFailed
from broker.events import BrokerEvent, EventName
from broker.provider_contracts_checker import CheckOutcome, load_checker
from broker.tables import load_all
from broker.tables.core import BranchVersion, Pacticipant, PactPublication, PactVersion
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


def queue_checks(session: Session, pairs: Sequence[tuple[ProviderContract, int, int]]) -> int:
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
        queued += queue_checks(session, [(c, pv, consumer) for c in contracts for pv, consumer in pacts])
    return queued


SESSION_WITHOUT_CONTRACTS_KEY = "tether.providers_without_contracts"


def has_provider_contract(pacticipant_id: Any) -> Any:
    """SQL: the pacticipant has a provider contract (a column a publish adds to its first look-up)."""
    return exists().where(col(ProviderContract.provider_id) == pacticipant_id)


def note_without_contracts(session: Session, providers: Iterable[str]) -> None:
    """A publish read in its transaction that these pacticipants have no provider contract, so the
    ``on_event`` of its pacts does not ask again. (A contract published while the publish runs is
    missed either way; the worker's ``fill_missing_checks`` queues that pair later.)"""
    session.info.setdefault(SESSION_WITHOUT_CONTRACTS_KEY, set()).update(providers)


_provider_p = aliased(Pacticipant, name="p")
_consumer_p = aliased(Pacticipant, name="c")
# built once: building a statement with aliased entities costs more CPU than running it
_HAS_CONTRACT = (
    select(col(ProviderContract.id))
    .join(_provider_p, col(_provider_p.id) == col(ProviderContract.provider_id))
    .where(col(_provider_p.name) == bindparam("provider"))
    .limit(1)
)
_PUBLISHED_PACT_VERSION = (
    select(col(PactVersion.id), col(PactVersion.consumer_id), col(PactVersion.provider_id))
    .join(_consumer_p, col(_consumer_p.id) == col(PactVersion.consumer_id))
    .join(_provider_p, col(_provider_p.id) == col(PactVersion.provider_id))
    .where(
        col(PactVersion.sha) == bindparam("sha"),
        col(_consumer_p.name) == bindparam("consumer"),
        col(_provider_p.name) == bindparam("provider"),
    )
)


def on_event(session: Session, broker_event: BrokerEvent) -> None:
    """Subscriber: a newly published pact is checked against the provider's relevant contracts."""
    if broker_event.name != EventName.CONTRACT_PUBLISHED or not broker_event.pact_version_sha:
        return
    bind = session.get_bind()
    if getattr(bind, "engine", bind) not in _wakers:  # no application installed on this database
        return
    if broker_event.provider in session.info.get(SESSION_WITHOUT_CONTRACTS_KEY, ()):
        return
    has_contract = session.execute(_HAS_CONTRACT, {"provider": broker_event.provider}).first()
    if has_contract is None:  # the common case: publishing stays one indexed look-up more expensive
        return
    row = session.execute(
        _PUBLISHED_PACT_VERSION,
        {
            "sha": broker_event.pact_version_sha,
            "consumer": broker_event.consumer,
            "provider": broker_event.provider,
        },
    ).first()
    if row is None:
        return
    pact_version_id, consumer_id, provider_id = row
    contracts = relevant_contracts(session, provider_id)
    queue_checks(session, [(contract, pact_version_id, consumer_id) for contract in contracts])


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
    return queue_checks(session, [(contract, pact_version_id, consumer_id)]) > 0
