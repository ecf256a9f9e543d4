"""Pacticipant labels: add (idempotent), read, remove, list; and which labels a pacticipant carries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from broker.clock import now
from broker.db import insert_ignore
from broker.errors import NotFound
from broker.services.names import check_name
from broker.services.pacticipants import get_pacticipant
from broker.tables.core import Pacticipant
from broker.tables.labels import PacticipantLabel


@dataclass(frozen=True)
class LabelRecord:
    pacticipant: str
    name: str
    created_at: datetime


def add_label(session: Session, pacticipant: str, label: str) -> tuple[LabelRecord, bool]:
    """``PUT /pacticipants/{p}/labels/{label}``: returns (label, created); the pacticipant must exist."""
    check_name(label, "label", what="label", allow_slash=False)
    owner = get_pacticipant(session, pacticipant)
    stamp = now()
    created = insert_ignore(
        session,
        PacticipantLabel,
        {"pacticipant_id": owner.id, "name": label, "created_at": stamp, "updated_at": stamp},
        ("pacticipant_id", "name"),
    )
    return get_label(session, pacticipant, label), created


def get_label(session: Session, pacticipant: str, label: str) -> LabelRecord:
    owner = get_pacticipant(session, pacticipant)
    row = session.exec(
        select(PacticipantLabel).where(
            col(PacticipantLabel.pacticipant_id) == owner.id, col(PacticipantLabel.name) == label
        )
    ).first()
    if row is None:
        raise NotFound(f"The pacticipant '{pacticipant}' has no label '{label}'.", field="label")
    return LabelRecord(pacticipant=owner.name, name=row.name, created_at=row.created_at)


def remove_label(session: Session, pacticipant: str, label: str) -> None:
    get_label(session, pacticipant, label)
    owner = get_pacticipant(session, pacticipant)
    session.execute(
        delete(PacticipantLabel).where(
            col(PacticipantLabel.pacticipant_id) == owner.id, col(PacticipantLabel.name) == label
        )
    )


def labels_of(session: Session, pacticipant_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Each pacticipant's labels, sorted by name."""
    if not pacticipant_ids:
        return {}
    rows = session.execute(
        select(col(PacticipantLabel.pacticipant_id), col(PacticipantLabel.name))
        .where(col(PacticipantLabel.pacticipant_id).in_(list(pacticipant_ids)))
        .order_by(col(PacticipantLabel.name))
    ).all()
    result: dict[int, list[str]] = {}
    for pacticipant_id, name in rows:
        result.setdefault(int(pacticipant_id), []).append(str(name))
    return {key: tuple(value) for key, value in result.items()}


def pacticipants_with_label(session: Session, label: str) -> Sequence[Pacticipant]:
    return session.exec(
        select(Pacticipant)
        .join(PacticipantLabel, col(PacticipantLabel.pacticipant_id) == col(Pacticipant.id))
        .where(col(PacticipantLabel.name) == label)
        .order_by(col(Pacticipant.name))
    ).all()
