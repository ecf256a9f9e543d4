"""View models of the UI's pages, built from the broker's services. Route handlers call one builder
and render its result with a template; every decision (what to show, which status, which links) is
made here, every query lives in ``broker.services``."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from broker.db import Database
from broker.errors import BrokerError, NotFound
from broker.services import (
    dashboard,
    environments,
    matrix,
    pacts,
    provider_contracts,
    verifications,
    webhook_triggers,
    webhooks,
)
from broker.services.matrix_query import MatrixQuery, MatrixSelector, parse_can_i_deploy_query
from broker.services.pacticipants import list_pacticipants
from broker.services.versions import list_versions
from broker.ui import graph, pact_docs
from broker.ui.links import UiLinks

PER_PAGE = 50
MATRIX_LIMIT = 100
STATUS_WORDS = {True: "passed", False: "failed", None: "unverified"}


def status_of(success: bool | None) -> str:
    return STATUS_WORDS[success]


# --------------------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class DashboardRow:
    item: dashboard.IntegrationSummary
    pact_href: str | None
    matrix_href: str
    verification_href: str | None


@dataclass(frozen=True)
class DashboardPage:
    rows: list[DashboardRow]
    filters: dashboard.IntegrationFilter
    environments: list[str]
    branches: list[str]
    total: int
    page: int
    pages: int
    first: int
    last: int
    previous_href: str | None
    next_href: str | None


def _clean(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def dashboard_page(
    session: Session,
    links: UiLinks,
    *,
    name: str | None,
    branch: str | None,
    environment: str | None,
    page: int,
    per_page: int = PER_PAGE,
) -> DashboardPage:
    filters = dashboard.IntegrationFilter(_clean(name), _clean(branch), _clean(environment))
    result = dashboard.integration_page(session, filters, page=page, per_page=per_page)
    rows = []
    for item in result.rows:
        verification = item.verification
        rows.append(
            DashboardRow(
                item=item,
                pact_href=links.pact(item.provider, item.consumer, version=item.consumer_version)
                if item.consumer_version
                else None,
                matrix_href=links.matrix(consumer=item.consumer, provider=item.provider),
                verification_href=links.verification(
                    item.provider, item.consumer, item.sha, verification.verification_id
                )
                if verification is not None and verification.verification_id is not None and item.sha
                else None,
            )
        )
    query = {"name": filters.name, "branch": filters.branch, "environment": filters.environment}
    first = (result.page - 1) * result.per_page + 1 if result.total else 0
    return DashboardPage(
        rows=rows,
        filters=filters,
        environments=[e.name for e in environments.list_environments(session)],
        branches=dashboard.branch_names(session),
        total=result.total,
        page=result.page,
        pages=result.pages,
        first=first,
        last=min(result.total, result.page * result.per_page),
        previous_href=links.dashboard(**query, page=result.page - 1) if result.page > 1 else None,
        next_href=links.dashboard(**query, page=result.page + 1) if result.page < result.pages else None,
    )


# --------------------------------------------------------------------------- pact


@dataclass(frozen=True)
class HistoryEntry:
    consumer_version: str
    sha: str
    published_at: datetime
    same_content: bool
    href: str
    compare_href: str


@dataclass(frozen=True)
class DiffLine:
    kind: str  # add | remove | hunk | file | context
    text: str


@dataclass(frozen=True)
class PactPage:
    pact: pacts.PactView
    doc: pact_docs.PactDoc
    branches: tuple[str, ...]
    tags: tuple[str, ...]
    history: list[HistoryEntry]
    earlier: list[HistoryEntry]
    compare: HistoryEntry | None
    diff: list[DiffLine] | None
    results: list[MatrixRowView]
    matrix_href: str
    api_href: str


def pact_page(
    session: Session,
    links: UiLinks,
    *,
    provider: str,
    consumer: str,
    version: str | None,
    compare: str | None,
) -> PactPage:
    if version:
        current = pacts.pact_for_version(session, provider, consumer, version)
    else:
        current = pacts.latest_pact(session, provider, consumer)
    _, publications = pacts.pacts_for_provider(session, provider, consumer=consumer, limit=200)
    history = [
        HistoryEntry(
            p.consumer_version,
            p.sha,
            p.created_at,
            p.sha == current.sha,
            links.pact(provider, consumer, version=p.consumer_version),
            links.pact(provider, consumer, version=current.consumer_version, compare=p.sha),
        )
        for p in publications
    ]
    earlier = [h for h in history if not h.same_content]
    compared: HistoryEntry | None = None
    diff: list[DiffLine] | None = None
    if compare:
        old = pacts.pact_by_sha(session, provider, consumer, compare)
        compared = next((h for h in history if h.sha == compare), None)
        diff = _diff_lines(pacts.diff_texts(old, current))
    labels = dashboard.version_labels(session, [current.consumer_version_id])
    branches, tags = labels.get(current.consumer_version_id, ((), ()))
    query = MatrixQuery(
        selectors=(MatrixSelector(consumer, version=current.consumer_version), MatrixSelector(provider)),
        limit=MATRIX_LIMIT,
    )
    result = matrix.evaluate_matrix(session, query)
    return PactPage(
        pact=current,
        doc=pact_docs.document(current.content),
        branches=branches,
        tags=tags,
        history=history,
        earlier=earlier,
        compare=compared,
        diff=diff,
        results=[_matrix_row(links, result, row) for row in result.rows],
        matrix_href=links.matrix(consumer=consumer, provider=provider),
        api_href=links.api.pact_for_version(provider, consumer, current.consumer_version),
    )


def _diff_lines(text: str) -> list[DiffLine]:
    lines = []
    for line in text.splitlines():
        if line.startswith(("+++", "---")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "remove"
        else:
            kind = "context"
        lines.append(DiffLine(kind, line))
    return lines


# --------------------------------------------------------------------------- matrix


@dataclass(frozen=True)
class MatrixRowView:
    row: matrix.MatrixRow
    status: str
    consumer_labels: matrix.VersionDetails | None
    provider_labels: matrix.VersionDetails | None
    pact_href: str
    verification_href: str | None
    kind: str  # "Pact verification" | "OpenAPI cross-check"


@dataclass(frozen=True)
class MatrixPage:
    consumer: str | None
    provider: str | None
    consumer_version: str | None
    provider_version: str | None
    status: str | None
    pacticipants: list[str]
    rows: list[MatrixRowView]
    error: str | None
    counts: dict[str, int]


def _matrix_row(links: UiLinks, result: matrix.MatrixResult, row: matrix.MatrixRow) -> MatrixRowView:
    return MatrixRowView(
        row=row,
        status=status_of(row.success),
        consumer_labels=result.versions.get(row.consumer_version_id),
        provider_labels=result.versions.get(row.provider_version_id) if row.provider_version_id else None,
        pact_href=links.pact(row.provider, row.consumer, version=row.consumer_version),
        verification_href=_result_href(links, row),
        kind="OpenAPI cross-check" if row.verification_type == "BDCT" else "Pact verification",
    )


def _result_href(links: UiLinks, row: matrix.MatrixRow) -> str | None:
    """Pact verifications link to their result, OpenAPI cross-checks to the provider contract."""
    if row.verification_type == "BDCT" and row.provider_version:
        return links.provider_contract(row.provider, row.provider_version)
    if row.verification_id is not None:
        return links.verification(row.provider, row.consumer, row.sha, row.verification_id)
    return None


def matrix_page(
    session: Session,
    links: UiLinks,
    *,
    consumer: str | None,
    provider: str | None,
    consumer_version: str | None,
    provider_version: str | None,
    status: str | None,
) -> MatrixPage:
    consumer, provider = _clean(consumer), _clean(provider)
    consumer_version, provider_version = _clean(consumer_version), _clean(provider_version)
    status = status if status in ("passed", "failed", "unverified") else None
    names = [p.name for p in list_pacticipants(session)]
    selectors = []
    if consumer:
        selectors.append(MatrixSelector(consumer, version=consumer_version))
    if provider:
        selectors.append(MatrixSelector(provider, version=provider_version))
    rows: list[MatrixRowView] = []
    error = None
    counts: dict[str, int] = {}
    if selectors:
        success = {"passed": (True,), "failed": (False,), "unverified": (None,)}.get(status or "")
        query = MatrixQuery(selectors=tuple(selectors), limit=MATRIX_LIMIT, success=success)
        try:
            result = matrix.evaluate_matrix(session, query)
        except BrokerError as exc:
            error = exc.message
        else:
            rows = [_matrix_row(links, result, row) for row in result.rows]
            for view in rows:
                counts[view.status] = counts.get(view.status, 0) + 1
    return MatrixPage(
        consumer, provider, consumer_version, provider_version, status, names, rows, error, counts
    )


# --------------------------------------------------------------------------- can-i-deploy


@dataclass(frozen=True)
class Reason:
    kind: str  # success | error | warning | info
    text: str


@dataclass(frozen=True)
class CanIDeployPage:
    pacticipant: str | None
    version: str | None
    environment: str | None
    pacticipants: list[str]
    versions: list[str]
    environments: list[str]
    asked: bool
    answer: str | None  # yes | no | unknown
    reasons: list[Reason]
    rows: list[MatrixRowView]
    error: str | None
    counts: dict[str, int] = field(default_factory=dict)


def can_i_deploy_page(
    session: Session,
    links: UiLinks,
    *,
    pacticipant: str | None,
    version: str | None,
    environment: str | None,
) -> CanIDeployPage:
    pacticipant, version, environment = _clean(pacticipant), _clean(version), _clean(environment)
    names = [p.name for p in list_pacticipants(session)]
    versions: list[str] = []
    if pacticipant:
        try:
            versions = [v.number for v in list_versions(session, pacticipant, limit=50)[1]]
        except NotFound:
            versions = []
    envs = [e.name for e in environments.list_environments(session)]
    asked = bool(pacticipant or version or environment)
    if not asked:
        return CanIDeployPage(None, None, None, names, versions, envs, False, None, [], [], None)
    try:
        query = parse_can_i_deploy_query(
            {"pacticipant": pacticipant or "", "version": version or "", "environment": environment or ""}
        )
        result = matrix.evaluate_matrix(session, query)
    except BrokerError as exc:
        return CanIDeployPage(
            pacticipant, version, environment, names, versions, envs, True, None, [], [], exc.message
        )
    answer = {True: "yes", False: "no", None: "unknown"}[result.deployable]
    return CanIDeployPage(
        pacticipant,
        version,
        environment,
        names,
        versions,
        envs,
        True,
        answer,
        [Reason(n["type"], n["text"]) for n in result.notices],
        [_matrix_row(links, result, row) for row in result.rows],
        None,
        dict(result.counts),
    )


# --------------------------------------------------------------------------- verification result


@dataclass(frozen=True)
class TestOutcome:
    description: str
    success: bool | None
    mismatches: list[str]


@dataclass(frozen=True)
class VerificationPage:
    result: verifications.VerificationResult
    outcomes: list[TestOutcome]
    raw: str | None
    pact_href: str
    matrix_href: str


def verification_page(
    session: Session, links: UiLinks, *, provider: str, consumer: str, sha: str, number: str
) -> VerificationPage:
    result = verifications.get_verification(
        session, provider=provider, consumer=consumer, sha=sha, number=number
    )
    outcomes = _outcomes(result.test_results)
    raw = json.dumps(result.test_results, indent=2, ensure_ascii=False) if result.test_results else None
    pact = pacts.pact_by_sha(session, provider, consumer, sha)
    return VerificationPage(
        result=result,
        outcomes=outcomes,
        raw=raw,
        pact_href=links.pact(provider, consumer, version=pact.consumer_version or None),
        matrix_href=links.matrix(consumer=consumer, provider=provider),
    )


def _mismatch_text(mismatch: Any) -> str:
    if isinstance(mismatch, str):
        return mismatch
    if isinstance(mismatch, dict):
        parts = [str(mismatch.get(k)) for k in ("attribute", "identifier", "path") if mismatch.get(k)]
        text = mismatch.get("description") or mismatch.get("mismatch") or ""
        if not text and ("expected" in mismatch or "actual" in mismatch):
            text = f"expected {mismatch.get('expected')!r}, got {mismatch.get('actual')!r}"
        return (" ".join(parts) + ": " if parts else "") + str(text or json.dumps(mismatch))
    return json.dumps(mismatch)


def _outcomes(test_results: Any) -> list[TestOutcome]:
    """Readable outcomes of the ``testResults`` verifiers publish (pact-ruby / Rust / Tether shapes)."""
    tests: Any = None
    if isinstance(test_results, dict):
        tests = test_results.get("tests") or test_results.get("interactions")
    elif isinstance(test_results, list):
        tests = test_results
    if not isinstance(tests, list):
        return []
    outcomes = []
    for test in tests:
        if not isinstance(test, dict):
            continue
        description = str(
            test.get("testDescription")
            or test.get("interactionDescription")
            or test.get("description")
            or (f"interaction {test['interactionId']}" if test.get("interactionId") else "an interaction")
        )
        success = test.get("success")
        mismatches = test.get("mismatches") or []
        if isinstance(test.get("exception"), dict):
            mismatches = [*mismatches, test["exception"].get("message", "")]
        outcomes.append(
            TestOutcome(
                description,
                success if isinstance(success, bool) else None,
                [_mismatch_text(m) for m in (mismatches if isinstance(mismatches, list) else [mismatches])],
            )
        )
    return outcomes


# --------------------------------------------------------------------------- environments


@dataclass(frozen=True)
class EnvironmentView:
    record: environments.EnvironmentRecord
    deployed: list[environments.DeploymentRecord]
    released: list[environments.DeploymentRecord]


def environments_page(session: Session) -> list[EnvironmentView]:
    result = []
    for record in environments.list_environments(session):
        result.append(
            EnvironmentView(
                record,
                environments.current_deployments(session, "deployed", record.uuid),
                environments.current_deployments(session, "released", record.uuid),
            )
        )
    result.sort(key=lambda e: (not e.record.production, e.record.name))
    return result


# --------------------------------------------------------------------------- network


@dataclass(frozen=True)
class NetworkPage:
    layout: graph.GraphLayout
    services: int
    integrations: int
    truncated: bool


GRAPH_MAX_EDGES = 2000


def network_page(session: Session, links: UiLinks) -> NetworkPage:
    edges: list[tuple[str, str, str]] = []
    page = 1
    while True:
        result = dashboard.integration_page(
            session, dashboard.IntegrationFilter(), page=page, per_page=dashboard.MAX_PER_PAGE
        )
        edges += [(r.consumer, r.provider, r.status) for r in result.rows]
        if page >= result.pages or len(edges) >= GRAPH_MAX_EDGES:
            break
        page += 1
    truncated = len(edges) < result.total
    drawn = graph.layout(
        edges,
        node_href=lambda name: links.dashboard(name=name),
        edge_href=lambda consumer, provider: links.pact(provider, consumer),
    )
    return NetworkPage(drawn, len(drawn.nodes), len(edges), truncated)


# --------------------------------------------------------------------------- webhooks


@dataclass(frozen=True)
class Delivery:
    view: webhook_triggers.TriggeredView
    logs: str


@dataclass(frozen=True)
class WebhookView:
    webhook: webhooks.StoredWebhook
    deliveries: list[Delivery]
    execute_href: str


def webhooks_page(session: Session, links: UiLinks, *, deliveries: int = 5) -> list[WebhookView]:
    result = []
    for stored in webhooks.list_webhooks(session):
        recent = webhook_triggers.list_triggered(session, webhook_uuid=stored.row.uuid, limit=deliveries)
        result.append(
            WebhookView(
                stored,
                [Delivery(v, webhook_triggers.triggered_logs(session, v.row.uuid)) for v in recent],
                links.api.path("webhooks", stored.row.uuid, "execute"),
            )
        )
    return result


# --------------------------------------------------------------------------- provider contracts


def provider_contracts_page(session: Session) -> list[dashboard.ContractVersion]:
    return dashboard.provider_contract_versions(session)


@dataclass(frozen=True)
class CheckRow:
    check: provider_contracts.CheckView
    status: str
    pact_href: str


@dataclass(frozen=True)
class ProviderContractPage:
    contract: provider_contracts.ContractView
    spec: str
    self_verification: str | None
    checks: list[CheckRow]


def provider_contract_page(
    db: Database, links: UiLinks, *, provider: str, version: str
) -> ProviderContractPage:
    view, checks = provider_contracts.read_checks(db, provider, version)
    contract = view.contract
    spec = contract.content
    if contract.content_type.endswith("json"):
        with contextlib.suppress(ValueError):
            spec = json.dumps(json.loads(spec), indent=2, ensure_ascii=False)
    rows = [
        CheckRow(
            check,
            status_of(check.row.success),
            links.pact(provider, check.consumer, version=check.consumer_versions[-1])
            if check.consumer_versions
            else links.pact(provider, check.consumer),
        )
        for check in checks
    ]
    return ProviderContractPage(view, spec, contract.self_verification_content, rows)
