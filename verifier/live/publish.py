"""Publishing the self-check as the provider contract's self-verification (PactFlow's BDCT endpoint).

Pact replay results are published by the Rust verifier itself; this module only handles the
OpenAPI spec plus schemathesis' verdict, through ``brokerclient.client``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx

from brokerclient.errors import BrokerResponseError
from verifier.errors import VerifierError
from verifier.live.options import BrokerOptions, PublishOptions
from verifier.live.results import SelfCheckResult


class PublishError(VerifierError):
    """The broker refused (or could not be reached for) the provider contract."""


def spec_bytes(spec: str) -> tuple[bytes, str]:
    """The spec's bytes and content type, read from a file or fetched from a URL."""
    if urlsplit(spec).scheme in ("http", "https"):
        try:
            response = httpx.get(spec, timeout=30.0)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise PublishError(f"cannot fetch the spec {spec} to publish it: {exc}") from exc
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        is_json = "json" in content_type or spec.endswith(".json")
        return response.content, "application/json" if is_json else "application/yaml"
    path = Path(spec)
    return path.read_bytes(), "application/json" if path.suffix.lower() == ".json" else "application/yaml"


def publish_self_check(
    broker: BrokerOptions, provider: str, publish: PublishOptions, check: SelfCheckResult
) -> dict[str, object]:
    content, content_type = spec_bytes(check.spec)
    client = broker.client()
    try:
        return client.publish_provider_contract(
            provider,
            publish.provider_version,
            content,
            content_type=content_type,
            branch=publish.provider_branch,
            tags=publish.provider_tags,
            build_url=publish.build_url,
            self_verification={
                "success": check.success,
                "content": check.report_text or check.command,
                "contentType": "text/plain",
                "format": "text",
                "verifier": "schemathesis",
                "verifierVersion": check.tool_version,
            },
        )
    except BrokerResponseError as exc:
        raise PublishError(f"publishing the provider contract of {provider} failed: {exc}") from exc
    finally:
        client.close()
