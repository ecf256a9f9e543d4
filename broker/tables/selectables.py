"""The tables as SQLAlchemy Core selectables, for typed set-based queries (``PACT_PUBLICATION.c.id``).

SQLModel classes are convenient for inserting rows; queries that join, group and pick "latest" rows
read better (and type-check under mypy --strict) against the plain tables.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, inspect

from broker.tables.core import (
    Branch,
    BranchVersion,
    Integration,
    Pacticipant,
    PactPublication,
    PactVersion,
    Tag,
    Version,
)
from broker.tables.environments import DeployedVersion, Environment, ReleasedVersion
from broker.tables.verification import LatestVerification, Verification


def _table(model: type) -> Table:
    return cast(Table, inspect(model).local_table)


PACTICIPANT = _table(Pacticipant)
VERSION = _table(Version)
BRANCH = _table(Branch)
BRANCH_VERSION = _table(BranchVersion)
TAG = _table(Tag)
PACT_VERSION = _table(PactVersion)
PACT_PUBLICATION = _table(PactPublication)
INTEGRATION = _table(Integration)
VERIFICATION = _table(Verification)
LATEST_VERIFICATION = _table(LatestVerification)
ENVIRONMENT = _table(Environment)
DEPLOYED_VERSION = _table(DeployedVersion)
RELEASED_VERSION = _table(ReleasedVersion)
