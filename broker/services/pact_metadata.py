"""The ``/metadata/{m}`` part of pact URLs handed out by "pacts for verification".

``m`` is base64url (no padding) of a Rack-style query string with the Pact Broker's abbreviated keys:
``s[][b]`` branch, ``s[][t]`` tag, ``s[][l]`` latest, ``s[][e]`` environment, ``s[][cv]`` consumer
version id, ``p`` pending, ``w`` wip, ``cvn`` consumer version number, ``cvt[]`` consumer version tags.
The verifiers treat it as opaque and send it back on the verification-results URL, which tells the
broker which consumer versions were verified and whether the run was a pending or WIP one.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from broker.nested_query import build_nested_query, parse_nested_query


@dataclass(frozen=True)
class SelectorMetadata:
    consumer_version_id: int | None = None
    branch: str | None = None
    tag: str | None = None
    latest: bool = False
    environment: str | None = None


@dataclass(frozen=True)
class PactMetadata:
    selectors: tuple[SelectorMetadata, ...] = ()
    pending: bool = False
    wip: bool = False
    consumer_version_number: str | None = None
    consumer_version_tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def consumer_version_ids(self) -> list[int]:
        ids: list[int] = []
        for selector in self.selectors:
            if selector.consumer_version_id is not None and selector.consumer_version_id not in ids:
                ids.append(selector.consumer_version_id)
        return ids


def encode_metadata(metadata: PactMetadata) -> str:
    params: list[tuple[str, str]] = []
    for selector in metadata.selectors:
        entry: list[tuple[str, str]] = []
        if selector.branch is not None:
            entry.append(("s[][b]", selector.branch))
        if selector.tag is not None:
            entry.append(("s[][t]", selector.tag))
        if selector.latest:
            entry.append(("s[][l]", "true"))
        if selector.environment is not None:
            entry.append(("s[][e]", selector.environment))
        if selector.consumer_version_id is not None:
            entry.append(("s[][cv]", str(selector.consumer_version_id)))
        params.extend(entry)
    if metadata.pending:
        params.append(("p", "true"))
    if metadata.wip:
        params.append(("w", "true"))
    if metadata.consumer_version_number is not None:
        params.append(("cvn", metadata.consumer_version_number))
    params.extend(("cvt[]", tag) for tag in metadata.consumer_version_tags)
    raw = build_nested_query(params).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_metadata(encoded: str | None) -> PactMetadata:
    """Decode ``m``; anything unreadable decodes to empty metadata (the pact is still served)."""
    if not encoded:
        return PactMetadata()
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return PactMetadata()
    query = parse_nested_query(raw)
    selectors: list[SelectorMetadata] = []
    raw_selectors = query.get("s")
    if isinstance(raw_selectors, list):
        for item in raw_selectors:
            if not isinstance(item, dict):
                continue
            cv = item.get("cv")
            selectors.append(
                SelectorMetadata(
                    consumer_version_id=int(cv)
                    if isinstance(cv, str) and cv.isdigit() and len(cv) < 19
                    else None,
                    branch=item.get("b"),
                    tag=item.get("t"),
                    latest=item.get("l") == "true",
                    environment=item.get("e"),
                )
            )
    tags = query.get("cvt")
    cvn = query.get("cvn")
    return PactMetadata(
        selectors=tuple(selectors),
        pending=query.get("p") == "true",
        wip=query.get("w") == "true",
        consumer_version_number=cvn if isinstance(cvn, str) else None,
        consumer_version_tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
    )
