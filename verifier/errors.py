"""The exception root of the `verifier` package."""

from __future__ import annotations


class VerifierError(Exception):
    """Root of every error raised by `verifier` (unreadable pacts, unusable options, ...)."""


class UnreadableInputError(VerifierError):
    """An input file (pact or spec) cannot be read or understood; names the file and the location."""

    def __init__(self, source: str, location: str, problem: str) -> None:
        self.source = source
        self.location = location
        self.problem = problem
        super().__init__(f"{source}: {location}: {problem}")
