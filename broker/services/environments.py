"""Environments, deployments (record-deployment / undeployment) and releases (record-release /
support-ended).

Deploying a version replaces the pacticipant's current deployment in the same environment and
application instance; releases never supersede each other (several versions can be supported).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlmodel import Session

from broker.clock import now
from broker.errors import Conflict, NotFound, Unprocessable, ValidationFailed
from broker.tables.environments import DeployedVersion, Environment, ReleasedVersion
from broker.tables.selectables import DEPLOYED_VERSION, ENVIRONMENT, PACTICIPANT, RELEASED_VERSION, VERSION

NAME_PATTERN = re.compile(r"^[^\s/]+$")
MAX_LENGTH = 255


@dataclass(frozen=True)
class EnvironmentRecord:
    uuid: str
    name: str
    display_name: str | None
    production: bool
    contacts: list[Any] | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DeploymentRecord:
    """A deployed or released version, with names for rendering."""

    uuid: str
    kind: str  # "deployed" | "released"
    pacticipant: str
    version: str
    environment: EnvironmentRecord
    current: bool  # currently deployed / currently supported
    application_instance: str | None
    created_at: datetime
    ended_at: datetime | None  # undeployed_at / support_ended_at


def _record(row: Any) -> EnvironmentRecord:
    return EnvironmentRecord(
        uuid=row.uuid,
        name=row.name,
        display_name=row.display_name,
        production=bool(row.production),
        contacts=row.contacts,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _validate_environment(body: Any, *, exclude_uuid: str | None, session: Session) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValidationFailed("The request body must be a JSON object", field="body")
    errors: dict[str, list[str]] = {}
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = ['is missing: send the environment name, e.g. "production"']
    elif not NAME_PATTERN.match(name):
        errors["name"] = [f"must be a single word without spaces or slashes (got {name!r})"]
    elif len(name) > MAX_LENGTH:
        errors["name"] = [f"must be at most {MAX_LENGTH} characters"]
    production = body.get("production")
    if not isinstance(production, bool):
        errors["production"] = ['is missing or not a boolean: send "production": true or false']
    display_name = body.get("displayName")
    if display_name is not None and (
        not isinstance(display_name, str) or "\n" in display_name or len(display_name) > MAX_LENGTH
    ):
        errors["displayName"] = [f"must be a single-line string of at most {MAX_LENGTH} characters"]
    contacts = body.get("contacts")
    if contacts is not None and (
        not isinstance(contacts, list)
        or not all(isinstance(c, dict) and isinstance(c.get("name"), str) for c in contacts)
    ):
        errors["contacts"] = ['must be an array of {"name": "...", "details": {...}} objects']
    if not errors and isinstance(name, str):
        clash = session.execute(
            select(ENVIRONMENT.c.uuid).where(ENVIRONMENT.c.name == name)
        ).scalar_one_or_none()
        if clash is not None and clash != exclude_uuid:
            errors["name"] = [f"Another environment with name '{name}' already exists ({clash})"]
    if errors:
        message = "; ".join(f"{key} {msgs[0]}" for key, msgs in errors.items())
        raise ValidationFailed(message, errors=errors)
    # the Rust CLI cannot read a null displayName: default it to the name
    return {
        "name": name,
        "production": production,
        "display_name": display_name or name,
        "contacts": contacts,
    }


def list_environments(session: Session, *, name: str | None = None) -> list[EnvironmentRecord]:
    statement = select(ENVIRONMENT).order_by(ENVIRONMENT.c.name)
    if name is not None:
        statement = statement.where(ENVIRONMENT.c.name == name)
    return [_record(row) for row in session.execute(statement)]


def get_environment(session: Session, env_uuid: str) -> EnvironmentRecord:
    row = session.execute(select(ENVIRONMENT).where(ENVIRONMENT.c.uuid == env_uuid)).first()
    if row is None:
        raise NotFound(f"No environment with uuid '{env_uuid}' found", field="uuid")
    return _record(row)


def environment_by_name(session: Session, name: str) -> EnvironmentRecord:
    row = session.execute(select(ENVIRONMENT).where(ENVIRONMENT.c.name == name)).first()
    if row is None:
        raise NotFound(f"No environment with name '{name}' found", field="environment")
    return _record(row)


def create_environment(session: Session, body: Any) -> EnvironmentRecord:
    values = _validate_environment(body, exclude_uuid=None, session=session)
    requested = body.get("uuid") if isinstance(body, dict) else None
    env_uuid = (
        requested if isinstance(requested, str) and re.fullmatch(r"[A-Za-z0-9-]{16,36}", requested) else None
    )
    stamp = now()
    row = Environment(uuid=env_uuid or str(uuid.uuid4()), created_at=stamp, updated_at=stamp, **values)
    session.add(row)
    try:
        session.flush()
    except Exception as exc:  # a concurrent create with the same name
        if "unique" in str(exc).lower() or "duplicate" in str(exc).lower():
            raise Conflict(
                f"Another environment with name '{values['name']}' already exists", field="name"
            ) from exc
        raise
    return get_environment(session, row.uuid)


def replace_environment(session: Session, env_uuid: str, body: Any) -> EnvironmentRecord:
    get_environment(session, env_uuid)
    values = _validate_environment(body, exclude_uuid=env_uuid, session=session)
    session.execute(
        update(Environment).where(ENVIRONMENT.c.uuid == env_uuid).values(updated_at=now(), **values)
    )
    return get_environment(session, env_uuid)


def delete_environment(session: Session, env_uuid: str) -> None:
    get_environment(session, env_uuid)
    session.execute(delete(Environment).where(ENVIRONMENT.c.uuid == env_uuid))


# ---- deployments and releases


def _version_ids(session: Session, pacticipant: str, number: str) -> tuple[int, int]:
    row = session.execute(
        select(PACTICIPANT.c.id, VERSION.c.id)
        .join(VERSION, VERSION.c.pacticipant_id == PACTICIPANT.c.id)
        .where(PACTICIPANT.c.name == pacticipant, VERSION.c.number == number)
    ).first()
    if row is None:
        raise NotFound(f"No version {number} of pacticipant '{pacticipant}' found", field="version")
    return row[0], row[1]


def _environment_id(session: Session, env_uuid: str) -> tuple[int, EnvironmentRecord]:
    row = session.execute(select(ENVIRONMENT).where(ENVIRONMENT.c.uuid == env_uuid)).first()
    if row is None:
        raise NotFound(f"No environment with uuid '{env_uuid}' found", field="environment")
    return row.id, _record(row)


def _deployment_rows(session: Session, kind: str, *conditions: Any) -> list[DeploymentRecord]:
    table = DEPLOYED_VERSION if kind == "deployed" else RELEASED_VERSION
    current = table.c.currently_deployed if kind == "deployed" else table.c.currently_supported
    ended = table.c.undeployed_at if kind == "deployed" else table.c.support_ended_at
    instance = table.c.application_instance if kind == "deployed" else None
    columns = [table.c.uuid, PACTICIPANT.c.name, VERSION.c.number, current, table.c.created_at, ended]
    if instance is not None:
        columns.append(instance)
    statement = (
        select(*columns, ENVIRONMENT)
        .select_from(table)
        .join(PACTICIPANT, PACTICIPANT.c.id == table.c.pacticipant_id)
        .join(VERSION, VERSION.c.id == table.c.version_id)
        .join(ENVIRONMENT, ENVIRONMENT.c.id == table.c.environment_id)
        .where(*conditions)
        .order_by(table.c.id)
    )
    records = []
    for row in session.execute(statement):
        values = list(row)
        app_instance = values[6] if instance is not None else None
        env_offset = 7 if instance is not None else 6
        env = EnvironmentRecord(
            uuid=values[env_offset + 1],
            name=values[env_offset + 2],
            display_name=values[env_offset + 3],
            production=bool(values[env_offset + 4]),
            contacts=values[env_offset + 5],
            created_at=values[env_offset + 6],
            updated_at=values[env_offset + 7],
        )
        records.append(
            DeploymentRecord(
                uuid=values[0],
                kind=kind,
                pacticipant=values[1],
                version=values[2],
                environment=env,
                current=bool(values[3]),
                application_instance=app_instance,
                created_at=values[4],
                ended_at=values[5],
            )
        )
    return records


def record_deployment(
    session: Session, *, pacticipant: str, version: str, env_uuid: str, application_instance: str | None
) -> DeploymentRecord:
    pacticipant_id, version_id = _version_ids(session, pacticipant, version)
    environment_id, _ = _environment_id(session, env_uuid)
    instance = application_instance.strip() if isinstance(application_instance, str) else None
    instance = instance or None
    if instance is not None and (len(instance) > MAX_LENGTH or "\n" in instance):
        raise ValidationFailed(
            f"applicationInstance must be a single line of at most {MAX_LENGTH} characters",
            field="applicationInstance",
        )
    key = instance or ""
    current = session.execute(
        select(DEPLOYED_VERSION.c.uuid, DEPLOYED_VERSION.c.version_id).where(
            DEPLOYED_VERSION.c.pacticipant_id == pacticipant_id,
            DEPLOYED_VERSION.c.environment_id == environment_id,
            DEPLOYED_VERSION.c.instance_key == key,
            DEPLOYED_VERSION.c.currently_deployed.is_(True),
        )
    ).first()
    if current is not None and current[1] == version_id:
        return get_deployment(session, "deployed", current[0])
    stamp = now()
    if current is not None:
        session.execute(
            update(DeployedVersion)
            .where(DEPLOYED_VERSION.c.uuid == current[0])
            .values(currently_deployed=False, undeployed_at=stamp, updated_at=stamp)
        )
    row = DeployedVersion(
        uuid=str(uuid.uuid4()),
        pacticipant_id=pacticipant_id,
        version_id=version_id,
        environment_id=environment_id,
        application_instance=instance,
        instance_key=key,
        currently_deployed=True,
        created_at=stamp,
        updated_at=stamp,
    )
    session.add(row)
    session.flush()
    return get_deployment(session, "deployed", row.uuid)


def record_release(
    session: Session, *, pacticipant: str, version: str, env_uuid: str
) -> tuple[DeploymentRecord, bool]:
    """Returns the release and whether it was created (``False``: it existed and is supported again)."""
    pacticipant_id, version_id = _version_ids(session, pacticipant, version)
    environment_id, _ = _environment_id(session, env_uuid)
    existing = session.execute(
        select(RELEASED_VERSION.c.uuid).where(
            RELEASED_VERSION.c.version_id == version_id, RELEASED_VERSION.c.environment_id == environment_id
        )
    ).scalar_one_or_none()
    stamp = now()
    if existing is not None:
        session.execute(
            update(ReleasedVersion)
            .where(RELEASED_VERSION.c.uuid == existing)
            .values(currently_supported=True, support_ended_at=None, updated_at=stamp)
        )
        return get_deployment(session, "released", existing), False
    row = ReleasedVersion(
        uuid=str(uuid.uuid4()),
        pacticipant_id=pacticipant_id,
        version_id=version_id,
        environment_id=environment_id,
        currently_supported=True,
        created_at=stamp,
        updated_at=stamp,
    )
    session.add(row)
    session.flush()
    return get_deployment(session, "released", row.uuid), True


def get_deployment(session: Session, kind: str, record_uuid: str) -> DeploymentRecord:
    table = DEPLOYED_VERSION if kind == "deployed" else RELEASED_VERSION
    found = _deployment_rows(session, kind, table.c.uuid == record_uuid)
    if not found:
        raise NotFound(f"No {kind} version with uuid '{record_uuid}' found", field="uuid")
    return found[0]


def end_deployment(session: Session, kind: str, record_uuid: str, body: Any) -> DeploymentRecord:
    """PATCH ``{"currentlyDeployed": false}`` / ``{"currentlySupported": false}``."""
    record = get_deployment(session, kind, record_uuid)
    key = "currentlyDeployed" if kind == "deployed" else "currentlySupported"
    if not isinstance(body, dict):
        raise ValidationFailed("The request body must be a JSON object", field="body")
    if key not in body:
        return record
    value = body[key]
    if not isinstance(value, bool):
        raise ValidationFailed(f"{key} must be a boolean", field=key)
    if value:
        if record.current:
            return record
        raise Unprocessable(
            f"{key} cannot be set back to true: record the {'deployment' if kind == 'deployed' else 'release'} again",
            field=key,
        )
    if record.current:
        stamp = now()
        if kind == "deployed":
            session.execute(
                update(DeployedVersion)
                .where(DEPLOYED_VERSION.c.uuid == record_uuid)
                .values(currently_deployed=False, undeployed_at=stamp, updated_at=stamp)
            )
        else:
            session.execute(
                update(ReleasedVersion)
                .where(RELEASED_VERSION.c.uuid == record_uuid)
                .values(currently_supported=False, support_ended_at=stamp, updated_at=stamp)
            )
    return get_deployment(session, kind, record_uuid)


def current_deployments(
    session: Session,
    kind: str,
    env_uuid: str,
    *,
    pacticipant: str | None = None,
    version: str | None = None,
    application_instance: str | None = None,
    instance_given: bool = False,
) -> list[DeploymentRecord]:
    """Currently deployed (or supported) versions in an environment, optionally filtered."""
    environment_id, _ = _environment_id(session, env_uuid)
    table = DEPLOYED_VERSION if kind == "deployed" else RELEASED_VERSION
    current = table.c.currently_deployed if kind == "deployed" else table.c.currently_supported
    conditions: list[Any] = [table.c.environment_id == environment_id, current.is_(True)]
    if pacticipant is not None:
        conditions.append(PACTICIPANT.c.name == pacticipant)
    if version is not None:
        conditions.append(VERSION.c.number == version)
    if kind == "deployed" and instance_given:
        conditions.append(DEPLOYED_VERSION.c.instance_key == (application_instance or ""))
    return _deployment_rows(session, kind, *conditions)


def deployments_for_version(
    session: Session, kind: str, *, pacticipant: str, version: str, env_uuid: str
) -> list[DeploymentRecord]:
    _, version_id = _version_ids(session, pacticipant, version)
    environment_id, _ = _environment_id(session, env_uuid)
    table = DEPLOYED_VERSION if kind == "deployed" else RELEASED_VERSION
    return _deployment_rows(
        session, kind, table.c.version_id == version_id, table.c.environment_id == environment_id
    )


def environments_of_versions(
    session: Session, version_ids: Sequence[int]
) -> dict[int, list[tuple[str, str]]]:
    """For each version id: the environments it is currently deployed to / released in,
    as ``(kind, environment name)`` pairs."""
    result: dict[int, list[tuple[str, str]]] = {}
    if not version_ids:
        return result
    for kind, table, current in (
        ("deployed", DEPLOYED_VERSION, DEPLOYED_VERSION.c.currently_deployed),
        ("released", RELEASED_VERSION, RELEASED_VERSION.c.currently_supported),
    ):
        rows = session.execute(
            select(table.c.version_id, ENVIRONMENT.c.name)
            .join(ENVIRONMENT, ENVIRONMENT.c.id == table.c.environment_id)
            .where(table.c.version_id.in_(list(version_ids)), current.is_(True))
            .distinct()
        )
        for version_id, name in rows:
            result.setdefault(version_id, []).append((kind, name))
    return result


def current_environments_of_version(
    session: Session, version_id: int
) -> tuple[list[EnvironmentRecord], list[EnvironmentRecord]]:
    """The environments a version is currently deployed to, and those it is released (supported) in."""
    result: list[list[EnvironmentRecord]] = []
    for table, current in (
        (DEPLOYED_VERSION, DEPLOYED_VERSION.c.currently_deployed),
        (RELEASED_VERSION, RELEASED_VERSION.c.currently_supported),
    ):
        rows = session.execute(
            select(ENVIRONMENT)
            .where(
                ENVIRONMENT.c.id.in_(
                    select(table.c.environment_id).where(table.c.version_id == version_id, current.is_(True))
                )
            )
            .order_by(ENVIRONMENT.c.name)
        )
        result.append([_record(row) for row in rows])
    return result[0], result[1]
