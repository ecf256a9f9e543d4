"""Pacticipant labels: free-form names on a pacticipant (``PUT /pacticipants/{p}/labels/{label}``).

Webhooks can select their consumer or provider by label instead of by name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from broker.clock import now
from broker.tables.core import NAME_LENGTH


def _ts() -> datetime:
    return now()


class PacticipantLabel(SQLModel, table=True):
    __tablename__ = "pacticipant_label"
    __table_args__ = (
        UniqueConstraint("pacticipant_id", "name", name="uq_pacticipant_label"),
        Index("ix_pacticipant_label_name", "name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pacticipant_id: int = Field(
        sa_type=Integer, sa_column_args=[ForeignKey("pacticipant.id", ondelete="CASCADE")], nullable=False
    )
    name: str = Field(sa_type=String(NAME_LENGTH), nullable=False)
    created_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
    updated_at: datetime = Field(default_factory=_ts, sa_type=DateTime(timezone=True), nullable=False)
