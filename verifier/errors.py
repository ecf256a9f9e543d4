"""The exception root of the `verifier` package."""

from __future__ import annotations


class VerifierError(Exception):
    """Root of every error raised by `verifier` (unreadable pacts, unusable options, ...)."""
