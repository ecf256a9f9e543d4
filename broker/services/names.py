"""Names of pacticipants, versions, branches, tags and environments: what the broker accepts."""

from __future__ import annotations

from broker.errors import ValidationFailed
from broker.tables.core import NAME_LENGTH


def check_name(value: object, field: str, *, what: str = "name", allow_slash: bool = True) -> str:
    """Refuse blank, multi-line, over-long names, control characters and ``.``/``..`` (path injection)."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(f"The {what} must be a non-blank string.", field=field)
    if len(value) > NAME_LENGTH:
        raise ValidationFailed(f"The {what} is longer than {NAME_LENGTH} characters.", field=field)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValidationFailed(
            f"The {what} {value!r} contains a line break or control character.", field=field
        )
    if any(part.strip() in {".", ".."} for part in value.replace("\\", "/").split("/")):
        raise ValidationFailed(
            f"The {what} {value!r} is not allowed: '.' and '..' would be read as relative paths.", field=field
        )
    if value != value.strip():
        raise ValidationFailed(f"The {what} {value!r} has leading or trailing whitespace.", field=field)
    if not allow_slash and ("/" in value or "\\" in value):
        raise ValidationFailed(f"The {what} {value!r} must not contain '/' or '\\'.", field=field)
    return value
