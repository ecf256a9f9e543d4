"""Telling browsers from API clients by their ``Accept`` header.

Browsers ask for ``text/html`` first; the Pact clients send ``application/hal+json, application/json``
(Rust CLI and verifiers), ``*/*`` (pact_models, curl, httpx) or nothing, and must keep getting HAL."""

from __future__ import annotations


def wants_html(accept: str | None) -> bool:
    """True when ``text/html`` is acceptable and preferred to (or as good as) any JSON type."""
    if not accept:
        return False
    html = json = -1.0
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if media in ("text/html", "application/xhtml+xml"):
            html = max(html, quality)
        elif media.endswith("json"):
            json = max(json, quality)
    return html > 0 and html >= json
