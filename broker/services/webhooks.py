"""Webhooks: definitions, the event subscriber that fills the outbox, delivery of due rows, test
execution and triggered-webhook queries.

* Definitions are validated here (events, method/URL against the target policy, names that must
  exist) and stored with their template intact; passwords are kept but only ever shown masked.
* ``on_event`` is subscribed to ``broker.events``: it runs inside the transaction that caused the
  event and writes one ``triggered_webhook`` row per matching enabled webhook, with the
  ``${pactbroker.*}`` values captured at that moment. No row is written for a rolled-back change.
* ``deliver_due`` is the background job: claim due rows, render, send, record the attempt, and
  schedule a retry with back-off or give up after the last attempt.
"""

from __future__ import annotations

import re
import uuid as uuid_module
import weakref
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Table, and_, delete, func, or_, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col

from broker.clock import aware, now
from broker.db import Database
from broker.errors import NotFound, ValidationFailed
from broker.events import BrokerEvent, EventName
from broker.hal import Urls
from broker.services.pact_metadata import PactMetadata, encode_metadata
from broker.tables import load_all
from broker.tables.core import BranchVersion, Pacticipant, PactPublication, PactVersion, Tag, Version
from broker.tables.webhooks import TriggeredWebhook, Webhook, WebhookEvent, WebhookExecution
from broker.webhooks.config import WebhookSettings
from broker.webhooks.delivery import DeliveryOutcome, RenderedRequest, deliver
from broker.webhooks.outbox import any_due, claim
from broker.webhooks.targets import TargetPolicy, TargetRefused
from broker.webhooks.templates import render_body, render_text, sample_values

EVENT_NAMES: tuple[str, ...] = tuple(e.value for e in EventName)
DEFAULT_EVENTS: tuple[str, ...] = (EventName.CONTRACT_CONTENT_CHANGED.value,)
UUID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
MAX_NAME = 255
PENDING_STATUSES = ("not_run", "retrying")
SESSION_TRIGGERED_KEY = "tether.triggered_webhooks"

current_base_url: ContextVar[str | None] = ContextVar("tether_webhook_base_url", default=None)
"""Set per request by ``broker.webhooks.runtime``; pact URLs in webhook bodies are built from it."""


# --------------------------------------------------------------------------- runtime registry


@dataclass
class WebhookRuntime:
    """What the subscriber needs to know about the process it runs in (found via the session's engine)."""

    settings: WebhookSettings
    base_urls: tuple[str, ...] = ()
    wake: Callable[[], None] | None = None


_runtimes: weakref.WeakKeyDictionary[Any, WebhookRuntime] = weakref.WeakKeyDictionary()


def register_runtime(db: Database, runtime: WebhookRuntime) -> None:
    _runtimes[db.engine] = runtime
    _runtimes[db.write_engine] = runtime


def unregister_runtime(db: Database) -> None:
    _runtimes.pop(db.engine, None)
    _runtimes.pop(db.write_engine, None)


def _runtime_for(session: Session) -> WebhookRuntime | None:
    """The runtime of the application serving this database, if one was installed in this process."""
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    return _runtimes.get(engine)


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


@dataclass(frozen=True)
class StoredWebhook:
    row: Webhook
    events: tuple[str, ...]

    @property
    def title(self) -> str:
        return self.row.description or default_description(self.row.method, self.row.url)


def default_description(method: str, url: str) -> str:
    try:
        host = urlsplit(url).hostname or url
    except ValueError:
        host = url
    return f"{method.upper()} {host}"


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
    for role in ("consumer", "provider"):
        selector = data.get(role)
        if selector is None or names[role] is not None:
            continue
        if not isinstance(selector, Mapping):
            problem(role, f'{role} must be an object like {{"name": "..."}}')
            continue
        if selector.get("label") is not None:
            problem(f"{role}.label", "label filters are not supported by this broker; name the pacticipant")
        name = selector.get("name")
        if name is not None:
            if not isinstance(name, str) or not name.strip():
                problem(f"{role}.name", "must be a non-blank string")
            elif len(name) > MAX_NAME:
                problem(f"{role}.name", f"must be at most {MAX_NAME} characters")
            else:
                names[role] = name
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
        enabled=bool(enabled),
        events=tuple(events),
        method=method.upper(),
        url=url,
        headers=headers,
        body=body,
        username=username,
        password=password,
    )


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


def _apply(row: Webhook, definition: WebhookDefinition) -> None:
    row.description = definition.description
    row.consumer_name = definition.consumer_name
    row.provider_name = definition.provider_name
    row.consumer_label = None
    row.provider_label = None
    row.enabled = definition.enabled
    row.method = definition.method
    row.url = definition.url
    row.headers = definition.headers
    row.body = definition.body
    row.username = definition.username
    row.password = definition.password


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
) -> StoredWebhook:
    definition = parse_definition(data, policy, consumer=consumer, provider=provider)
    _check_pacticipants(session, definition, status_404=consumer is not None or provider is not None)
    row = Webhook(uuid=uuid_module.uuid4().hex, method=definition.method, url=definition.url)
    _apply(row, definition)
    session.add(row)
    session.flush()
    assert row.id is not None
    _set_events(session, row.id, definition.events)
    return StoredWebhook(row, definition.events)


def upsert_webhook(
    session: Session, webhook_uuid: str, data: Mapping[str, Any], policy: TargetPolicy
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
    _apply(row, definition)
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


# --------------------------------------------------------------------------- events -> outbox


@dataclass(frozen=True)
class TriggeredNotice:
    """One webhook queued by an event in this transaction (for publish notices)."""

    uuid: str
    webhook_description: str
    event_name: str


def matching_webhooks(session: Session, event_name: str, consumer: str, provider: str) -> list[Webhook]:
    query = (
        select(Webhook)
        .join(WebhookEvent, col(WebhookEvent.webhook_id) == col(Webhook.id))
        .where(
            col(WebhookEvent.name) == event_name,
            col(Webhook.enabled).is_(True),
            or_(col(Webhook.consumer_name).is_(None), col(Webhook.consumer_name) == consumer),
            or_(col(Webhook.provider_name).is_(None), col(Webhook.provider_name) == provider),
            col(Webhook.consumer_label).is_(None),
            col(Webhook.provider_label).is_(None),
        )
        .order_by(col(Webhook.id))
    )
    return list(session.execute(query).scalars())


def on_event(session: Session, broker_event: BrokerEvent) -> None:
    """Subscriber: queue one delivery per matching webhook, in the causing transaction.

    Only databases served by an application that installed webhooks (``broker.webhooks.runtime``) get
    deliveries queued; a script or test using a bare ``Database`` in the same process is left alone."""
    runtime = _runtime_for(session)
    if runtime is None:
        return
    webhooks = matching_webhooks(
        session, broker_event.name.value, broker_event.consumer, broker_event.provider
    )
    if not webhooks:
        return
    base = current_base_url.get() or (runtime.base_urls[0] if runtime.base_urls else "http://localhost")
    executions = [
        placeholder_values(session, event, Urls(base))
        for event in _per_provider_version(session, broker_event)
    ]
    queued: list[TriggeredNotice] = session.info.setdefault(SESSION_TRIGGERED_KEY, [])
    at = now()
    for webhook, values in ((w, v) for w in webhooks for v in executions):
        triggered = TriggeredWebhook(
            uuid=uuid_module.uuid4().hex,
            webhook_id=webhook.id,
            webhook_uuid=webhook.uuid,
            event_name=broker_event.name.value,
            status="not_run",
            max_attempts=runtime.settings.max_attempts,
            next_attempt_at=at,
            consumer_name=broker_event.consumer,
            provider_name=broker_event.provider,
            consumer_version_number=values.get("consumerVersionNumber") or None,
            provider_version_number=values.get("providerVersionNumber") or None,
            pact_version_sha=broker_event.pact_version_sha,
            verification_id=broker_event.verification_id,
            context={"values": values, "baseUrl": base},
        )
        session.add(triggered)
        queued.append(
            TriggeredNotice(
                triggered.uuid,
                webhook.description or default_description(webhook.method, webhook.url),
                broker_event.name.value,
            )
        )
    session.flush()
    if runtime.wake is not None and not session.info.get("tether.wake_registered"):
        session.info["tether.wake_registered"] = True
        wake = runtime.wake

        def _after_commit(_session: Any) -> None:
            _session.info.pop("tether.wake_registered", None)
            wake()

        sa_event.listen(session, "after_commit", _after_commit, once=True)


def _per_provider_version(session: Session, broker_event: BrokerEvent) -> list[BrokerEvent]:
    """``contract_requiring_verification_published`` runs once per provider version that needs to
    verify the new content (the head of the provider's main branch, and every version currently
    deployed or released), as the Pact Broker does, so each execution can trigger the right build.
    Other events, and events that already name a provider version, run once."""
    if (
        broker_event.name != EventName.CONTRACT_REQUIRING_VERIFICATION_PUBLISHED
        or broker_event.provider_version
    ):
        return [broker_event]
    provider = session.execute(
        select(Pacticipant).where(col(Pacticipant.name) == broker_event.provider)
    ).scalar()
    if provider is None or provider.id is None:
        return [broker_event]
    found: dict[int, list[str]] = {}
    if provider.main_branch:
        head = session.execute(
            select(col(BranchVersion.version_id))
            .where(
                col(BranchVersion.pacticipant_id) == provider.id,
                col(BranchVersion.branch_name) == provider.main_branch,
            )
            .order_by(col(BranchVersion.id).desc())
            .limit(1)
        ).scalar()
        if head is not None:
            found.setdefault(int(head), []).append(
                f"the latest version from the main branch {provider.main_branch}"
            )
    tables = load_all().tables
    for name, flag, what in (
        ("deployed_version", "currently_deployed", "deployed"),
        ("released_version", "currently_supported", "released"),
    ):
        table = tables.get(name)
        environments = tables.get("environment")
        if table is None or environments is None:
            continue
        rows = session.execute(
            select(table.c.version_id, environments.c.name)
            .join(environments, environments.c.id == table.c.environment_id)
            .where(table.c.pacticipant_id == provider.id, table.c[flag].is_(True))
        ).all()
        for version_id, environment in rows:
            found.setdefault(int(version_id), []).append(f"the version {what} in {environment}")
    if not found:
        return [broker_event]
    numbers = dict(
        session.execute(
            select(col(Version.id), col(Version.number)).where(col(Version.id).in_(list(found)))
        ).all()
    )
    events: list[BrokerEvent] = []
    for version_id in sorted(found):
        branch = session.execute(
            select(col(BranchVersion.branch_name))
            .where(col(BranchVersion.version_id) == version_id)
            .order_by(col(BranchVersion.id).desc())
            .limit(1)
        ).scalar()
        tags = tuple(
            session.execute(
                select(col(Tag.name)).where(col(Tag.version_id) == version_id).order_by(col(Tag.id))
            ).scalars()
        )
        descriptions = ", ".join(found[version_id])
        events.append(
            replace(
                broker_event,
                provider_version=numbers[version_id],
                provider_version_branch=branch,
                provider_version_tags=tags,
                extra={**broker_event.extra, "providerVersionDescriptions": descriptions},
            )
        )
    return events


def triggered_in(session: Session) -> list[TriggeredNotice]:
    """Webhooks queued by events in this session's transaction (publish responses list them)."""
    return list(session.info.get(SESSION_TRIGGERED_KEY, []))


def webhook_notices(session: Session, urls: Urls) -> list[tuple[str, str]]:
    """(type, text) notices for a publish response: each webhook this transaction triggered."""
    queued = triggered_in(session)
    if not queued:
        return [("debug", "No enabled webhooks found for the detected events.")]
    return [
        (
            "info",
            f"Webhook {notice.webhook_description!r} triggered for event {notice.event_name}. "
            f"See logs at {urls.path('triggered-webhooks', notice.uuid, 'logs')}",
        )
        for notice in queued
    ]


CONTRACT_EVENTS: tuple[str, ...] = (
    EventName.CONTRACT_PUBLISHED.value,
    EventName.CONTRACT_CONTENT_CHANGED.value,
    EventName.CONTRACT_REQUIRING_VERIFICATION_PUBLISHED.value,
)

_VERIFICATION_EVENTS = {
    EventName.PROVIDER_VERIFICATION_PUBLISHED,
    EventName.PROVIDER_VERIFICATION_SUCCEEDED,
    EventName.PROVIDER_VERIFICATION_FAILED,
}


def placeholder_values(session: Session, broker_event: BrokerEvent, urls: Urls) -> dict[str, str]:
    """The ``${pactbroker.*}`` values of one event (strings; unknown ones empty)."""
    values: dict[str, str] = {
        "consumerName": broker_event.consumer,
        "providerName": broker_event.provider,
        "consumerVersionNumber": broker_event.consumer_version or "",
        "providerVersionNumber": broker_event.provider_version or "",
        "consumerVersionBranch": broker_event.consumer_version_branch or "",
        "providerVersionBranch": broker_event.provider_version_branch or "",
        "consumerVersionTags": ", ".join(broker_event.consumer_version_tags),
        "providerVersionTags": ", ".join(broker_event.provider_version_tags),
        "consumerLabels": "",
        "providerLabels": "",
        "eventName": broker_event.name.value,
        "buildUrl": "",
        "pactUrl": "",
        "verificationResultUrl": "",
        "providerVersionDescriptions": "",
        "currentlyDeployedProviderVersionNumber": "",
    }
    is_verification = broker_event.name in _VERIFICATION_EVENTS
    if broker_event.pact_version_sha:
        metadata = encode_metadata(
            PactMetadata(
                wip=True,
                consumer_version_number=broker_event.consumer_version,
                consumer_version_tags=tuple(broker_event.consumer_version_tags),
            )
        )
        values["pactUrl"] = urls.pact_version(
            broker_event.provider, broker_event.consumer, broker_event.pact_version_sha, metadata
        )
    if is_verification:
        if broker_event.verification_id is not None:
            verifications = _verification_table()
            if verifications is not None:
                build_url = session.execute(
                    select(verifications.c.build_url).where(
                        verifications.c.id == broker_event.verification_id
                    )
                ).scalar()
                values["buildUrl"] = build_url or ""
            if broker_event.pact_version_sha:
                values["verificationResultUrl"] = (
                    urls.verification_results(
                        broker_event.provider, broker_event.consumer, broker_event.pact_version_sha
                    )
                    + f"/{broker_event.verification_id}"
                )
        status = broker_event.verification_success
    else:
        status = None
        if broker_event.consumer_version:
            values["buildUrl"] = _build_url(session, broker_event.consumer, broker_event.consumer_version)
        if not values["providerVersionNumber"] and broker_event.pact_version_sha:
            values["providerVersionNumber"] = _latest_verifier(
                session, broker_event.consumer, broker_event.provider, broker_event.pact_version_sha
            )
    values.update(_statuses(status))
    for key, value in broker_event.extra.items():
        if key in values and value is not None:
            values[key] = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    return values


def _verification_table() -> Table | None:
    """The verification results table (another area's; looked up so this module works without it)."""
    return load_all().tables.get("verification")


def _statuses(success: bool | None) -> dict[str, str]:
    if success is None:
        return {
            "githubVerificationStatus": "pending",
            "bitbucketVerificationStatus": "INPROGRESS",
            "gitlabVerificationStatus": "pending",
            "azureDevOpsVerificationStatus": "pending",
        }
    return {
        "githubVerificationStatus": "success" if success else "failure",
        "bitbucketVerificationStatus": "SUCCESSFUL" if success else "FAILED",
        "gitlabVerificationStatus": "success" if success else "failed",
        "azureDevOpsVerificationStatus": "succeeded" if success else "failed",
    }


def _build_url(session: Session, pacticipant: str, number: str) -> str:
    url = session.execute(
        select(col(Version.build_url))
        .join(Pacticipant, col(Pacticipant.id) == col(Version.pacticipant_id))
        .where(col(Pacticipant.name) == pacticipant, col(Version.number) == number)
    ).scalar()
    return url or ""


def _latest_verifier(session: Session, consumer: str, provider: str, sha: str) -> str:
    """The provider version that most recently verified this content (the Pact Broker's choice)."""
    verifications = _verification_table()
    if verifications is None:
        return ""
    consumer_p = aliased(Pacticipant, name="c")
    provider_p = aliased(Pacticipant, name="p")
    number = session.execute(
        select(col(Version.number))
        .join(verifications, verifications.c.provider_version_id == col(Version.id))
        .join(PactVersion, col(PactVersion.id) == verifications.c.pact_version_id)
        .join(consumer_p, col(consumer_p.id) == col(PactVersion.consumer_id))
        .join(provider_p, col(provider_p.id) == col(PactVersion.provider_id))
        .where(
            col(consumer_p.name) == consumer, col(provider_p.name) == provider, col(PactVersion.sha) == sha
        )
        .order_by(verifications.c.id.desc())
        .limit(1)
    ).scalar()
    return number or ""


# --------------------------------------------------------------------------- rendering and delivery


def render_request(webhook: Webhook, values: Mapping[str, str]) -> RenderedRequest:
    return RenderedRequest(
        method=webhook.method,
        url=render_text(webhook.url, values, escape_for_url=True),
        headers={render_text(k, values): render_text(v, values) for k, v in (webhook.headers or {}).items()},
        body=render_body(webhook.body, values),
        username=render_text(webhook.username, values) if webhook.username is not None else None,
        password=render_text(webhook.password, values) if webhook.password is not None else None,
    )


@dataclass
class _Claimed:
    triggered: TriggeredWebhook
    webhook: Webhook | None


def _triggered_table() -> Any:
    return SQLModel.metadata.tables["triggered_webhook"]


def deliver_due(db: Database, settings: WebhookSettings, token: str) -> int:
    """The background job: claim due deliveries, send them, record each attempt. Returns the count."""
    table = _triggered_table()

    def due() -> Any:
        return and_(table.c.status.in_(PENDING_STATUSES), table.c.next_attempt_at <= now())

    if not db.read(lambda s: any_due(s, table, due())):
        return 0
    ids = db.write(
        lambda s: claim(
            s,
            table,
            due(),
            order_by=table.c.next_attempt_at,
            lease_seconds=settings.lease_seconds,
            limit=settings.batch_size,
            token=token,
        )
    )
    if len(ids) <= 1 or settings.concurrency <= 1:
        for triggered_id in ids:
            _deliver_one(db, settings, triggered_id, token)
        return len(ids)
    # a slow target must not hold up the others: deliver the batch concurrently
    with ThreadPoolExecutor(
        max_workers=min(len(ids), settings.concurrency), thread_name_prefix="webhook"
    ) as pool:
        for future in [pool.submit(_deliver_one, db, settings, triggered_id, token) for triggered_id in ids]:
            future.result()
    return len(ids)


def _deliver_one(db: Database, settings: WebhookSettings, triggered_id: int, token: str) -> None:
    def load(session: Session) -> _Claimed | None:
        triggered = session.get(TriggeredWebhook, triggered_id)
        if triggered is None:
            return None
        webhook = session.get(Webhook, triggered.webhook_id) if triggered.webhook_id is not None else None
        return _Claimed(triggered, webhook)

    claimed = db.read(load)
    if claimed is None:
        return
    triggered, webhook = claimed.triggered, claimed.webhook
    if webhook is None or not webhook.enabled:
        outcome = DeliveryOutcome(success=False)
        reason = "the webhook was deleted" if webhook is None else "the webhook is disabled"
        outcome.error = reason
        outcome.log(f"Not executed: {reason}", "ERROR")
        final = True
    else:
        values = dict(triggered.context.get("values", {}))
        outcome = deliver(render_request(webhook, values), settings.policy, timeout=settings.timeout_seconds)
        final = False
    db.write(lambda s: _complete(s, settings, triggered_id, token, outcome, give_up=final))


def _complete(
    session: Session,
    settings: WebhookSettings,
    triggered_id: int,
    token: str | None,
    outcome: DeliveryOutcome,
    *,
    give_up: bool = False,
) -> TriggeredWebhook | None:
    triggered = session.get(TriggeredWebhook, triggered_id)
    if triggered is None:
        return None
    attempt = triggered.attempts_made + 1
    at = now()
    lines = list(outcome.lines)
    values: dict[str, Any] = {
        "attempts_made": attempt,
        "lease_until": None,
        "claimed_by": None,
        "updated_at": at,
    }
    stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if outcome.success:
        values.update(status="success", next_attempt_at=None)
        lines.append(f"[{stamp}] INFO: Webhook succeeded (attempt {attempt} of {triggered.max_attempts})")
    else:
        delay = None if give_up else settings.delay_after(attempt)
        if delay is not None and attempt < triggered.max_attempts:
            next_at = at + timedelta(seconds=delay)
            values.update(status="retrying", next_attempt_at=next_at)
            lines.append(
                f"[{stamp}] INFO: Webhook failed (attempt {attempt} of {triggered.max_attempts}); "
                f"retry scheduled in {delay:g} seconds, at {next_at.isoformat(timespec='milliseconds')}"
            )
        else:
            values.update(status="failure", next_attempt_at=None)
            lines.append(
                f"[{stamp}] ERROR: Webhook failed (attempt {attempt} of {triggered.max_attempts}); giving up"
            )
    logs = "\n".join(lines) + "\n"
    statement = update(TriggeredWebhook).where(col(TriggeredWebhook.id) == triggered_id)
    if token is not None:
        statement = statement.where(col(TriggeredWebhook.claimed_by) == token)
    applied = session.execute(statement.values(**values)).rowcount  # type: ignore[attr-defined]
    if not applied:
        logs += f"[{stamp}] WARN: the lease ran out before this attempt finished; another worker took over\n"
    session.add(
        WebhookExecution(
            triggered_webhook_id=triggered_id,
            attempt=attempt,
            success=outcome.success,
            status_code=outcome.status,
            error=outcome.error,
            logs=logs,
        )
    )
    session.flush()
    session.refresh(triggered)
    return triggered


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
    rendered = render_request(stored.row, values)
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
        _complete(session, settings, triggered.id, None, outcome, give_up=True)
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
        select(col(consumer_p.name), col(provider_p.name), col(Version.number), col(PactVersion.sha))
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
    return placeholder_values(session, synthetic, urls)


# --------------------------------------------------------------------------- triggered webhooks


@dataclass(frozen=True)
class TriggeredView:
    row: TriggeredWebhook
    webhook_title: str | None
    executions: tuple[WebhookExecution, ...] = field(default_factory=tuple)

    @property
    def attempts_remaining(self) -> int:
        if self.row.status in ("success", "failure"):
            return 0
        return max(0, self.row.max_attempts - self.row.attempts_made)


def _views(
    session: Session, rows: Sequence[TriggeredWebhook], *, with_executions: bool
) -> list[TriggeredView]:
    webhook_ids = {r.webhook_id for r in rows if r.webhook_id is not None}
    titles: dict[int, str] = {}
    if webhook_ids:
        for webhook in session.execute(select(Webhook).where(col(Webhook.id).in_(webhook_ids))).scalars():
            assert webhook.id is not None
            titles[webhook.id] = webhook.description or default_description(webhook.method, webhook.url)
    executions: dict[int, list[WebhookExecution]] = {}
    if with_executions and rows:
        for execution in session.execute(
            select(WebhookExecution)
            .where(col(WebhookExecution.triggered_webhook_id).in_([r.id for r in rows]))
            .order_by(col(WebhookExecution.id))
        ).scalars():
            executions.setdefault(execution.triggered_webhook_id, []).append(execution)
    return [
        TriggeredView(
            r,
            titles.get(r.webhook_id) if r.webhook_id is not None else None,
            tuple(executions.get(r.id or 0, ())),
        )
        for r in rows
    ]


def get_triggered(session: Session, triggered_uuid: str) -> TriggeredView:
    row = session.execute(
        select(TriggeredWebhook).where(col(TriggeredWebhook.uuid) == triggered_uuid)
    ).scalar()
    if row is None:
        raise NotFound(f"No triggered webhook with uuid {triggered_uuid!r}")
    return _views(session, [row], with_executions=True)[0]


def triggered_logs(session: Session, triggered_uuid: str) -> str:
    view = get_triggered(session, triggered_uuid)
    if not view.executions:
        due = view.row.next_attempt_at
        when = f" (next attempt due at {aware(due).isoformat()})" if due is not None else ""
        return f"Webhook {view.row.webhook_uuid} for event {view.row.event_name} has not run yet{when}.\n"
    parts = []
    for execution in view.executions:
        verdict = "succeeded" if execution.success else "failed"
        parts.append(f"--- attempt {execution.attempt} {verdict} ---\n{execution.logs}")
    return "\n".join(parts)


def list_triggered(
    session: Session,
    *,
    webhook_uuid: str | None = None,
    consumer: str | None = None,
    provider: str | None = None,
    consumer_version: str | None = None,
    verification_id: int | None = None,
    event_names: Sequence[str] | None = None,
    limit: int = 100,
) -> list[TriggeredView]:
    query = select(TriggeredWebhook).order_by(col(TriggeredWebhook.id).desc()).limit(limit)
    if webhook_uuid is not None:
        query = query.where(col(TriggeredWebhook.webhook_uuid) == webhook_uuid)
    if consumer is not None:
        query = query.where(col(TriggeredWebhook.consumer_name) == consumer)
    if provider is not None:
        query = query.where(col(TriggeredWebhook.provider_name) == provider)
    if consumer_version is not None:
        query = query.where(col(TriggeredWebhook.consumer_version_number) == consumer_version)
    if verification_id is not None:
        query = query.where(col(TriggeredWebhook.verification_id) == verification_id)
    if event_names is not None:
        query = query.where(col(TriggeredWebhook.event_name).in_(list(event_names)))
    rows = list(session.execute(query).scalars())
    return _views(session, rows, with_executions=False)


@dataclass(frozen=True)
class WebhookStatusSummary:
    counts: dict[str, int]
    triggered: list[TriggeredView]


def webhook_status(session: Session, consumer: str, provider: str) -> WebhookStatusSummary:
    """The triggered webhooks of the pair's most recent consumer version that has any."""
    require_pacticipants(session, consumer, provider)
    latest = session.execute(
        select(col(TriggeredWebhook.consumer_version_number))
        .where(
            col(TriggeredWebhook.consumer_name) == consumer,
            col(TriggeredWebhook.provider_name) == provider,
            col(TriggeredWebhook.trigger_type) == "resource_creation",
        )
        .order_by(col(TriggeredWebhook.id).desc())
        .limit(1)
    ).scalar()
    views = (
        list_triggered(session, consumer=consumer, provider=provider, consumer_version=latest)
        if latest is not None
        else []
    )
    counts = {"successful": 0, "failed": 0, "retrying": 0, "notRun": 0}
    key = {"success": "successful", "failure": "failed", "retrying": "retrying", "not_run": "notRun"}
    for view in views:
        counts[key.get(view.row.status, "notRun")] += 1
    return WebhookStatusSummary(counts, views)


def outbox_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(col(TriggeredWebhook.status), func.count()).group_by(col(TriggeredWebhook.status))
    ).all()
    return {status: int(count) for status, count in rows}


def next_due_at(session: Session) -> datetime | None:
    return session.execute(
        select(func.min(TriggeredWebhook.next_attempt_at)).where(
            col(TriggeredWebhook.status).in_(PENDING_STATUSES)
        )
    ).scalar()
