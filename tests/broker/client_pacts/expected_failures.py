"""Interactions of the official clients' pacts that Tether's broker does not satisfy yet, with why.

``tests/broker/test_official_client_pacts.py`` fails when an interaction outside this list fails, and
also when one listed here passes: the list only shrinks. Each reason names the mismatch the verifier
reports. The same list holds for SQLite and PostgreSQL, and for both verifiers (the Rust CLI and
pact-python's ``Verifier``, which run the same Rust code).
"""

from __future__ import annotations

from collections.abc import Mapping

from tests.broker.client_pacts.harness import Key

V1 = "Pact Broker Client"
V2 = "Pact Broker Client V2"

ERROR_TYPE = (
    "error bodies are served as application/json; the client expects application/hal+json"
    " (Content-Type header and body type mismatch)"
)
LABEL = (
    "webhooks cannot select a consumer/provider by label: 400 'label filters are not supported by this"
    " broker' instead of 201 with the webhook"
)
LATEST_VERSION = (
    "GET /pacticipants: each pacticipant's _embedded has only 'labels'; the client expects"
    " _embedded.latest-version"
)
CONDOR_PRICING = "the 'Pricing Service' and 'Condor' already exist in the pact-broker"

EXPECTED_FAILURES: Mapping[Key, str] = {
    **{
        Key(consumer, "a request to list pacticipants", "'Condor' exists in the pact-broker"): LATEST_VERSION
        for consumer in (V1, V2)
    },
    **{
        Key(consumer, "a request for the compatibility matrix for a pacticipant that does not exist", ""): (
            f"400 for an unknown pacticipant is right, but {ERROR_TYPE}"
        )
        for consumer in (V1, V2)
    },
    **{
        Key(consumer, "an invalid request to create a webhook for a consumer and provider", CONDOR_PRICING): (
            f"400 naming request.url is right, but {ERROR_TYPE}"
        )
        for consumer in (V1, V2)
    },
    **{
        Key(
            consumer,
            "a request to create a webhook for a consumer and provider",
            "'Condor' does not exist in the pact-broker",
        ): f"404 is right, but {ERROR_TYPE}"
        for consumer in (V1, V2)
    },
    **{
        Key(
            consumer, "a request to create a webhook with a JSON body for a consumer that does not exist", ""
        ): (f"400 naming consumer.name is right, but {ERROR_TYPE}")
        for consumer in (V1, V2)
    },
    **{
        Key(
            consumer, f"a request to create a webhook with a JSON body for a {role} specified by a label", ""
        ): (LABEL)
        for consumer in (V1, V2)
        for role in ("consumer", "provider")
    },
}
