"""The exception root of the `loadgen` package."""

from __future__ import annotations


class LoadgenError(Exception):
    """Root of every error raised by `loadgen` (bad weights files, unreadable traffic logs, failed runs)."""


class ContractSourceError(LoadgenError):
    """Pacts could not be loaded: an unreadable pact file, an unreachable broker, a bad selector."""


class FaultsFileError(LoadgenError):
    """A faults/latency file is malformed; the message names the file, the location and the fix."""


class MockServerError(LoadgenError):
    """The mock server cannot start or serve (no interactions to serve, bad option combination)."""


class AuditConfigError(LoadgenError):
    """A ``--tether-audit`` option cannot be understood (bad PROVIDER=SOURCE, unreadable source)."""
