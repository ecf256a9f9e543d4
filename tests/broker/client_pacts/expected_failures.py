"""Interactions of the official clients' pacts that Tether's broker does not satisfy yet, with why.

``tests/broker/test_official_client_pacts.py`` fails when an interaction outside this list fails, and
also when one listed here passes: the list only shrinks. Each reason names the mismatch the verifier
reports. The same list holds for SQLite and PostgreSQL, and for both verifiers (the Rust CLI and
pact-python's ``Verifier``, which run the same Rust code).
"""

from __future__ import annotations

from collections.abc import Mapping

from tests.broker.client_pacts.harness import Key

# Empty since issue 13: HAL error bodies, label webhooks and each pacticipant's latest-version in the list.
EXPECTED_FAILURES: Mapping[Key, str] = {}
