"""Provider states of the official Pact Broker clients' pacts, set up through the broker's services.

The verifier POSTs ``{"state": ..., "params": ..., "action": "setup"}`` to the state-change URL
before each interaction (with an empty state for an interaction that has none). Every setup empties
the database the broker under test uses (the Ruby broker cleans its database between interactions
too), then builds
the state the way the Ruby broker's ``spec/service_consumers/shared_provider_states.rb`` does, but
through Tether's own service functions (``broker.services.*``), in one transaction.

The data each state creates follows the Ruby ``TestDataBuilder`` calls of that file: same names,
versions, tags, branches, environment UUIDs, deployed-version UUIDs and webhook UUID, since the pacts'
expected responses (and the HAL-relation proxy's paths) name them.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, Table, update
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from broker.db import Database
from broker.services.environments import create_environment, record_deployment
from broker.services.pact_content import parse_pact_document
from broker.services.pact_metadata import PactMetadata
from broker.services.pacticipants import ensure_pacticipant
from broker.services.publish import publish_pact
from broker.services.verifications import publish_verification
from broker.services.versions import ensure_branch_version, ensure_tag, ensure_version
from broker.services.webhooks import upsert_webhook
from broker.settings import BrokerSettings
from broker.tables.environments import DeployedVersion
from broker.webhooks.config import WebhookSettings

_unique = itertools.count(1)

# UUIDs the pacts (and hal_proxy.PATH_REPLACEMENTS) name
ENV_FOR_RECORDING = "cb632df3-0a0d-4227-aac3-60114dd36479"
ENV_16926 = "16926ef3-590f-4e3f-838e-719717aa88c9"
DEPLOYED_VERSION = "ff3adecf-cfc5-4653-a4e3-f1861092f8e0"
WEBHOOK = "696c5f93-1b7f-44bc-8d03-59440fcaa9a0"
FOO_SHA = "5556b8149bf8bac76bc30f50a8a2dd4c22c85f30"
PRICING_SERVICE_REPOSITORY = "git@git.realestate.com.au:business-systems/pricing-service"


@dataclass
class Builder:
    """A tiny ``TestDataBuilder``: remembers the current consumer, provider, version and pact."""

    session: Session
    consumer: str | None = None
    provider: str | None = None
    consumer_version: str | None = None
    environment: str | None = None

    def pacticipant(self, name: str) -> Builder:
        ensure_pacticipant(self.session, name)
        return self

    def create_pricing_service(self) -> Builder:
        """The Ruby builder's Pricing Service carries a repository URL the pacts expect back: an SCP-style
        git address, which the broker's API refuses (it takes http(s) URLs only), so it is written directly."""
        row, _ = ensure_pacticipant(self.session, "Pricing Service")
        row.repository_url = PRICING_SERVICE_REPOSITORY
        self.session.add(row)
        self.session.flush()
        self.provider = "Pricing Service"
        return self

    def create_consumer(self, name: str) -> Builder:
        self.consumer = name
        return self.pacticipant(name)

    def create_provider(self, name: str) -> Builder:
        self.provider = name
        return self.pacticipant(name)

    def version(
        self, pacticipant: str, number: str, *, branch: str | None = None, tags: tuple[str, ...] = ()
    ) -> Builder:
        row, _ = ensure_pacticipant(self.session, pacticipant)
        version, _ = ensure_version(self.session, row, number)
        if branch is not None:
            ensure_branch_version(self.session, row, version, branch)
        for tag in tags:
            ensure_tag(self.session, version, tag)
        return self

    def create_consumer_version(self, number: str, *, branch: str | None = None) -> Builder:
        assert self.consumer is not None
        self.consumer_version = number
        return self.version(self.consumer, number, branch=branch)

    def tag_consumer_version(self, tag: str) -> Builder:
        assert self.consumer is not None
        assert self.consumer_version is not None
        return self.version(self.consumer, self.consumer_version, tags=(tag,))

    def create_pact(self, *, interactions: list[dict[str, Any]] | None = None) -> Builder:
        """Publish a pact for the current consumer version (a fresh sha each time, as Ruby's ``rand``)."""
        assert self.consumer
        assert self.provider
        assert self.consumer_version
        content = {
            "consumer": {"name": self.consumer},
            "provider": {"name": self.provider},
            "interactions": interactions or [],
            "metadata": {"pactSpecification": {"version": "4.0"}},
            "random": next(_unique),
        }
        document = parse_pact_document(json.dumps(content))
        consumer, _ = ensure_pacticipant(self.session, self.consumer)
        provider, _ = ensure_pacticipant(self.session, self.provider)
        version, _ = ensure_version(self.session, consumer, self.consumer_version)
        publish_pact(self.session, consumer, version, provider, document, allow_modification=True)
        return self

    def revise_pact(self) -> Builder:
        return self.create_pact()

    def create_verification(self, provider_version: str, *, success: bool = True) -> Builder:
        assert self.consumer
        assert self.provider
        assert self.consumer_version
        from broker.services.pacts import pact_for_version

        pact = pact_for_version(self.session, self.provider, self.consumer, self.consumer_version)
        publish_verification(
            self.session,
            provider=self.provider,
            consumer=self.consumer,
            sha=pact.sha,
            metadata=PactMetadata(),
            body={"success": success, "providerApplicationVersion": provider_version},
        )
        return self

    def create_environment(
        self, name: str, *, uuid: str | None = None, contacts: list[dict[str, Any]] | None = None
    ) -> Builder:
        body: dict[str, Any] = {"name": name, "displayName": name.capitalize(), "production": False}
        if uuid is not None:
            body["uuid"] = uuid
        if contacts is not None:
            body["contacts"] = contacts
        self.environment = create_environment(self.session, body).uuid
        return self

    def create_deployed_version(self, *, uuid: str, target: str | None = None) -> Builder:
        assert self.consumer
        assert self.consumer_version
        assert self.environment
        record = record_deployment(
            self.session,
            pacticipant=self.consumer,
            version=self.consumer_version,
            env_uuid=self.environment,
            application_instance=target,
        )
        # the service draws a random UUID; the pact names this one
        self.session.execute(
            update(DeployedVersion).where(DeployedVersion.uuid == record.uuid).values(uuid=uuid)  # type: ignore[arg-type]
        )
        return self

    def create_webhook(self, uuid: str) -> Builder:
        assert self.consumer
        assert self.provider
        settings = self.session.info["settings"]
        upsert_webhook(
            self.session,
            uuid,
            {
                "consumer": {"name": self.consumer},
                "provider": {"name": self.provider},
                "events": [{"name": "contract_content_changed"}],
                "request": {
                    "method": "POST",
                    "url": "https://example.org",
                    "headers": {"Content-Type": "application/json"},
                },
            },
            WebhookSettings.from_settings(settings).policy,
        )
        return self


def _verified_twice(consumer: str) -> Callable[[Builder], object]:
    """``the pact for {consumer} version 1.2.3 has been verified by Bar version 4.5.6``."""

    def build(b: Builder) -> object:
        return (
            b.create_consumer(consumer)
            .create_provider("Bar")
            .create_consumer_version("1.2.3")
            .create_pact()
            .revise_pact()
            .create_verification("4.5.6")
            .create_verification("7.8.9")
            .create_consumer_version("2.0.0")
            .create_pact()
            .revise_pact()
            .create_verification("4.5.6")
        )

    return build


def _foo_bar(b: Builder) -> Builder:
    return b.create_consumer("Foo").create_provider("Bar").create_consumer_version("1.2.3").create_pact()


def _foo_123_and_124(b: Builder) -> object:
    return (
        _foo_bar(b)
        .revise_pact()
        .create_verification("4.5.6")
        .create_consumer_version("1.2.4")
        .create_pact()
        .revise_pact()
        .create_verification("4.5.6")
    )


def _foo_good_and_bad(b: Builder, *, tag_prod: bool) -> object:
    _foo_bar(b).revise_pact().create_verification("4.5.6")
    if tag_prod:
        b.version("Bar", "4.5.6", tags=("prod",))
    return (
        b.create_consumer_version("1.2.4")
        .create_pact()
        .revise_pact()
        .create_verification("9.9.9", success=False)
    )


def _foo_by_two_providers(b: Builder, *, tag_prod: bool) -> object:
    _foo_bar(b)
    if not tag_prod:
        b.revise_pact()
    b.create_verification("4.5.6")
    if tag_prod:
        b.version("Bar", "4.5.6", tags=("prod",))
    return b.create_verification("5.6.7")


def _bar_ignoring(b: Builder) -> object:
    b.create_consumer("Foo").create_provider("Bar").create_consumer_version("1.2.3").tag_consumer_version(
        "prod"
    )
    b.create_pact().create_verification("4.5.6")
    b.create_consumer_version("3.4.5").tag_consumer_version("prod")
    b.create_pact(
        interactions=[
            {
                "description": "x",
                "request": {"method": "GET", "path": "/things/3.4.5"},
                "response": {"status": 200},
            }
        ]
    )
    return b.create_verification("4.5.6", success=False)


def _condor_pricing(b: Builder, *, tag: str | None = None, branch: str | None = None) -> object:
    b.create_consumer("Condor").create_consumer_version("1.3.0", branch=branch)
    if tag:
        b.tag_consumer_version(tag)
    return b.create_pricing_service().create_pact()


def _foo_sha_with(b: Builder, *environments: tuple[str, str | None]) -> object:
    b.create_consumer("Foo").create_consumer_version(FOO_SHA)
    for name, uuid in environments:
        b.create_environment(name, uuid=uuid)
    return b


def _deployed(b: Builder, env_uuid: str, target: str | None) -> object:
    b.create_environment("test", uuid=env_uuid).create_consumer("Foo").create_consumer_version(FOO_SHA)
    return b.create_deployed_version(uuid=DEPLOYED_VERSION, target=target)


def _noop(b: Builder) -> object:
    return b


STATES: Mapping[str, Callable[[Builder], object]] = {
    "'Condor' exists in the pact-broker with the latest tagged 'production' version 1.2.3": lambda b: (
        b.create_consumer("Condor")
        .create_consumer_version("1.2.3")
        .tag_consumer_version("production")
        .create_consumer_version("2.0.0")
    ),
    "'Condor' exists in the pact-broker with the latest version 1.2.3": lambda b: (
        b.create_consumer("Condor").create_consumer_version("1.0.0").create_consumer_version("1.2.3")
    ),
    "the 'Pricing Service' and 'Condor' already exist in the pact-broker": lambda b: b.create_consumer(
        "Condor"
    ).create_provider("Pricing Service"),
    "the pact for Foo Thing version 1.2.3 has been verified by Bar version 4.5.6": _verified_twice(
        "Foo Thing"
    ),
    "the pact for Foo version 1.2.3 has been verified by Bar version 4.5.6": _verified_twice("Foo"),
    "the pact for Foo version 1.2.3 and 1.2.4 has been verified by Bar version 4.5.6": _foo_123_and_124,
    "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6, and 1.2.4 "
    "unsuccessfully by 9.9.9": lambda b: _foo_good_and_bad(b, tag_prod=False),
    "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6 with tag prod, "
    "and 1.2.4 unsuccessfully by 9.9.9": lambda b: _foo_good_and_bad(b, tag_prod=True),
    "the pact for Foo version 1.2.3 has been verified by Bar version 4.5.6 and version 5.6.7": lambda b: (
        _foo_by_two_providers(b, tag_prod=False)
    ),
    "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6 (tagged prod) and "
    "version 5.6.7": lambda b: _foo_by_two_providers(b, tag_prod=True),
    "the 'Pricing Service' already exists in the pact-broker": lambda b: b.create_pricing_service().version(
        "Pricing Service", "1.3.0"
    ),
    "a pact between Condor and the Pricing Service exists": _condor_pricing,
    "the 'Pricing Service' and 'Condor' already exist in the pact-broker, and Condor already has a pact "
    "published for version 1.3.0": _condor_pricing,
    "'Condor' exists in the pact-broker": lambda b: b.create_consumer("Condor").create_consumer_version(
        "1.3.0"
    ),
    "'Condor' exists in the pact-broker with version 1.3.0, tagged with 'prod'": lambda b: b.version(
        "Condor", "1.3.0", tags=("prod",)
    ),
    "a pact between Condor and the Pricing Service exists for the production version of Condor": lambda b: (
        _condor_pricing(b, tag="prod")
    ),
    "a latest pact between Condor and the Pricing Service exists": _condor_pricing,
    "tagged as prod pact between Condor and the Pricing Service exists": lambda b: _condor_pricing(
        b, tag="prod"
    ),
    "a webhook with the uuid 696c5f93-1b7f-44bc-8d03-59440fcaa9a0 exists": lambda b: (
        b.create_consumer("Condor").create_provider("Pricing Service").create_webhook(WEBHOOK)
    ),
    "a pacticipant with name Foo exists": lambda b: b.create_consumer("Foo"),
    "provider Bar version 4.5.6 has a successful verification for Foo version 1.2.3 tagged prod and a failed "
    "verification for version 3.4.5 tagged prod": _bar_ignoring,
    "an environment exists": lambda b: b.create_environment(
        "test", contacts=[{"name": "foo", "details": {"emailAddress": "foo@bar.com"}}]
    ),
    f"version {FOO_SHA} of pacticipant Foo exists with a test environment available for release": lambda b: (
        _foo_sha_with(b, ("test", ENV_FOR_RECORDING))
    ),
    f"version {FOO_SHA} of pacticipant Foo exists with a test environment available for deployment": lambda b: (
        _foo_sha_with(b, ("test", ENV_FOR_RECORDING))
    ),
    f"version {FOO_SHA} of pacticipant Foo exists with 2 environments that aren't test available for "
    "deployment": lambda b: _foo_sha_with(b, ("prod", None), ("dev", None)),
    f"an environment with name test and UUID {ENV_16926} exists": lambda b: b.create_environment(
        "test", uuid=ENV_16926
    ),
    f"an version is deployed to environment with UUID {ENV_16926} with target customer-1": lambda b: (
        _deployed(b, ENV_16926, "customer-1")
    ),
    "a currently deployed version exists": lambda b: _deployed(b, ENV_FOR_RECORDING, None),
    "a branch named main exists for pacticipant Foo": lambda b: b.create_consumer(
        "Foo"
    ).create_consumer_version("1", branch="main"),
    "an environment with name test exists": lambda b: b.create_environment("test"),
    # states that only document what the consumer relies on (``no_op`` in the Ruby broker)
    "the pb:latest-tagged-version relation exists in the index resource": _noop,
    "the pb:latest-version relation exists in the index resource": _noop,
    "the 'Pricing Service' does not exist in the pact-broker": _noop,
    "no pact between Condor and the Pricing Service exists": _noop,
    "'Condor' does not exist in the pact-broker": _noop,
    "the pacticipant relations are present": _noop,
    "the pb:publish-contracts relations exists in the index resource": _noop,
    "the pb:environments relation exists in the index resource": _noop,
    "the pb:pacticipant-branch relation exists in the index resource": _noop,
    "the pb:pacticipant-version and pb:environments relations exist in the index resource": _noop,
}


STATES_PATH = "/__provider-states"


class UnknownState(LookupError):
    pass


_tables: dict[str, list[Table]] = {}


def reset(db: Database) -> None:
    """Empty every table of the broker's schema (the Alembic revision table stays)."""
    if db.url not in _tables:
        metadata = MetaData()
        metadata.reflect(db.write_engine)
        _tables[db.url] = [t for t in metadata.sorted_tables if t.name != "alembic_version"]
    tables = _tables[db.url]
    # DELETE, not TRUNCATE: TRUNCATE's exclusive lock would wait for the broker's open transactions
    with db.write_engine.begin() as connection:
        if db.dialect == "postgresql":  # one round trip
            deletes = "; ".join(f'DELETE FROM "{t.name}"' for t in reversed(tables))
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '10s'; {deletes}")
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


def set_up(db: Database, state: str) -> None:
    if not state:  # an interaction without a provider state: the verifier still calls, with none
        return
    build = STATES.get(state)
    if build is None:
        raise UnknownState(state)
    db.write(lambda session: build(Builder(session)))


class StateApp:
    """The state-change endpoint: ``POST STATES_PATH`` with the verifier's JSON body. Records every call,
    every state that failed to set up, and the seconds spent setting states up."""

    def __init__(self, database_url: str) -> None:
        self.db = Database(database_url)
        self.db.session_info["settings"] = BrokerSettings(database_url=database_url)
        self.calls: list[dict[str, Any]] = []
        self.failures: list[str] = []
        self.seconds = 0.0
        self._lock = threading.Lock()
        self.asgi = Starlette(routes=[Route(STATES_PATH, self._change, methods=["POST"])])

    async def _change(self, request: Request) -> JSONResponse:
        body = await request.json() if await request.body() else {}
        if not body and request.query_params:
            body = dict(request.query_params)
        state = str(body.get("state", ""))
        action = str(body.get("action", "setup"))
        with self._lock:
            self.calls.append({"state": state, "action": action})
            # the verifier calls setup before every interaction, also one without a state (with none)
            if action == "setup":
                started = time.perf_counter()
                reset(self.db)
                try:
                    set_up(self.db, state)
                except UnknownState:
                    self.failures.append(f"unknown provider state {state!r}")
                    return JSONResponse({"error": f"unknown provider state {state!r}"}, status_code=500)
                except Exception as exc:  # a broken state fails its interaction, visibly
                    self.failures.append(f"{state}: {exc!r}")
                    return JSONResponse({"error": repr(exc)}, status_code=500)
                finally:
                    self.seconds += time.perf_counter() - started
        return JSONResponse({})

    def close(self) -> None:
        self.db.dispose()
