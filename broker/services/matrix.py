"""The matrix and can-i-deploy: which consumer/provider version pairs have verified pacts, and whether
the selected versions can be deployed together.

1. Each specified selector (``q[]``) resolves to concrete versions (or "any version").
2. Integrations: when the options name a target (latest/tag/branch/environment/mainBranch) or only one
   selector is given, every integration of each specified pacticipant is considered. Where the
   specified pacticipant is the *consumer* the provider is required; where it is the *provider* the
   consumer is not (a provider may deploy before its consumer exists in the environment). The other
   side gets an *inferred* selector from the options (e.g. "versions of B currently in prod").
3. Rows: the pact publications of the consumer versions, each joined to the newest verification per
   provider version (``latest_verification``), or a row without a verification. ``latestby`` then keeps
   the newest provider version per (consumer version, provider) (``cvp``) or per pair (``cp``).
4. Decision: false if a specified version does not exist; unknown if a considered row has no
   verification; otherwise true iff every considered row succeeded.
Pending/WIP status plays no role here: a failed verification is a failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, inspect, literal, or_, select, union_all
from sqlmodel import Session

from broker.errors import SelectorsInvalid
from broker.services.matrix_integrations import (
    Integration,
    ResolvedSelector,
    SelectorResolver,
    find_integrations,
)
from broker.services.matrix_query import MatrixQuery
from broker.services.provider_contracts import cross_check_results_for
from broker.tables.provider_contracts import ProviderContract
from broker.tables.selectables import (
    BRANCH_VERSION,
    DEPLOYED_VERSION,
    ENVIRONMENT,
    LATEST_VERIFICATION,
    PACT_PUBLICATION,
    PACT_VERSION,
    RELEASED_VERSION,
    TAG,
    VERIFICATION,
    VERSION,
)

PP = PACT_PUBLICATION.c
PROVIDER_CONTRACT = inspect(ProviderContract).local_table
LV = LATEST_VERIFICATION.c


@dataclass
class MatrixRow:
    consumer: str
    consumer_id: int
    consumer_version_id: int
    consumer_version: str
    provider: str
    provider_id: int
    pact_version_id: int
    sha: str
    pact_created_at: datetime
    provider_version_id: int | None = None
    provider_version: str | None = None
    verification_id: int | None = None
    success: bool | None = None
    verified_at: datetime | None = None
    verification_type: str | None = None  # "CDCT" (a Pact verification) or "BDCT" (a cross-contract check)
    ignored: bool = False
    failure_reason: str | None = None
    """Why the row failed, when more is known than "the verification failed" (the provider contract)."""


@dataclass(frozen=True)
class VersionDetails:
    branches: tuple[str, ...]
    tags: tuple[str, ...]
    environments: tuple[tuple[str, str], ...]  # (deployed|released, environment name)


@dataclass
class MatrixResult:
    query: MatrixQuery
    rows: list[MatrixRow]
    deployable: bool | None
    reasons: list[str]
    notices: list[dict[str, str]]
    counts: dict[str, int]
    versions: dict[int, VersionDetails] = field(default_factory=dict)


Verdicts = dict[int, list[tuple[int, str, int | None, bool | None, datetime | None, str, str | None]]]
"""pact version id -> (provider version id, number, verification id, success, verified at, CDCT|BDCT,
why it failed), newest provider version first."""

_PACT_COLUMNS = (
    PP.consumer_id,
    PP.provider_id,
    PP.consumer_version_id,
    VERSION.c.number,
    PP.pact_version_id,
    PACT_VERSION.c.sha,
    PP.created_at,
)


def _pacts(session: Session, condition: ColumnElement[bool], limit: int | None = None) -> list[Any]:
    statement = (
        select(*_PACT_COLUMNS)
        .join(VERSION, VERSION.c.id == PP.consumer_version_id)
        .join(PACT_VERSION, PACT_VERSION.c.id == PP.pact_version_id)
        .where(condition)
        .order_by(PP.consumer_version_id.desc())
    )
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.connection().execute(statement))


def _verdicts(session: Session, condition: ColumnElement[bool]) -> Verdicts:
    """The newest verification per (pact version, provider version) matching ``condition``."""
    provider_version = VERSION.alias("provider_version")
    verdicts: Verdicts = {}
    for row in session.connection().execute(
        select(
            LV.pact_version_id,
            LV.provider_version_id,
            provider_version.c.number,
            LV.verification_id,
            LV.success,
            VERIFICATION.c.execution_date,
        )
        .join(provider_version, provider_version.c.id == LV.provider_version_id)
        .join(VERIFICATION, VERIFICATION.c.id == LV.verification_id)
        .where(condition)
        .order_by(LV.provider_version_id.desc())
    ):
        verdicts.setdefault(row[0], []).append((row[1], row[2], row[3], bool(row[4]), row[5], "CDCT", None))
    return verdicts


def _collect_rows(
    session: Session, integrations: list[Integration], query: MatrixQuery, bdct_providers: set[int]
) -> list[MatrixRow]:
    """Matrix rows of every integration: one query for the pacts of all named consumer versions, one
    for the newest verifications of all of them (per-integration queries only for "any version")."""
    pacts: dict[tuple[int, int], list[Any]] = {}
    named = [i for i in integrations if i.consumer.version_ids]
    if named:
        condition = or_(
            *[
                and_(
                    PP.consumer_id == i.consumer.pacticipant_id,
                    PP.provider_id == i.provider.pacticipant_id,
                    PP.consumer_version_id.in_(i.consumer.version_ids or []),
                )
                for i in named
            ]
        )
        for row in _pacts(session, condition):
            pacts.setdefault((row[0], row[1]), []).append(row)
    for i in integrations:
        if i.consumer.version_ids is None:
            condition = and_(
                PP.consumer_id == i.consumer.pacticipant_id, PP.provider_id == i.provider.pacticipant_id
            )
            pacts[(i.consumer.pacticipant_id, i.provider.pacticipant_id)] = _pacts(
                session, condition, query.limit
            )
    wanted: list[tuple[Integration, set[int]]] = []
    conditions: list[ColumnElement[bool]] = []
    for i in integrations:
        pact_version_ids = {
            row[4] for row in pacts.get((i.consumer.pacticipant_id, i.provider.pacticipant_id), [])
        }
        provider_ids = i.provider.version_ids
        if not pact_version_ids or (provider_ids is not None and not provider_ids):
            continue
        wanted.append((i, pact_version_ids))
        condition = LV.pact_version_id.in_(pact_version_ids)
        if provider_ids is not None:
            condition = and_(condition, LV.provider_version_id.in_(provider_ids))
        conditions.append(condition)
    verdicts = _verdicts(session, or_(*conditions)) if conditions else {}
    for i, pact_version_ids in wanted:
        if i.provider.pacticipant_id in bdct_providers:
            _add_cross_checks(session, verdicts, sorted(pact_version_ids), i.provider.version_ids)
    rows: list[MatrixRow] = []
    for i in integrations:
        found = pacts.get((i.consumer.pacticipant_id, i.provider.pacticipant_id), [])
        rows.extend(_build_rows(i, found, verdicts, query))
    return rows


def _build_rows(
    integration: Integration, pacts: list[Any], verdicts: Verdicts, query: MatrixQuery
) -> list[MatrixRow]:
    consumer, provider = integration.consumer, integration.provider
    rows: list[MatrixRow] = []
    for _, _, cv_id, cv_number, pact_version_id, sha, created in pacts:
        base = {
            "consumer": consumer.pacticipant,
            "consumer_id": consumer.pacticipant_id,
            "consumer_version_id": cv_id,
            "consumer_version": cv_number,
            "provider": provider.pacticipant,
            "provider_id": provider.pacticipant_id,
            "pact_version_id": pact_version_id,
            "sha": sha,
            "pact_created_at": created,
        }
        found = verdicts.get(pact_version_id, []) if provider.version_ids != [] else []
        if query.latestby in ("cvp", "cp"):
            found = found[:1]
        if not found:
            rows.append(MatrixRow(**base))
        for pv_id, pv_number, verification_id, success, verified_at, kind, reason in found:
            rows.append(
                MatrixRow(
                    **base,
                    provider_version_id=pv_id,
                    provider_version=pv_number,
                    verification_id=verification_id,
                    success=success,
                    verified_at=verified_at,
                    verification_type=kind,
                    failure_reason=reason,
                )
            )
    if rows and query.latestby == "cp":
        newest = max(r.consumer_version_id for r in rows)
        rows = [r for r in rows if r.consumer_version_id == newest]
    return rows


def _add_cross_checks(
    session: Session,
    verifications: Verdicts,
    pact_version_ids: list[int],
    provider_version_ids: list[int] | None,
) -> None:
    """Bi-directional (BDCT) results count where no Pact verification exists for the same pact version
    and provider version: the pair is compatible iff the spec self-verified and the pact fits it. A
    provider contract that failed (its self-verification, or this pact's cross-check) also fails a
    passing Pact verification of the same provider version: the provider version is not deployable."""
    checks = cross_check_results_for(session, pact_version_ids, provider_version_ids)
    for check in checks:
        entries = verifications.setdefault(check.pact_version_id, [])
        reason = check.failure_reason
        same = [n for n, entry in enumerate(entries) if entry[0] == check.provider_version_id]
        if (
            same
        ):  # a real verification of this pact by this provider version decides, unless the contract failed
            index = same[0]
            if reason is not None and entries[index][3] is not False:
                entries[index] = (*entries[index][:3], False, entries[index][4], entries[index][5], reason)
            continue
        entries.append(
            (
                check.provider_version_id,
                check.provider_version,
                None,
                check.success,
                check.checked_at,
                "BDCT",
                reason,
            )
        )
    for entries in verifications.values():
        entries.sort(key=lambda entry: entry[0], reverse=True)


def _providers_with_contracts(session: Session, provider_ids: set[int]) -> set[int]:
    """Which providers published provider contracts (only they can have BDCT results): one query."""
    if not provider_ids:
        return set()
    statement = (
        select(PROVIDER_CONTRACT.c.provider_id)
        .where(PROVIDER_CONTRACT.c.provider_id.in_(provider_ids))
        .distinct()
    )
    return {row[0] for row in session.connection().execute(statement)}


def _is_ignored(row: MatrixRow, query: MatrixQuery) -> bool:
    for ignore in query.ignore:
        if ignore.pacticipant == row.consumer and ignore.version in (None, row.consumer_version):
            return True
        if ignore.pacticipant == row.provider and ignore.version in (None, row.provider_version):
            return True
    return False


def _version_details(session: Session, version_ids: Sequence[int]) -> dict[int, VersionDetails]:
    """Branches, tags and current environments of the versions in the rows, in one round trip."""
    ids = sorted(set(version_ids))
    if not ids:
        return {}
    statement = union_all(
        select(
            BRANCH_VERSION.c.version_id, literal("branch"), BRANCH_VERSION.c.branch_name, BRANCH_VERSION.c.id
        ).where(BRANCH_VERSION.c.version_id.in_(ids)),
        select(TAG.c.version_id, literal("tag"), TAG.c.name, TAG.c.id).where(TAG.c.version_id.in_(ids)),
        select(DEPLOYED_VERSION.c.version_id, literal("deployed"), ENVIRONMENT.c.name, DEPLOYED_VERSION.c.id)
        .join(ENVIRONMENT, ENVIRONMENT.c.id == DEPLOYED_VERSION.c.environment_id)
        .where(DEPLOYED_VERSION.c.version_id.in_(ids), DEPLOYED_VERSION.c.currently_deployed.is_(True)),
        select(RELEASED_VERSION.c.version_id, literal("released"), ENVIRONMENT.c.name, RELEASED_VERSION.c.id)
        .join(ENVIRONMENT, ENVIRONMENT.c.id == RELEASED_VERSION.c.environment_id)
        .where(RELEASED_VERSION.c.version_id.in_(ids), RELEASED_VERSION.c.currently_supported.is_(True)),
    )
    found: dict[int, dict[str, list[str]]] = {i: {} for i in ids}
    for version_id, kind, name, _ in sorted(
        session.connection().execute(statement), key=lambda r: (r[1], r[3])
    ):
        names = found[version_id].setdefault(kind, [])
        if name not in names:
            names.append(name)
    return {
        i: VersionDetails(
            tuple(kinds.get("branch", ())),
            tuple(kinds.get("tag", ())),
            tuple(("deployed", n) for n in kinds.get("deployed", ()))
            + tuple(("released", n) for n in kinds.get("released", ())),
        )
        for i, kinds in found.items()
    }


def _decide(
    query: MatrixQuery,
    specified: list[ResolvedSelector],
    integrations: list[Integration],
    considered: list[MatrixRow],
    ignored: list[MatrixRow],
) -> tuple[bool | None, list[tuple[str, str]], dict[str, int]]:
    selectors: dict[str, ResolvedSelector] = {}
    for integration in integrations:
        selectors.setdefault(integration.consumer.pacticipant, integration.consumer)
        selectors.setdefault(integration.provider.pacticipant, integration.provider)
    for selector in specified:
        selectors[selector.pacticipant] = selector

    def describe(name: str) -> str:
        return selectors[name].description() if name in selectors else f"any version of {name}"

    ignored_names = {i.pacticipant for i in query.ignore}
    missing_versions = [s for s in specified if s.specified_version_missing]
    considered_missing = [s for s in missing_versions if s.pacticipant not in ignored_names]
    all_rows = considered + ignored
    required_without_row = [
        i
        for i in integrations
        if i.required
        and not any(
            r.consumer == i.consumer.pacticipant and r.provider == i.provider.pacticipant for r in all_rows
        )
        and i.consumer.pacticipant not in ignored_names
        and i.provider.pacticipant not in ignored_names
    ]
    counts = {
        "success": sum(1 for r in considered if r.success is True),
        "failed": sum(1 for r in considered if r.success is False),
        "unknown": sum(1 for r in considered if r.success is None) + len(required_without_row),
    }
    if query.ignore:
        counts["ignored"] = len(ignored)
    reasons: list[tuple[str, str]] = []  # (notice type, text)
    for selector in missing_versions:
        text = f"No pacts or verifications have been published for version {selector.version_number} of {selector.pacticipant}"
        reasons.append(
            ("info", f"Ignoring: {text}") if selector.pacticipant in ignored_names else ("error", text)
        )
    if not considered_missing:
        for integration in required_without_row:
            reasons.append(
                (
                    "error",
                    f"There is no verified pact between {describe(integration.consumer.pacticipant)} "
                    f"and {describe(integration.provider.pacticipant)}",
                )
            )
        for is_ignored, rows in ((False, considered), (True, ignored)):
            for row in rows:
                if row.success is False:
                    text = (
                        f"The verification for the pact between {_row_description(row, 'consumer', selectors)} "
                        f"and {_row_description(row, 'provider', selectors)} failed"
                    )
                    if row.failure_reason:
                        text += f": {row.failure_reason}"
                elif row.success is None:
                    text = f"There is no verified pact between {describe(row.consumer)} and {describe(row.provider)}"
                else:
                    continue
                entry = ("info", f"Ignoring: {text}") if is_ignored else ("error", text)
                if entry not in reasons:
                    reasons.append(entry)
    if considered_missing:
        deployable: bool | None = False
    elif any(r.success is None for r in considered) or required_without_row:
        deployable = None
    else:
        deployable = all(r.success for r in considered)
    if deployable and not any(kind == "error" for kind, _ in reasons):
        text = (
            "All required verification results are published and successful"
            if considered
            else "There are no missing dependencies"
        )
        reasons.insert(0, ("success", text))
    for ignore in query.ignore:
        known = any(s.pacticipant == ignore.pacticipant for s in selectors.values())
        if not known:
            version = f"version {ignore.version} of " if ignore.version else ""
            reasons.append(
                (
                    "warning",
                    f"WARN: Cannot ignore {version}{ignore.pacticipant}: it is not part of this query",
                )
            )
    if (
        len(query.selectors) == 1
        and not (query.tag or query.environment or query.main_branch or query.branch)
        and not query.latest
    ):
        reasons.append(
            (
                "warning",
                "WARN: It is recommended to specify the environment into which you are deploying. "
                "Without the environment, this result will not be reliable.",
            )
        )
    if (query.environment or query.tag or query.main_branch) and any(
        s.version_number is None and (s.latest or s.tag or s.branch) for s in specified
    ):
        reasons.append(
            (
                "warning",
                "WARN: It is recommended to specify the version number (rather than the tag or branch) of the "
                "pacticipant you wish to deploy to ensure the returned result is accurate.",
            )
        )
    return deployable, reasons, counts


def _row_description(row: MatrixRow, side: str, selectors: dict[str, ResolvedSelector]) -> str:
    name = row.consumer if side == "consumer" else row.provider
    number = row.consumer_version if side == "consumer" else row.provider_version
    selector = selectors.get(name)
    if selector is not None and selector.versions and len(selector.versions) == 1:
        return selector.description()
    return f"version {number} of {name}" if number else f"any version of {name}"


def evaluate_matrix(session: Session, query: MatrixQuery) -> MatrixResult:
    for name in {query.environment, *(s.environment for s in query.selectors)} - {None}:
        exists = (
            session.connection().execute(select(ENVIRONMENT.c.id).where(ENVIRONMENT.c.name == name)).first()
        )
        if exists is None:
            raise SelectorsInvalid(
                f"Environment with name '{name}' does not exist: create it with `pact broker create-environment`",
                field="environment",
            )
    resolver = SelectorResolver(session)
    specified = [resolver.specified(selector) for selector in query.selectors]
    for selector in specified:
        selector.ignore = any(
            i.pacticipant == selector.pacticipant and i.version in (None, selector.version_number)
            for i in query.ignore
        )
    integrations = find_integrations(session, resolver, query, specified)
    bdct_providers = _providers_with_contracts(session, {i.provider.pacticipant_id for i in integrations})
    rows = _collect_rows(session, integrations, query, bdct_providers)
    if query.success is not None:
        rows = [r for r in rows if r.success in query.success]
    considered: list[MatrixRow] = []
    ignored: list[MatrixRow] = []
    for row in rows:
        row.ignored = _is_ignored(row, query)
        (ignored if row.ignored else considered).append(row)
    deployable, reasons, counts = _decide(query, specified, integrations, considered, ignored)
    version_ids = [r.consumer_version_id for r in rows] + [
        r.provider_version_id for r in rows if r.provider_version_id is not None
    ]
    return MatrixResult(
        query=query,
        rows=considered + ignored,
        deployable=deployable,
        reasons=[text for _, text in reasons],
        notices=[{"type": kind, "text": text} for kind, text in reasons],
        counts=counts,
        versions=_version_details(session, version_ids),
    )
