"""HAL representations of provider contracts and their cross-contract results (PactFlow's shapes)."""

from __future__ import annotations

from typing import Any

from broker.clock import iso
from broker.hal import Urls, link
from broker.services.provider_contracts import CheckView, ContractView, PublishedContract


def contract_url(urls: Urls, provider: str, version: str) -> str:
    return urls.path(
        "contracts", "bi-directional", "provider", provider, "version", version, "provider-contract"
    )


def self_verification_url(urls: Urls, provider: str, version: str) -> str:
    return urls.path(
        "contracts",
        "bi-directional",
        "provider",
        provider,
        "version",
        version,
        "provider-contract-verification-results",
    )


def cross_results_url(urls: Urls, provider: str, version: str) -> str:
    return urls.path(
        "contracts",
        "bi-directional",
        "provider",
        provider,
        "version",
        version,
        "cross-contract-verification-results",
    )


def pair_results_url(urls: Urls, provider: str, version: str, consumer: str, sha: str) -> str:
    """Where a BDCT matrix row's ``verificationResult._links.self`` points (PactFlow's URL)."""
    return urls.path(
        "contracts",
        "provider",
        provider,
        "version",
        version,
        "consumer",
        consumer,
        "pact-version",
        sha,
        "verification-results",
    )


def render_published(urls: Urls, published: PublishedContract) -> dict[str, Any]:
    provider, version = published.provider, published.version
    described = f"{provider} version {version}"
    if published.branch:
        described += f" with branch {published.branch}"
    if published.tags:
        described += (
            f" and tags {', '.join(published.tags)}"
            if published.branch
            else f" with tags {', '.join(published.tags)}"
        )
    if published.unchanged:
        action = f"Provider contract for {described} republished with no content changes"
    elif published.replaced:
        action = f"Provider contract for {described} replaced"
    else:
        action = f"Provider contract for {described} published"
    verification = published.contract.self_verification_success
    notices = [
        {"type": "success", "text": action + "."},
        {
            "type": "info" if verification is not False else "warning",
            "text": "Self-verification result: "
            + (
                "passed"
                if verification
                else "failed"
                if verification is False
                else "not provided (the contract cannot be deployable until one is)"
            ),
        },
        {
            "type": "info",
            "text": f"{published.queued_checks} consumer pact(s) queued for the cross-contract check against this contract."
            if published.queued_checks
            else "No consumer pacts to check against this contract yet.",
        },
        {
            "type": "info",
            "text": f"View the cross-contract results at {cross_results_url(urls, provider, version)}",
        },
    ]
    version_href = urls.version(provider, version)
    links: dict[str, Any] = {
        "pb:pacticipant": link(urls.pacticipant(provider), title="Pacticipant", name=provider),
        "pb:pacticipant-version": link(version_href, title="Pacticipant version", name=version),
        "pb:pacticipant-version-tags": [
            link(urls.tag(provider, version, tag), title="Tag", name=tag) for tag in published.tags
        ],
        "pf:provider-contract": link(contract_url(urls, provider, version), title="Provider contract"),
        "pf:cross-contract-verification-results": link(
            cross_results_url(urls, provider, version), title="Cross-contract verification results"
        ),
    }
    if published.branch:
        links["pb:branch-version"] = link(
            urls.branch_version(provider, published.branch, version),
            title="Branch version",
            name=published.branch,
        )
    return {
        "notices": notices,
        "_embedded": {
            "version": {
                "number": version,
                "_links": {"self": link(version_href, title="Version", name=version)},
            }
        },
        "_links": links,
    }


def render_contract(urls: Urls, view: ContractView) -> dict[str, Any]:
    contract = view.contract
    return {
        "provider": {"name": view.provider},
        "providerVersion": {"number": view.version, "branches": list(view.branches), "tags": list(view.tags)},
        "specification": contract.specification,
        "contentType": contract.content_type,
        "content": contract.content,
        "createdAt": iso(contract.created_at),
        "updatedAt": iso(contract.updated_at),
        "_links": {
            "self": link(contract_url(urls, view.provider, view.version), title="Provider contract"),
            "pb:pacticipant": link(urls.pacticipant(view.provider), title="Provider", name=view.provider),
            "pb:pacticipant-version": link(
                urls.version(view.provider, view.version), title="Provider version", name=view.version
            ),
            "pf:provider-contract-verification-results": link(
                self_verification_url(urls, view.provider, view.version), title="Self-verification result"
            ),
            "pf:cross-contract-verification-results": link(
                cross_results_url(urls, view.provider, view.version),
                title="Cross-contract verification results",
            ),
        },
    }


def render_self_verification(urls: Urls, view: ContractView) -> dict[str, Any]:
    contract = view.contract
    return {
        "success": contract.self_verification_success,
        "content": contract.self_verification_content,
        "contentType": contract.self_verification_content_type,
        "format": contract.self_verification_format,
        "verifier": contract.verifier,
        "verifierVersion": contract.verifier_version,
        "_links": {
            "self": link(
                self_verification_url(urls, view.provider, view.version), title="Self-verification result"
            ),
            "pf:provider-contract": link(
                contract_url(urls, view.provider, view.version), title="Provider contract"
            ),
        },
    }


def _cross(check: CheckView) -> dict[str, Any]:
    row = check.check
    results: dict[str, Any] = {"errors": row.errors, "warnings": row.warnings}
    if row.failure_reason:
        results["failureReason"] = row.failure_reason
    return {
        "success": row.success,
        "status": row.status,
        "results": results,
        "verificationDate": iso(row.checked_at),
        "verifier": row.checker,
        "verifierVersion": row.checker_version,
    }


def render_pair(urls: Urls, view: ContractView, check: CheckView) -> dict[str, Any]:
    contract = view.contract
    return {
        "summary": {"success": check.row.success},
        "verificationType": "BDCT",
        "consumer": {"name": check.consumer, "versions": list(check.consumer_versions)},
        "pactVersionSha": check.pact_version_sha,
        "crossContractVerificationResults": _cross(check),
        "providerContractVerificationResults": {
            "success": contract.self_verification_success,
            "content": contract.self_verification_content,
            "contentType": contract.self_verification_content_type,
            "verifier": contract.verifier,
        },
        "_links": {
            "self": link(
                pair_results_url(urls, view.provider, view.version, check.consumer, check.pact_version_sha),
                title="Bi-directional verification result",
            ),
            "pb:pact-version": link(
                urls.pact_version(view.provider, check.consumer, check.pact_version_sha),
                title="Pact",
                name=check.pact_version_sha,
            ),
            "pf:provider-contract": link(
                contract_url(urls, view.provider, view.version), title="Provider contract"
            ),
        },
    }


def render_cross_results(urls: Urls, view: ContractView, checks: list[CheckView]) -> dict[str, Any]:
    counts = {"success": 0, "failure": 0, "unknown": 0}
    for check in checks:
        verdict = check.row.success
        counts["unknown" if verdict is None else "success" if verdict else "failure"] += 1
    return {
        "provider": {"name": view.provider},
        "providerVersion": {"number": view.version},
        "summary": counts,
        "results": [render_pair(urls, view, check) for check in checks],
        "_links": {
            "self": link(
                cross_results_url(urls, view.provider, view.version),
                title="Cross-contract verification results",
            ),
            "pf:provider-contract": link(
                contract_url(urls, view.provider, view.version), title="Provider contract"
            ),
        },
    }
