"""``${pactbroker.X}`` placeholders: which exist, and how they are substituted.

Values substituted into the URL are form-escaped (as the Pact Broker does); in headers, body,
username and password they are inserted raw. A known placeholder without a value becomes ``""``;
an unknown name is left untouched so a typo is visible in the delivered request. JSON bodies are
substituted string by string inside the parsed document, so a value containing a quote can never
break the JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote_plus

PLACEHOLDER = re.compile(r"\$\{pactbroker\.(\w+)\}")

KNOWN_PLACEHOLDERS: tuple[str, ...] = (
    "pactUrl",
    "verificationResultUrl",
    "consumerName",
    "providerName",
    "consumerVersionNumber",
    "providerVersionNumber",
    "consumerVersionBranch",
    "providerVersionBranch",
    "consumerVersionTags",
    "providerVersionTags",
    "consumerLabels",
    "providerLabels",
    "githubVerificationStatus",
    "bitbucketVerificationStatus",
    "gitlabVerificationStatus",
    "azureDevOpsVerificationStatus",
    "buildUrl",
    "eventName",
    "providerVersionDescriptions",
    "currentlyDeployedProviderVersionNumber",
)


def placeholders_in(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def render_text(template: str, values: Mapping[str, str], *, escape_for_url: bool = False) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in KNOWN_PLACEHOLDERS:
            return match.group(0)
        value = values.get(name) or ""
        return quote_plus(value, safe="") if escape_for_url else value

    return PLACEHOLDER.sub(replace, template)


def render_json(document: Any, values: Mapping[str, str]) -> Any:
    """Substitute placeholders in every string (keys included) of a parsed JSON document."""
    if isinstance(document, str):
        return render_text(document, values)
    if isinstance(document, list):
        return [render_json(item, values) for item in document]
    if isinstance(document, dict):
        return {render_text(str(key), values): render_json(item, values) for key, item in document.items()}
    return document


def render_body(body: Any, values: Mapping[str, str]) -> str | None:
    """The request body to send: JSON documents are serialised after substitution, text is rendered raw."""
    if body is None:
        return None
    if isinstance(body, str):
        return render_text(body, values)
    return json.dumps(render_json(body, values), separators=(",", ":"))


def sample_values() -> dict[str, str]:
    """Harmless stand-ins used to validate a URL template (the host may not come from a placeholder)."""
    return {name: "tether-placeholder" for name in KNOWN_PLACEHOLDERS}
