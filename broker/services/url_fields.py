"""URL fields people click in pages and CLI output (``buildUrl``, ``repositoryUrl``): absolute http(s)
URLs only, so a stored ``javascript:`` or ``file:`` URL can never become a link. A repository URL may
also be a git remote (``git@host:group/repo``, ``ssh://``, ``git://``), which is shown as text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from broker.errors import ValidationFailed


def check_http_url(value: object, field: str) -> str | None:
    """``None`` and ``""`` (no URL) pass; anything else must be an absolute http(s) URL on one line."""
    if value is None or value == "":
        return value
    if not isinstance(value, str):
        raise ValidationFailed(f"{field} must be a string (an http(s) URL).", field=field)
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in value):
        raise ValidationFailed(
            f"{field} must be a URL without spaces, line breaks or control characters (got {value!r}).",
            field=field,
        )
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError as exc:
        raise ValidationFailed(f"{field} {value!r} is not a valid URL: {exc}.", field=field) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationFailed(
            f"{field} must be an absolute http(s) URL such as https://ci.example.com/builds/42 (got {value!r}).",
            field=field,
        )
    return value


GIT_SCHEMES = ("ssh", "git", "git+ssh")
SCP_LIKE = re.compile(r"[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._~/-]+")


def check_repository_url(value: object, field: str) -> str | None:
    """An http(s) URL, or a git remote: ``user@host:path`` (scp-like) or an ssh/git URL with a host."""
    if isinstance(value, str) and value:
        if SCP_LIKE.fullmatch(value):
            return value
        parts = urlsplit(value) if not any(ord(ch) < 33 or ord(ch) == 127 for ch in value) else None
        if parts is not None and parts.scheme.lower() in GIT_SCHEMES:
            if not parts.hostname:
                raise ValidationFailed(f"{field} {value!r} names no host.", field=field)
            return value
        if parts is not None and parts.scheme.lower() not in ("http", "https", ""):
            raise ValidationFailed(
                f"{field} must be an absolute http(s) URL or a git remote such as "
                f"git@github.com:org/repo.git (got {value!r}).",
                field=field,
            )
    return check_http_url(value, field)
