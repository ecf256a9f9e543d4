"""HAL for the matrix and can-i-deploy (broker-api.md §5.3)."""

from __future__ import annotations

from typing import Any

from broker.clock import iso
from broker.hal import Urls, link
from broker.services.matrix import MatrixResult, MatrixRow, VersionDetails
from broker.services.pact_metadata import PactMetadata, encode_metadata
from broker.views.provider_contracts import pair_results_url

EMPTY = VersionDetails((), (), ())


def _version(urls: Urls, pacticipant: str, number: str, details: VersionDetails) -> dict[str, Any]:
    branches = [
        {"name": name, "_links": {"self": link(urls.branch(pacticipant, name))}} for name in details.branches
    ]
    return {
        "number": number,
        "branch": details.branches[-1] if details.branches else None,
        "branches": branches,
        "branchVersions": [
            {"name": name, "_links": {"self": link(urls.branch_version(pacticipant, name, number))}}
            for name in details.branches
        ],
        "environments": [
            {"name": name, "currentlyDeployed" if kind == "deployed" else "currentlySupported": True}
            for kind, name in details.environments
        ],
        "tags": [
            {"name": tag, "_links": {"self": link(urls.tag(pacticipant, number, tag))}}
            for tag in details.tags
        ],
        "_links": {"self": link(urls.version(pacticipant, number))},
    }


def render_row(
    urls: Urls, row: MatrixRow, versions: dict[int, VersionDetails], *, with_type: bool = False
) -> dict[str, Any]:
    consumer_details = versions.get(row.consumer_version_id, EMPTY)
    body: dict[str, Any] = {
        "consumer": {
            "name": row.consumer,
            "_links": {"self": link(urls.pacticipant(row.consumer))},
            "version": _version(urls, row.consumer, row.consumer_version, consumer_details),
        },
        "provider": {
            "name": row.provider,
            "_links": {"self": link(urls.pacticipant(row.provider))},
            "version": None,
        },
        "pact": {
            "createdAt": iso(row.pact_created_at),
            "_links": {"self": link(urls.pact_for_version(row.provider, row.consumer, row.consumer_version))},
        },
        "verificationResult": None,
    }
    if row.provider_version is not None and row.provider_version_id is not None:
        body["provider"]["version"] = _version(
            urls, row.provider, row.provider_version, versions.get(row.provider_version_id, EMPTY)
        )
    if row.verification_type == "BDCT" and row.provider_version is not None:
        href = pair_results_url(urls, row.provider, row.provider_version, row.consumer, row.sha)
        body["verificationResult"] = {
            "success": row.success,
            "verifiedAt": iso(row.verified_at),
            "_links": {"self": link(href)},
        }
    elif row.verification_id is not None:
        metadata = encode_metadata(PactMetadata(consumer_version_number=row.consumer_version))
        href = (
            urls.verification_results(row.provider, row.consumer, row.sha, metadata)
            + f"/{row.verification_id}"
        )
        body["verificationResult"] = {
            "success": row.success,
            "verifiedAt": iso(row.verified_at),
            "_links": {"self": link(href)},
        }
    if with_type:
        body["verificationType"] = row.verification_type
    if row.ignored:
        body["ignored"] = True
    return body


def render_matrix(urls: Urls, result: MatrixResult) -> dict[str, Any]:
    with_type = any(row.verification_type == "BDCT" for row in result.rows)  # as PactFlow shows it
    summary: dict[str, Any] = {
        "deployable": result.deployable,
        "reason": "\n".join(result.reasons),
        **result.counts,
    }
    return {
        "summary": summary,
        "notices": result.notices,
        "matrix": [render_row(urls, row, result.versions, with_type=with_type) for row in result.rows],
    }
