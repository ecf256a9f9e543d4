"""Extension points: other broker areas add links to the core resources without editing them.

Example (environments): register a function that returns ``pb:record-deployment`` /
``pb:record-release`` arrays for a version::

    from broker.extensions import add_version_links

    def _environment_links(session, urls, pacticipant, version):
        return {"pb:record-deployment": [...], "pb:record-release": [...]}

    add_version_links(_environment_links)

Providers are called inside the read transaction that renders the resource; what they return is
merged into the resource's ``_links`` (later registrations win).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlmodel import Session

from broker.hal import Urls
from broker.tables.core import Pacticipant, Version

VersionLinks = Callable[[Session, Urls, Pacticipant, Version], Mapping[str, Any]]
PacticipantLinks = Callable[[Session, Urls, Pacticipant], Mapping[str, Any]]

_version_links: list[VersionLinks] = []
_pacticipant_links: list[PacticipantLinks] = []


def add_version_links(provider: VersionLinks) -> None:
    if provider not in _version_links:
        _version_links.append(provider)


def add_pacticipant_links(provider: PacticipantLinks) -> None:
    if provider not in _pacticipant_links:
        _pacticipant_links.append(provider)


def version_links(session: Session, urls: Urls, pacticipant: Pacticipant, version: Version) -> dict[str, Any]:
    links: dict[str, Any] = {}
    for provider in _version_links:
        links.update(provider(session, urls, pacticipant, version))
    return links


def pacticipant_links(session: Session, urls: Urls, pacticipant: Pacticipant) -> dict[str, Any]:
    links: dict[str, Any] = {}
    for provider in _pacticipant_links:
        links.update(provider(session, urls, pacticipant))
    return links
