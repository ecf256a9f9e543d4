"""Whether a publication changed its pair's pact content (the ``contract_content_changed`` event's rule).

Ruby broker semantics: compare with the previous consumer version carrying each of the new version's
tags, or with the previous untagged consumer version when it has none.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, exists
from sqlmodel import Session, col, select

from broker.tables.core import PactPublication, PactVersion, Tag, Version

# The pact content of the pair's previous consumer version, built once with its values bound when run
_PREVIOUS_SHA = (
    select(PactVersion.sha)
    .join(PactPublication, col(PactPublication.pact_version_id) == col(PactVersion.id))
    .where(
        col(PactPublication.consumer_id) == bindparam("consumer_id"),
        col(PactPublication.provider_id) == bindparam("provider_id"),
        col(PactPublication.consumer_version_id) < bindparam("version_id"),
    )
    .order_by(col(PactPublication.consumer_version_id).desc())
    .limit(1)
)
# ... carrying the tag
_PREVIOUS_SHA_TAGGED = _PREVIOUS_SHA.where(
    col(PactPublication.consumer_version_id).in_(
        select(Tag.version_id).where(
            col(Tag.pacticipant_id) == bindparam("consumer_id"), col(Tag.name) == bindparam("tag")
        )
    )
)
# ... untagged. NOT EXISTS walks the pair's publications newest first and stops at the first untagged
# one (an index probe each); NOT IN would first load every tagged version id of the consumer
_PREVIOUS_SHA_UNTAGGED = _PREVIOUS_SHA.where(
    ~exists().where(col(Tag.version_id) == col(PactPublication.consumer_version_id))
)


def content_changed(
    session: Session,
    status: str,
    sha: str,
    version: Version,
    provider_id: int | None,
    tags: Sequence[str],
) -> tuple[bool, str]:
    """Ruby broker semantics: compare with the previous consumer version carrying each tag, or with the
    previous untagged consumer version when this one has no tags."""
    if status == "unchanged":
        return False, ""
    values = {"consumer_id": version.pacticipant_id, "provider_id": provider_id, "version_id": version.id}
    if tags:
        for tag in tags:
            previous = session.scalars(_PREVIOUS_SHA_TAGGED, {**values, "tag": tag}).first()
            if previous is None:
                return (
                    True,
                    f"first time any pact published for this consumer with consumer version tagged {tag}",
                )
            if previous != sha:
                return True, f"pact content has changed since the last consumer version tagged with {tag}"
        return False, ""
    previous = session.scalars(_PREVIOUS_SHA_UNTAGGED, values).first()
    if previous is None:
        return True, "first time untagged pact published"
    if previous != sha:
        return True, "pact content has changed since previous untagged version"
    return False, ""
