"""``GET /metrics``: row counts (the Ruby broker's metrics resource, roughly)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from broker.tables import load_all

CORE_NAMES = {
    "pacticipant": "pacticipants",
    "version": "pacticipantVersions",
    "pact_publication": "pactPublications",
    "pact_version": "pactVersions",
    "verification": "verificationResults",
    "tag": "tags",
    "branch": "branches",
    "integration": "integrations",
    "webhook": "webhooks",
    "triggered_webhook": "triggeredWebhooks",
    "environment": "environments",
    "deployed_version": "deployedVersions",
    "released_version": "releasedVersions",
}


def row_counts(session: Session) -> dict[str, int]:
    """``{camelCaseName: count}`` for the tables that exist in this schema."""
    tables = load_all().tables
    counts: dict[str, int] = {}
    for table_name, label in CORE_NAMES.items():
        table = tables.get(table_name)
        if table is not None:
            counts[label] = int(session.execute(select(func.count()).select_from(table)).scalar_one())
    return counts
