"""Credentials are stored but never shown: passwords and Authorization/token headers are masked."""

from __future__ import annotations

import re
from collections.abc import Mapping

MASK = "**********"
SENSITIVE_HEADER = re.compile(r"authorization|token|api[-_]?key|secret|cookie", re.IGNORECASE)


def is_templated(value: str) -> bool:
    """A value made of ``${...}`` placeholders holds no secret itself and may be shown."""
    return "${" in value


def redact_headers(headers: Mapping[str, str], *, keep_templated: bool = True) -> dict[str, str]:
    return {
        name: value if not SENSITIVE_HEADER.search(name) or (keep_templated and is_templated(value)) else MASK
        for name, value in headers.items()
    }


def redact_password(password: str | None) -> str | None:
    if password is None:
        return None
    return password if is_templated(password) else MASK


def scrub(text: str, secrets: list[str]) -> str:
    """Remove every occurrence of the given secret values (e.g. a rendered password) from a log."""
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
