"""Domain events the broker raises inside the transaction that causes them.

Publishing and verification services call :func:`emit` with the open session; subscribers (the
webhook outbox) write their rows in that same transaction, so an event is recorded exactly when
the change that caused it is committed, and never for a change that was rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EventName(StrEnum):
    CONTRACT_PUBLISHED = "contract_published"
    CONTRACT_CONTENT_CHANGED = "contract_content_changed"
    CONTRACT_REQUIRING_VERIFICATION_PUBLISHED = "contract_requiring_verification_published"
    PROVIDER_VERIFICATION_PUBLISHED = "provider_verification_published"
    PROVIDER_VERIFICATION_SUCCEEDED = "provider_verification_succeeded"
    PROVIDER_VERIFICATION_FAILED = "provider_verification_failed"


@dataclass(frozen=True)
class BrokerEvent:
    """What happened, with the identifiers webhook templates (`${pactbroker.*}`) are filled from."""

    name: EventName
    consumer: str
    provider: str
    pact_version_sha: str | None = None
    consumer_version: str | None = None
    consumer_version_branch: str | None = None
    consumer_version_tags: tuple[str, ...] = ()
    provider_version: str | None = None
    provider_version_branch: str | None = None
    provider_version_tags: tuple[str, ...] = ()
    verification_id: int | None = None
    verification_success: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Subscriber = Callable[[Any, BrokerEvent], None]
"""Called with (sqlmodel Session, event) inside the causing transaction."""

_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def emit(session: Any, event: BrokerEvent) -> None:
    for subscriber in list(_subscribers):
        subscriber(session, event)
