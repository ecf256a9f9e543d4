"""Errors of scenario generation and load runs."""

from __future__ import annotations

from loadgen.errors import LoadgenError


class ScenarioError(LoadgenError):
    """A scenario cannot be built: bad weights file, unreadable traffic log, no HTTP interactions."""


class LoadRunError(LoadgenError):
    """Locust could not be started or did not produce statistics."""
