"""The pacticipant list: each pacticipant with its latest version and its labels, in three queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from broker.services.labels import labels_of, pacticipants_with_label
from broker.tables.core import Pacticipant, Version


@dataclass(frozen=True)
class PacticipantSummary:
    pacticipant: Pacticipant
    latest: Version | None
    labels: tuple[str, ...]


def list_pacticipant_summaries(session: Session, *, label: str | None = None) -> list[PacticipantSummary]:
    """Every pacticipant (or those with ``label``) by name; "latest version" is the newest created."""
    if label is None:
        pacticipants = list(session.exec(select(Pacticipant).order_by(col(Pacticipant.name))).all())
    else:
        pacticipants = list(pacticipants_with_label(session, label))
    ids = [p.id for p in pacticipants if p.id is not None]
    latest: dict[int, Version] = {}
    if ids:
        newest = (
            select(func.max(col(Version.id)))
            .where(col(Version.pacticipant_id).in_(ids))
            .group_by(col(Version.pacticipant_id))
        )
        for version in session.exec(select(Version).where(col(Version.id).in_(newest))).all():
            latest[version.pacticipant_id] = version
    labels = labels_of(session, ids)
    return [PacticipantSummary(p, latest.get(p.id or 0), labels.get(p.id or 0, ())) for p in pacticipants]
