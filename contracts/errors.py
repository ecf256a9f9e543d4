"""The exception root of the `contracts` package: callers catch ContractError for every contract failure."""

from __future__ import annotations


class ContractError(Exception):
    """Root of every error raised by `contracts` (bad pact documents, invalid matching rules, ...)."""


class MatchingRuleError(ContractError):
    """A matching rule in a pact cannot be understood (unknown matcher, bad regex, bad path)."""


class PactFormatError(ContractError):
    """A pact document is malformed; the message names the file, the JSON location and how to fix it."""

    def __init__(self, location: str, problem: str, *, source: str | None = None) -> None:
        self.location = location
        self.problem = problem
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__(f"{prefix}{location}: {problem}")

    def with_source(self, source: str) -> PactFormatError:
        """The same error, naming the file (or URL) the document came from."""
        return PactFormatError(self.location, self.problem, source=source)


class GeneratorError(ContractError):
    """A generator definition cannot produce a value (unknown type, bad attribute, missing context)."""
