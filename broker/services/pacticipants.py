"""Pacticipants: find-or-create (race-safe), create, replace, merge, delete, list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from broker.clock import now
from broker.db import insert_ignore
from broker.errors import Conflict, NotFound, ValidationFailed
from broker.services.names import check_name
from broker.services.pacticipant_names import check_pacticipant_name
from broker.services.url_fields import check_repository_url
from broker.settings import BrokerSettings
from broker.tables.core import Pacticipant

# JSON attribute -> column
ATTRIBUTES: dict[str, str] = {
    "displayName": "display_name",
    "repositoryUrl": "repository_url",
    "repositoryName": "repository_name",
    "repositoryNamespace": "repository_namespace",
    "mainBranch": "main_branch",
}


def find_pacticipant(session: Session, name: str) -> Pacticipant | None:
    return session.exec(select(Pacticipant).where(col(Pacticipant.name) == name)).first()


def get_pacticipant(session: Session, name: str) -> Pacticipant:
    pacticipant = find_pacticipant(session, name)
    if pacticipant is None:
        raise NotFound(f"No pacticipant with name '{name}' exists.", field="pacticipant")
    return pacticipant


def ensure_pacticipant(
    session: Session, name: str, *, field: str = "pacticipant"
) -> tuple[Pacticipant, bool]:
    """Find or create (``INSERT ... ON CONFLICT DO NOTHING``); returns (pacticipant, created)."""
    existing = find_pacticipant(session, name)
    if existing is not None:
        return existing, False
    check_pacticipant_name(name, field)
    stamp = now()
    inserted = insert_ignore(
        session, Pacticipant, {"name": name, "created_at": stamp, "updated_at": stamp}, ("name",)
    )
    return get_pacticipant(session, name), inserted


def list_pacticipants(session: Session) -> Sequence[Pacticipant]:
    return session.exec(select(Pacticipant).order_by(col(Pacticipant.name))).all()


# the snake_case spelling older clients send (pact_broker-client's create-or-update-pacticipant)
ALIASES = {"repository_url": "repositoryUrl"}


def _attributes(body: Mapping[str, Any]) -> dict[str, str | None]:
    body = dict(body)
    for alias, key in ALIASES.items():
        if alias in body:
            body.setdefault(key, body.pop(alias))  # the camelCase key wins when both are sent
    values: dict[str, str | None] = {}
    for key, column in ATTRIBUTES.items():
        if key not in body:
            continue
        value = body[key]
        if value is not None and not isinstance(value, str):
            raise ValidationFailed(f"{key} must be a string or null.", field=key)
        if key == "mainBranch" and value is not None:
            check_name(value, key, what="main branch")
        if key == "repositoryUrl":
            check_repository_url(value, key)
        values[column] = value
    return values


def _check_body_name(name: str, body: Mapping[str, Any]) -> None:
    if "name" in body and body["name"] != name:
        raise ValidationFailed(
            f"The name in the body ({body['name']!r}) does not match the name in the URL ({name!r}).",
            field="name",
        )


def create_pacticipant(session: Session, body: Mapping[str, Any]) -> Pacticipant:
    name = body.get("name")
    check_pacticipant_name(name, "name")
    assert isinstance(name, str)
    if find_pacticipant(session, name) is not None:
        raise Conflict(f"A pacticipant named '{name}' already exists.", field="name")
    pacticipant, _ = ensure_pacticipant(session, name, field="name")
    for column, value in _attributes(body).items():
        setattr(pacticipant, column, value)
    session.add(pacticipant)
    session.flush()
    return pacticipant


def replace_pacticipant(session: Session, name: str, body: Mapping[str, Any]) -> Pacticipant:
    """PUT: every attribute not in the body is cleared; 404 when the pacticipant does not exist."""
    _check_body_name(name, body)
    pacticipant = get_pacticipant(session, name)
    values = _attributes(body)
    for column in ATTRIBUTES.values():
        setattr(pacticipant, column, values.get(column))
    pacticipant.updated_at = now()
    session.add(pacticipant)
    session.flush()
    return pacticipant


def merge_pacticipant(session: Session, name: str, body: Mapping[str, Any]) -> tuple[Pacticipant, bool]:
    """PATCH: merge the given attributes; create the pacticipant when absent. Returns (p, created)."""
    _check_body_name(name, body)
    values = _attributes(body)
    pacticipant, created = ensure_pacticipant(session, name)
    if values:
        for column, value in values.items():
            setattr(pacticipant, column, value)
        pacticipant.updated_at = now()
        session.add(pacticipant)
        session.flush()
    return pacticipant, created


def delete_pacticipant(session: Session, name: str) -> None:
    pacticipant = get_pacticipant(session, name)
    session.execute(delete(Pacticipant).where(col(Pacticipant.id) == pacticipant.id))


def settings_of(session: Session) -> BrokerSettings:
    """The application's settings, carried by every session of its ``Database``; defaults otherwise."""
    settings = session.info.get("settings")
    return settings if isinstance(settings, BrokerSettings) else BrokerSettings()


def set_main_branch_if_unset(session: Session, pacticipant: Pacticipant, branch: str) -> bool:
    """``auto_detect_main_branch``: the first develop/main/master branch or tag a version of a pacticipant
    without a main branch gets becomes its main branch (the Ruby broker's ``maybe_set_main_branch``)."""
    settings = settings_of(session)
    if not settings.auto_detect_main_branch:
        return False
    if pacticipant.main_branch is not None or branch not in settings.main_branch_candidates:
        return False
    pacticipant.main_branch = branch
    pacticipant.updated_at = now()
    session.add(pacticipant)
    session.flush()
    return True
