"""Webhooks: definitions (validated, stored with their templates; passwords kept but only ever
shown masked) and test execution. Triggered-webhook queries are in ``broker.services.webhook_triggers``.

Events become outbox rows in ``broker.services.webhook_events``; ``broker.services.webhook_delivery``
sends them.
"""

from __future__ import annotations

import re
import uuid as uuid_module
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from broker.clock import now
from broker.db import Database
from broker.errors import NotFound, ValidationFailed
from broker.events import BrokerEvent, EventName
from broker.hal import Urls
from broker.services.webhook_delivery import complete_attempt, refused, render_request
from broker.services.webhook_events import VERIFICATION_EVENTS, default_description, placeholder_values
from broker.tables import load_all
from broker.tables.core import Pacticipant, PactPublication, PactVersion, Version
from broker.tables.webhooks import TriggeredWebhook, Webhook, WebhookEvent, WebhookExecution
from broker.webhooks.config import WebhookSettings
from broker.webhooks.delivery import DeliveryOutcome, RenderedRequest, deliver
from broker.webhooks.redaction import MASK, SENSITIVE_HEADER
from broker.webhooks.secrets import SecretBox, SecretUnavailable
from broker.webhooks.targets import TargetPolicy, TargetRefused
from broker.webhooks.templates import render_text, sample_values

EVENT_NAMES: tuple[str, ...] = tuple(e.value for e in EventName)
DEFAULT_EVENTS: tuple[str, ...] = (EventName.CONTRACT_CONTENT_CHANGED.value,)
UUID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
MAX_NAME = 255


# --------------------------------------------------------------------------- definitions


@dataclass(frozen=True)
class WebhookDefinition:
    description: str | None
    consumer_name: str | None
    provider_name: str | None
    enabled: bool
    events: tuple[str, ...]
    method: str
    url: str
    headers: dict[str, str]
    body: Any
    username: str | None
    password: str | None
    consumer_label: str | None = None
    provider_label: str | None = None


@dataclass(frozen=True)
class StoredWebhook:
    row: Webhook
    events: tuple[str, ...]

    @property
    def title(self) -> str:
        return self.row.description or default_description(self.row.method, self.row.url)


def parse_definition(
    data: Mapping[str, Any],
    policy: TargetPolicy,
    *,
    consumer: str | None = None,
    provider: str | None = None,
) -> WebhookDefinition:
    """Validate a webhook body; every problem is reported at once, keyed like the Pact Broker's."""
    errors: dict[str, list[str]] = {}

    def problem(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    _reject_nul(data, "", problem)
    names: dict[str, str | None] = {"consumer": consumer, "provider": provider}
    labels: dict[str, str | None] = {"consumer": None, "provider": None}
    for role in ("consumer", "provider"):
        selector = data.get(role)
        if selector is None or names[role] is not None:
            continue
        if not isinstance(selector, Mapping):
            problem(role, f'{role} must be an object like {{"name": "..."}} or {{"label": "..."}}')
            continue
        found = {
            key: _selector_value(selector.get(key), f"{role}.{key}", problem) for key in ("name", "label")
        }
        if found["name"] is not None and found["label"] is not None:
            problem(f"{role}.label", "cannot be given together with name: select by name or by label")
        elif selector.get("name") is None and selector.get("label") is None:
            problem(f"{role}.name", f'is missing: give the {role} a "name" or a "label"')
        names[role], labels[role] = found["name"], found["label"]
    events_raw = data.get("events")
    events: list[str] = []
    if events_raw is None:
        events = list(DEFAULT_EVENTS)
    elif not isinstance(events_raw, list) or not events_raw:
        problem(
            "events", 'must be a list with at least one event, like [{"name": "contract_content_changed"}]'
        )
    else:
        for index, item in enumerate(events_raw):
            name = item.get("name") if isinstance(item, Mapping) else None
            if name not in EVENT_NAMES:
                problem(
                    f"events[{index}].name", f"{name!r} is not an event; use one of {', '.join(EVENT_NAMES)}"
                )
            elif name not in events:
                events.append(str(name))
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        problem("enabled", "must be true or false")
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        problem("description", "must be a string")
    request = data.get("request")
    method = url = ""
    headers: dict[str, str] = {}
    body: Any = None
    username = password = None
    if not isinstance(request, Mapping):
        problem("request", 'is required: {"method": "POST", "url": "https://..."}')
    else:
        method = str(request.get("method")) if isinstance(request.get("method"), str) else ""
        url = str(request.get("url")) if isinstance(request.get("url"), str) else ""
        if not method:
            problem("request.method", "is required (e.g. POST)")
        if not url:
            problem("request.url", "is required (an absolute http(s) URL)")
        raw_headers = request.get("headers") or {}
        if not isinstance(raw_headers, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in raw_headers.items()
        ):
            problem("request.headers", "must be an object of header names to string values")
        else:
            headers = dict(raw_headers)
            for name, value in headers.items():
                if not HEADER_NAME.fullmatch(name):
                    problem("request.headers", f"{name!r} is not a valid HTTP header name")
                elif any((ord(ch) < 32 and ch != "\t") or ord(ch) == 127 for ch in value):
                    problem(f"request.headers.{name}", "must not contain line breaks or control characters")
        body = request.get("body")
        for key in ("username", "password"):
            credential = request.get(key)
            if credential is not None and not isinstance(credential, str):
                problem(f"request.{key}", "must be a string")
        username = request.get("username") if isinstance(request.get("username"), str) else None
        password = request.get("password") if isinstance(request.get("password"), str) else None
        if method:
            try:
                policy.check_method(method)
            except TargetRefused as refused:
                problem(refused.field, refused.message)
        if url:
            try:
                policy.check_url(render_text(url, sample_values(), escape_for_url=True))
            except TargetRefused as refused:
                problem(refused.field, refused.message)
    if errors:
        raise ValidationFailed("the webhook is invalid", errors=errors)
    return WebhookDefinition(
        description=description if isinstance(description, str) and description.strip() else None,
        consumer_name=names["consumer"],
        provider_name=names["provider"],
        consumer_label=labels["consumer"],
        provider_label=labels["provider"],
        enabled=bool(enabled),
        events=tuple(events),
        method=method.upper(),
        url=url,
        headers=headers,
        body=body,
        username=username,
        password=password,
    )


def _selector_value(value: Any, key: str, problem: Callable[[str, str], None]) -> str | None:
    """A consumer/provider ``name`` or ``label``: absent, or a non-blank string of at most 255 characters."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problem(key, "must be a non-blank string")
    elif len(value) > MAX_NAME:
        problem(key, f"must be at most {MAX_NAME} characters")
    else:
        return value
    return None


def _reject_nul(value: Any, path: str, problem: Callable[[str, str], None]) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            problem(path or "body", "must not contain NUL characters")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _reject_nul(str(key), path or "body", problem)
            _reject_nul(item, f"{path}.{key}" if path else str(key), problem)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _reject_nul(item, f"{path}[{index}]", problem)


def _check_pacticipants(session: Session, definition: WebhookDefinition, *, status_404: bool) -> None:
    errors: dict[str, list[str]] = {}
    for role, name in (("consumer", definition.consumer_name), ("provider", definition.provider_name)):
        if name is not None and _pacticipant_id(session, name) is None:
            errors[f"{role}.name"] = [f"No {role} with name {name!r} found; create the pacticipant first"]
    if errors:
        if status_404:
            raise NotFound(next(iter(errors.values()))[0])
        raise ValidationFailed("the webhook is invalid", errors=errors)


def _pacticipant_id(session: Session, name: str) -> int | None:
    return session.execute(select(col(Pacticipant.id)).where(col(Pacticipant.name) == name)).scalar()


def _unmasked_secrets(row: Webhook, definition: WebhookDefinition) -> tuple[dict[str, str], str | None]:
    """The headers and password to store: a value equal to the mask that ``GET`` shows keeps the stored
    secret (so GET-then-PUT round trips), and the mask itself is never stored."""
    stored_headers = {name.lower(): value for name, value in (row.headers or {}).items()}
    headers: dict[str, str] = {}
    for name, value in definition.headers.items():
        if value == MASK:
            if name.lower() not in stored_headers:
                raise ValidationFailed(
                    f"{MASK!r} is the mask the broker shows instead of a secret, and this webhook has no "
                    f"stored {name} header to keep; send the real value",
                    field=f"request.headers.{name}",
                )
            value = stored_headers[name.lower()]
        headers[name] = value
    password = definition.password
    if password == MASK:
        if row.password is None:
            raise ValidationFailed(
                f"{MASK!r} is the mask the broker shows instead of a password, and this webhook has no "
                "stored password to keep; send the real password",
                field="request.password",
            )
        password = row.password
    return headers, password


def _apply(row: Webhook, definition: WebhookDefinition, secrets: SecretBox | None = None) -> None:
    headers, password = _unmasked_secrets(row, definition)
    row.description = definition.description
    row.consumer_name = definition.consumer_name
    row.provider_name = definition.provider_name
    row.consumer_label = definition.consumer_label
    row.provider_label = definition.provider_label
    row.enabled = definition.enabled
    row.method = definition.method
    row.url = definition.url
    box = secrets or SecretBox(None)
    row.headers = {
        name: (box.seal(value) or "") if SENSITIVE_HEADER.search(name) else value
        for name, value in headers.items()
    }
    row.body = definition.body
    row.username = definition.username
    row.password = box.seal(password)


def _set_events(session: Session, webhook_id: int, events: Sequence[str]) -> None:
    session.execute(delete(WebhookEvent).where(col(WebhookEvent.webhook_id) == webhook_id))
    for name in events:
        session.add(WebhookEvent(webhook_id=webhook_id, name=name))
    session.flush()


def create_webhook(
    session: Session,
    data: Mapping[str, Any],
    policy: TargetPolicy,
    *,
    consumer: str | None = None,
    provider: str | None = None,
    secrets: SecretBox | None = None,
) -> StoredWebhook:
    definition = parse_definition(data, policy, consumer=consumer, provider=provider)
    _check_pacticipants(session, definition, status_404=consumer is not None or provider is not None)
    row = Webhook(uuid=uuid_module.uuid4().hex, method=definition.method, url=definition.url)
    _apply(row, definition, secrets)
    session.add(row)
    session.flush()
    assert row.id is not None
    _set_events(session, row.id, definition.events)
    return StoredWebhook(row, definition.events)


def upsert_webhook(
    session: Session,
    webhook_uuid: str,
    data: Mapping[str, Any],
    policy: TargetPolicy,
    secrets: SecretBox | None = None,
) -> tuple[StoredWebhook, bool]:
    """``PUT /webhooks/{uuid}``: create (``True``) or replace (``False``)."""
    if not UUID_PATTERN.fullmatch(webhook_uuid):
        raise ValidationFailed(
            "uuid must be 16 to 64 letters, digits, '-' or '_' (e.g. from `pact broker generate-uuid`)",
            field="uuid",
        )
    definition = parse_definition(data, policy)
    _check_pacticipants(session, definition, status_404=False)
    row = session.execute(select(Webhook).where(col(Webhook.uuid) == webhook_uuid)).scalar()
    created = row is None
    if row is None:
        row = Webhook(uuid=webhook_uuid, method=definition.method, url=definition.url)
    _apply(row, definition, secrets)
    row.updated_at = now()
    session.add(row)
    session.flush()
    assert row.id is not None
    _set_events(session, row.id, definition.events)
    return StoredWebhook(row, definition.events), created


def _events_of(session: Session, webhook_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {wid: [] for wid in webhook_ids}
    if webhook_ids:
        rows = session.execute(
            select(col(WebhookEvent.webhook_id), col(WebhookEvent.name))
            .where(col(WebhookEvent.webhook_id).in_(webhook_ids))
            .order_by(col(WebhookEvent.id))
        )
        for webhook_id, name in rows:
            found[webhook_id].append(name)
    return {wid: tuple(sorted(names, key=EVENT_NAMES.index)) for wid, names in found.items()}


def get_webhook(session: Session, webhook_uuid: str) -> StoredWebhook:
    row = session.execute(select(Webhook).where(col(Webhook.uuid) == webhook_uuid)).scalar()
    if row is None or row.id is None:
        raise NotFound(f"No webhook with uuid {webhook_uuid!r}")
    return StoredWebhook(row, _events_of(session, [row.id])[row.id])


def delete_webhook(session: Session, webhook_uuid: str) -> None:
    row = session.execute(select(Webhook).where(col(Webhook.uuid) == webhook_uuid)).scalar()
    if row is None:
        raise NotFound(f"No webhook with uuid {webhook_uuid!r}")
    session.delete(row)
    session.flush()


def list_webhooks(
    session: Session, *, consumer: str | None = None, provider: str | None = None
) -> list[StoredWebhook]:
    query = select(Webhook).order_by(col(Webhook.id))
    if consumer is not None:
        query = query.where(col(Webhook.consumer_name) == consumer)
    if provider is not None:
        query = query.where(col(Webhook.provider_name) == provider)
    rows = list(session.execute(query).scalars())
    events = _events_of(session, [r.id for r in rows if r.id is not None])
    return [StoredWebhook(r, events.get(r.id or 0, ())) for r in rows]


def require_pacticipants(session: Session, *names: str | None) -> None:
    for name in names:
        if name is not None and _pacticipant_id(session, name) is None:
            raise NotFound(f"No pacticipant with name {name!r}")


# --------------------------------------------------------------------------- test execution


@dataclass(frozen=True)
class ExecutionResult:
    webhook: StoredWebhook
    triggered_uuid: str
    request: RenderedRequest
    outcome: DeliveryOutcome
    logs: str


def execute_webhook(
    db: Database, webhook_uuid: str, urls: Urls, settings: WebhookSettings
) -> ExecutionResult:
    """``POST /webhooks/{uuid}/execute``: run the webhook now with the latest matching pact's values."""

    def prepare(session: Session) -> tuple[StoredWebhook, dict[str, str]]:
        stored = get_webhook(session, webhook_uuid)
        return stored, _test_values(session, stored, urls)

    stored, values = db.read(prepare)
    try:
        rendered = render_request(stored.row, values, settings.secrets)
    except SecretUnavailable as exc:
        rendered = RenderedRequest(
            stored.row.method, render_text(stored.row.url, values, escape_for_url=True), {}, None
        )
        outcome = refused(str(exc))
    else:
        outcome = deliver(rendered, settings.policy, timeout=settings.timeout_seconds)

    def record(session: Session) -> tuple[str, str]:
        triggered = TriggeredWebhook(
            uuid=uuid_module.uuid4().hex,
            webhook_id=stored.row.id,
            webhook_uuid=stored.row.uuid,
            event_name=values.get("eventName") or "",
            trigger_type="user",
            status="not_run",
            max_attempts=1,
            consumer_name=values.get("consumerName") or None,
            provider_name=values.get("providerName") or None,
            consumer_version_number=values.get("consumerVersionNumber") or None,
            context={"values": values, "baseUrl": urls.base},
        )
        session.add(triggered)
        session.flush()
        assert triggered.id is not None
        complete_attempt(session, settings, triggered.id, None, outcome, give_up=True)
        logs = session.execute(
            select(col(WebhookExecution.logs)).where(
                col(WebhookExecution.triggered_webhook_id) == triggered.id
            )
        ).scalar_one()
        return triggered.uuid, logs

    triggered_uuid, logs = db.write(record)
    return ExecutionResult(stored, triggered_uuid, rendered, outcome, logs)


def execute_unsaved(
    db: Database, data: Mapping[str, Any], urls: Urls, settings: WebhookSettings
) -> ExecutionResult:
    """``POST /webhooks/execute``: try a webhook body before saving it (nothing is stored)."""

    def prepare(session: Session) -> tuple[StoredWebhook, dict[str, str]]:
        definition = parse_definition(data, settings.policy)
        _check_pacticipants(session, definition, status_404=False)
        row = Webhook(uuid="unsaved", method=definition.method, url=definition.url)
        _apply(row, definition)
        stored = StoredWebhook(row, definition.events)
        return stored, _test_values(session, stored, urls)

    stored, values = db.read(prepare)
    rendered = render_request(stored.row, values)
    outcome = deliver(rendered, settings.policy, timeout=settings.timeout_seconds)
    return ExecutionResult(stored, "", rendered, outcome, outcome.text)


def _test_values(session: Session, stored: StoredWebhook, urls: Urls) -> dict[str, str]:
    consumer_p = aliased(Pacticipant, name="c")
    provider_p = aliased(Pacticipant, name="p")
    query = (
        select(
            col(consumer_p.name),
            col(provider_p.name),
            col(Version.number),
            col(PactVersion.sha),
            col(PactVersion.id),
        )
        .select_from(PactPublication)
        .join(consumer_p, col(consumer_p.id) == col(PactPublication.consumer_id))
        .join(provider_p, col(provider_p.id) == col(PactPublication.provider_id))
        .join(Version, col(Version.id) == col(PactPublication.consumer_version_id))
        .join(PactVersion, col(PactVersion.id) == col(PactPublication.pact_version_id))
        .order_by(col(PactPublication.id).desc())
        .limit(1)
    )
    if stored.row.consumer_name is not None:
        query = query.where(col(consumer_p.name) == stored.row.consumer_name)
    if stored.row.provider_name is not None:
        query = query.where(col(provider_p.name) == stored.row.provider_name)
    row = session.execute(query).first()
    event_name = EventName(stored.events[0]) if stored.events else EventName.CONTRACT_CONTENT_CHANGED
    if row is None:
        synthetic = BrokerEvent(
            name=event_name, consumer=stored.row.consumer_name or "", provider=stored.row.provider_name or ""
        )
    else:
        synthetic = BrokerEvent(
            name=event_name,
            consumer=row[0],
            provider=row[1],
            consumer_version=row[2],
            pact_version_sha=row[3],
        )
        verifications = load_all().tables.get("verification")
        if event_name in VERIFICATION_EVENTS and verifications is not None:
            # a verification event is tried with the latest verification of that pact
            latest = session.execute(
                select(verifications.c.id, col(Version.number), verifications.c.success)
                .join(Version, col(Version.id) == verifications.c.provider_version_id)
                .where(verifications.c.pact_version_id == row[4])
                .order_by(verifications.c.id.desc())
                .limit(1)
            ).first()
            if latest is not None:
                synthetic = replace(
                    synthetic,
                    verification_id=int(latest[0]),
                    provider_version=latest[1],
                    verification_success=bool(latest[2]),
                )
    return placeholder_values(session, synthetic, urls)
