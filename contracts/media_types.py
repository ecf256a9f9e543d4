"""Media types, the one home for content-type handling in ``contracts``: parsing, classification
(which comparison and decoding a body gets), equivalence for matching, charsets, and sniffing the type of
a body that declares none.

(``contracts.openapi.media`` negotiates Accept lists against an OpenAPI document; it can reuse
:func:`parse_media_type` and :meth:`MediaType.suffix` for its parameter stripping and vendor suffixes.)"""

from __future__ import annotations

import enum
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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


def media_type(content_type: str | None) -> str:
    """The bare media type, lower-cased: ``"Application/JSON; charset=utf-8"`` → ``"application/json"``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


@functools.lru_cache(maxsize=1024)
def charset(content_type: str | None, default: str = "utf-8") -> str:
    """The ``charset`` parameter of a content type, or ``default``."""
    if not content_type or ";" not in content_type:
        return default
    return parse_media_type(content_type).params.get("charset") or default


def is_json_content_type(content_type: str | None) -> bool:
    """JSON bodies: ``application/json``, ``+json`` suffixes, ``*/*json*`` subtypes."""
    return bool(content_type) and classify(content_type) is BodyKind.JSON


def is_xml_content_type(content_type: str | None) -> bool:
    """XML bodies: ``application/xml``, ``text/xml``, ``+xml`` suffixes."""
    return bool(content_type) and classify(content_type) is BodyKind.XML


def is_text_content_type(content_type: str | None) -> bool:
    """Bodies that are text: JSON, XML, form data, ``text/*`` and textual ``application/*`` types."""
    return bool(content_type) and classify(content_type) in _TEXT_KINDS


_TEXT_KINDS = frozenset({BodyKind.JSON, BodyKind.XML, BodyKind.TEXT, BodyKind.FORM})


def sniff_content_type(data: bytes) -> str:
    """Guess a content type from a body's bytes, as pact-reference does when none is declared:
    XML, HTML, JSON or plain text for UTF-8 text, ``application/octet-stream`` otherwise."""
    try:
        return sniff_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        return "application/octet-stream"


_METADATA_CONTENT_TYPE_KEYS = ("contenttype", "content-type", "content_type")


def metadata_content_type(metadata: Mapping[str, Any]) -> str | None:
    """The content type a message's metadata declares (``contentType``, ``content-type``, ...), or None."""
    for key, value in metadata.items():
        if isinstance(value, str) and value and key.lower() in _METADATA_CONTENT_TYPE_KEYS:
            return value
    return None


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
