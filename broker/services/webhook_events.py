"""Webhook events: the subscriber that turns broker events into outbox rows, and the
``${pactbroker.*}`` values each delivery is rendered with.

``on_event`` is subscribed to ``broker.events`` by ``broker.webhooks.runtime``: it runs inside the
transaction that caused the event and writes one ``triggered_webhook`` row per matching enabled
webhook (and, for ``contract_requiring_verification_published``, per provider version to verify), with
the values captured at that moment. No row is written for a change that is rolled back.
"""

from __future__ import annotations

import uuid as uuid_module
import weakref
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Table, bindparam, exists, or_, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from broker.clock import now
from broker.db import Database
from broker.events import BrokerEvent, EventName
from broker.hal import Urls
from broker.services.pact_metadata import PactMetadata, encode_metadata
from broker.tables import load_all
from broker.tables.core import BranchVersion, Pacticipant, PactVersion, Tag, Version
from broker.tables.labels import PacticipantLabel
from broker.tables.webhooks import TriggeredWebhook, Webhook, WebhookEvent
from broker.webhooks.config import WebhookSettings

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


def default_description(method: str, url: str) -> str:
    try:
        host = urlsplit(url).hostname or url
    except ValueError:
        host = url
    return f"{method.upper()} {host}"


# --------------------------------------------------------------------------- events -> outbox


@dataclass(frozen=True)
class TriggeredNotice:
    """One webhook queued by an event in this transaction (for publish notices)."""

    uuid: str
    webhook_description: str
    event_name: str


def _has_label(pacticipant: Any, label: Any) -> Any:
    """SQL: the pacticipant named ``pacticipant`` carries the label in column ``label``."""
    return exists(
        select(col(PacticipantLabel.id))
        .join(Pacticipant, col(Pacticipant.id) == col(PacticipantLabel.pacticipant_id))
        .where(col(Pacticipant.name) == pacticipant, col(PacticipantLabel.name) == label)
    )


# built once (every publish and verification runs it): building it costs more CPU than running it
_MATCHING_WEBHOOKS = (
    select(Webhook)
    .join(WebhookEvent, col(WebhookEvent.webhook_id) == col(Webhook.id))
    .where(
        col(WebhookEvent.name) == bindparam("event_name"),
        col(Webhook.enabled).is_(True),
        or_(col(Webhook.consumer_name).is_(None), col(Webhook.consumer_name) == bindparam("consumer")),
        or_(col(Webhook.provider_name).is_(None), col(Webhook.provider_name) == bindparam("provider")),
        or_(
            col(Webhook.consumer_label).is_(None),
            _has_label(bindparam("consumer"), col(Webhook.consumer_label)),
        ),
        or_(
            col(Webhook.provider_label).is_(None),
            _has_label(bindparam("provider"), col(Webhook.provider_label)),
        ),
    )
    .order_by(col(Webhook.id))
)


SESSION_NO_WEBHOOKS_KEY = "tether.no_enabled_webhooks"


def any_enabled_webhook() -> Any:
    """SQL: the broker has an enabled webhook (a column a publish adds to its first look-up)."""
    return exists().where(col(Webhook.enabled).is_(True))


def note_no_webhooks(session: Session) -> None:
    """A publish read in its transaction that no webhook is enabled, so its events queue nothing
    without asking again. (A webhook created while the publish runs is missed either way.)"""
    session.info[SESSION_NO_WEBHOOKS_KEY] = True


def matching_webhooks(session: Session, event_name: str, consumer: str, provider: str) -> list[Webhook]:
    parameters = {"event_name": event_name, "consumer": consumer, "provider": provider}
    return list(session.execute(_MATCHING_WEBHOOKS, parameters).scalars())


def on_event(session: Session, broker_event: BrokerEvent) -> None:
    """Subscriber: queue one delivery per matching webhook, in the causing transaction.

    Only databases served by an application that installed webhooks (``broker.webhooks.runtime``) get
    deliveries queued; a script or test using a bare ``Database`` in the same process is left alone."""
    runtime = _runtime_for(session)
    if runtime is None or session.info.get(SESSION_NO_WEBHOOKS_KEY):
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

VERIFICATION_EVENTS = {
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
    is_verification = broker_event.name in VERIFICATION_EVENTS
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
