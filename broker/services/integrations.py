"""Integrations: the consumer/provider pairs that have pacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from broker.tables.core import Integration, Pacticipant

Consumer = aliased(Pacticipant, name="consumer")
Provider = aliased(Pacticipant, name="provider")


@dataclass(frozen=True)
class IntegrationView:
    consumer: str
    provider: str
    created_at: datetime
    contract_data_updated_at: datetime


def list_integrations(session: Session) -> list[IntegrationView]:
    rows = session.execute(
        select(
            col(Consumer.name),
            col(Provider.name),
            col(Integration.created_at),
            col(Integration.contract_data_updated_at),
        )
        .join(Consumer, col(Consumer.id) == col(Integration.consumer_id))
        .join(Provider, col(Provider.id) == col(Integration.provider_id))
        .order_by(col(Consumer.name), col(Provider.name))
    ).all()
    return [IntegrationView(*row) for row in rows]
