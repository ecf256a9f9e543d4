"""HAL for pacts for verification (§3.3) and verification results (§4)."""

from __future__ import annotations

from typing import Any

from broker.clock import iso
from broker.hal import Urls, curies, link
from broker.services.for_verification import PactsForVerification
from broker.services.verification_notices import (
    after_verification_notices,
    inclusion_reason,
    pending_reason,
    short_descriptions,
)
from broker.services.verifications import ConsumerVersionSummary, VerificationResult

GET_DEPRECATION = (
    "WARNING - this version of the Pact library uses a beta version of the API which will be removed "
    "in the future. Please upgrade your Pact library. See "
    "https://docs.pact.io/pact_broker/advanced_topics/provider_verification_results for details."
)


def for_verification_url(urls: Urls, provider: str) -> str:
    return urls.path("pacts", "provider", provider, "for-verification")


def render_pacts_for_verification(urls: Urls, result: PactsForVerification) -> dict[str, Any]:
    entries: list[dict[str, Any]] = []
    request = result.request
    for pact in result.pacts:
        metadata = pact.metadata
        pact_url = urls.pact_version(result.provider, pact.consumer, pact.sha, metadata)
        notices: list[dict[str, str]] = []
        if request.from_get:
            notices.append({"when": "before_verification", "text": GET_DEPRECATION})
        notices.append(
            {
                "when": "before_verification",
                "text": inclusion_reason(
                    pact_url=pact_url,
                    consumer=pact.consumer,
                    provider=result.provider,
                    reasons=pact.reasons,
                    wip=pact.wip,
                ),
            }
        )
        properties: dict[str, Any] = {}
        if request.include_pending_status and pact.pending is not None:
            properties["pending"] = pact.pending.pending
            notices.append(
                {"when": "before_verification", "text": pending_reason(pact.pending, result.provider)}
            )
            notices.extend(after_verification_notices(pact.pending, result.provider))
        elif pact.wip and pact.pending is not None:
            properties["pending"] = True
            notices.extend(after_verification_notices(pact.pending, result.provider))
        if pact.wip:
            properties["wip"] = True
        properties["notices"] = notices
        entries.append(
            {
                "shortDescription": short_descriptions(pact.reasons),
                "verificationProperties": properties,
                "_links": {
                    "self": link(
                        pact_url,
                        name=f"Pact between {pact.consumer} ({pact.consumer_version_number}) and {result.provider}",
                    )
                },
            }
        )
    return {
        "_embedded": {"pacts": entries},
        "_links": {
            "self": link(for_verification_url(urls, result.provider), title="Pacts to be verified"),
            "curies": curies(urls.base, "pacts-for-verification"),
        },
    }


def render_for_verification_index(urls: Urls, provider: str) -> dict[str, Any]:
    """``GET`` without a query: the Rust verifier reads ``_links.self`` and POSTs to it."""
    return {"_links": {"self": link(for_verification_url(urls, provider), title="Pacts to be verified")}}


def verification_url(urls: Urls, result: VerificationResult, metadata: str | None = None) -> str:
    base = urls.verification_results(result.provider, result.consumer, result.sha, metadata)
    return f"{base}/{result.id}"


def render_verification(urls: Urls, result: VerificationResult) -> dict[str, Any]:
    verified_by = result.verified_by if isinstance(result.verified_by, dict) else {}
    return {
        "providerName": result.provider,
        "providerApplicationVersion": result.provider_version,
        "providerVersionBranch": result.provider_version_branch,
        "providerVersionTags": list(result.provider_version_tags),
        "success": result.success,
        "verificationDate": iso(result.execution_date),
        "buildUrl": result.build_url,
        "testResults": result.test_results,
        "verifiedBy": {
            "implementation": verified_by.get("implementation"),
            "version": verified_by.get("version"),
            **{k: v for k, v in verified_by.items() if k not in ("implementation", "version")},
        },
        "wip": result.wip,
        "pending": result.pending,
        "_links": {
            "self": link(
                verification_url(urls, result),
                title="Verification result",
                name=f"Verification result {result.id}",
            ),
            "pb:pact-version": link(
                urls.pact_version(result.provider, result.consumer, result.sha),
                title="Pact",
                name=f"Pact between {result.consumer} and {result.provider}",
            ),
            "pb:provider-version": link(
                urls.version(result.provider, result.provider_version),
                title="Provider version",
                name=result.provider_version,
            ),
            "pb:triggered-webhooks": link(
                f"{verification_url(urls, result)}/triggered-webhooks",
                title="Webhooks triggered by the publication of this verification result",
            ),
            "curies": curies(urls.base, "verification-result"),
        },
    }


def render_consumer_version_summary(urls: Urls, summary: ConsumerVersionSummary) -> dict[str, Any]:
    """``GET /verification-results/consumer/{c}/version/{v}/latest``."""
    successful = [p for p, r in summary.results if r is not None and r.success]
    failed = [p for p, r in summary.results if r is not None and not r.success]
    unknown = [p for p, r in summary.results if r is None]
    return {
        "success": summary.success,
        "providerSummary": {"successful": successful, "failed": failed, "unknown": unknown},
        "_embedded": {
            "verificationResults": [render_verification(urls, r) for _, r in summary.results if r is not None]
        },
        "_links": {
            "self": link(
                urls.path(
                    "verification-results", "consumer", summary.consumer, "version", summary.version, "latest"
                ),
                title="Latest verification results for consumer version",
            )
        },
    }
