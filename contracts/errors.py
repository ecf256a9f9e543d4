"""The exception root of the `contracts` package: callers catch ContractError for every contract failure."""

from __future__ import annotations


class ContractError(Exception):
    """Root of every error raised by `contracts` (bad pact documents, invalid matching rules, ...)."""


class MatchingRuleError(ContractError):
    """A matching rule in a pact cannot be understood (unknown matcher, bad regex, bad path)."""
