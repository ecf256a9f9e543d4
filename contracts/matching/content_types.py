"""Content types: parsing, classification for body dispatch, equivalence, and sniffing."""

from __future__ import annotations

import enum
import functools
import json
from dataclasses import dataclass, field

import filetype


class BodyKind(enum.Enum):
    JSON = "json"
    XML = "xml"
    TEXT = "text"
    FORM = "form"
    MULTIPART = "multipart"
    BINARY = "binary"


@dataclass(frozen=True, slots=True)
class MediaType:
    main: str
    sub: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"{self.main}/{self.sub}"

    @property
    def suffix(self) -> str | None:
        return self.sub.rsplit("+", 1)[1] if "+" in self.sub else None


def parse_media_type(value: str) -> MediaType:
    """`application/json; charset=UTF-8` -> MediaType('application', 'json', {'charset': 'UTF-8'})."""
    head, *params = value.split(";")
    main, _, sub = head.strip().partition("/")
    parsed: dict[str, str] = {}
    for param in params:
        name, _, param_value = param.strip().partition("=")
        if name:
            parsed[name.strip().lower()] = param_value.strip().strip('"')
    return MediaType(main.strip().lower(), sub.strip().lower(), parsed)


_TEXTUAL_APPLICATION = ("javascript", "ecmascript", "yaml", "x-yaml", "graphql", "x-sh", "sql", "csv")


@functools.lru_cache(maxsize=1024)
def classify(content_type: str | None) -> BodyKind:
    """Which comparison a body of this content type gets."""
    if not content_type:
        return BodyKind.TEXT
    media = parse_media_type(content_type)
    sub = media.sub
    if media.main == "multipart":
        return BodyKind.MULTIPART
    if media.base == "application/x-www-form-urlencoded":
        return BodyKind.FORM
    if sub == "json" or media.suffix == "json" or "json" in sub or sub == "graphql":
        return BodyKind.JSON
    if sub == "xml" or media.suffix == "xml":
        return BodyKind.XML
    if media.main == "text":
        return BodyKind.TEXT
    if media.main == "application" and any(name in sub for name in _TEXTUAL_APPLICATION):
        return BodyKind.TEXT
    return BodyKind.BINARY


@functools.lru_cache(maxsize=1024)
def equivalent(expected: str, actual: str) -> bool:
    """Body content-type gate: same type/subtype, or the actual's `+json`/`+xml` base equals the expected."""
    want = parse_media_type(expected)
    got = parse_media_type(actual)
    if want.base == got.base:
        return True
    suffix = got.suffix
    if suffix is not None and want.base == f"{got.main}/{suffix}":
        return True
    want_kind = classify(expected)
    return (
        want_kind in (BodyKind.JSON, BodyKind.XML) and want_kind is classify(actual) and want.sub == got.sub
    )


@functools.lru_cache(maxsize=1024)
def params_match(expected: str, actual: str) -> bool:
    """Content-Type/Accept value comparison: media type equal, every expected parameter present with a
    case-insensitively equal value (extra actual parameters and parameter order do not matter)."""
    # [ref]: the media type itself is compared case-sensitively, parameter values case-insensitively.
    if expected.split(";", 1)[0].strip() != actual.split(";", 1)[0].strip():
        return False
    want = parse_media_type(expected)
    got = parse_media_type(actual)
    for name, value in want.params.items():
        other = got.params.get(name)
        if other is None or other.lower() != value.lower():
            return False
    return True


def sniff_text(text: str) -> str:
    """Guess the content type of a body that declares none."""
    stripped = text.lstrip()
    head = stripped[:16].lower()
    if head.startswith("<?xml"):
        return "application/xml"
    if head.startswith(("<!doctype", "<html")):
        return "text/html"
    if head.startswith("<") and len(head) > 1 and (head[1].isalpha() or head[1] == "_"):
        return "application/xml"
    if (
        stripped[:1] in ("{", "[", '"')
        or stripped[:1].isdigit()
        or stripped[:1] == "-"
        or head
        in (
            "true",
            "false",
            "null",
        )
    ):
        try:
            json.loads(stripped)
        except ValueError:
            return "text/plain"
        return "application/json"
    return "text/plain"


def sniff_bytes(data: bytes) -> str | None:
    """Content type detected from magic numbers (the `contentType` matcher), or None if unknown."""
    kind = filetype.guess(data)
    if kind is not None:
        return str(kind.mime)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return sniff_text(text)
