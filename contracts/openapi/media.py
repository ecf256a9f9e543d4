"""Media types: matching a request's Content-Type or Accept against the types a spec declares.

The matching order is the PactFlow comparator's: exact match, then ignoring parameters, then ignoring
vendor extensions (`application/vnd.x+json` ~ `application/json`), then wildcards on the spec side, then
wildcards on the request side. Unlike the comparator, an Accept list is parsed fully: every media range
is considered in order of quality, and ranges with `q=0` are excluded.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

_Q = re.compile(r";\s*q\s*=\s*([0-9.]+)", re.IGNORECASE)

JSON_LIKE = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


@functools.lru_cache(maxsize=1024)
def _normalise(media_type: str) -> str:
    return re.sub(r"\s+", "", media_type).lower()


def _strip_params(media_type: str) -> str:
    return media_type.split(";")[0]


def _type(media_type: str) -> str:
    return media_type.split("/")[0]


def _subtype(media_type: str) -> str | None:
    parts = media_type.split("/")
    if len(parts) < 2:
        return None
    return parts[1].split("+")[-1]


def quality(media_range: str) -> float:
    match = _Q.search(media_range)
    if not match:
        return 1.0
    try:
        return float(match.group(1))
    except ValueError:
        return 1.0


def accept_ranges(header: str) -> list[str]:
    """The media ranges of an Accept header, best quality first, without `q` and without `q=0` ones."""
    ranges = [r.strip() for r in header.split(",") if r.strip()]
    ranked = sorted(ranges, key=quality, reverse=True)  # sorted() is stable: ties keep header order
    return [_Q.sub("", r) for r in ranked if quality(r) > 0]


def find_matching_type(requested: Sequence[str], available: Sequence[str]) -> str | None:
    """The first declared media type (as spelled in the spec) compatible with the requested ones."""
    wanted = [_normalise(r) for r in requested]
    offered = [_normalise(a) for a in available]
    for want in wanted:
        if want in offered:
            return available[offered.index(want)]
    wanted_bare = [_strip_params(w) for w in wanted]
    offered_bare = [_strip_params(o) for o in offered]
    for want in wanted_bare:
        if want in offered_bare:
            return available[offered_bare.index(want)]
    for want in wanted_bare:
        for i, offer in enumerate(offered_bare):
            if _type(offer) == _type(want) and _subtype(offer) == _subtype(want):
                return available[i]
    for want in wanted_bare:
        for i, offer in enumerate(offered_bare):
            if _subtype(offer) == "*" and _type(offer) == _type(want):
                return available[i]
    if "*/*" in offered_bare:
        return "*/*"
    for want in wanted_bare:
        for i, offer in enumerate(offered_bare):
            if _subtype(want) == "*" and _type(offer) == _type(want):
                return available[i]
    if "*/*" in wanted_bare and available:
        return available[0]
    return None


def is_validatable(content_type: str, validatable: Sequence[str] = JSON_LIKE) -> bool:
    return find_matching_type([content_type], list(validatable)) is not None
