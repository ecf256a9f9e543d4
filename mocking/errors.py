"""The exception root of the ``mocking`` package."""

from __future__ import annotations


class MockingError(Exception):
    """Root of every error raised by ``mocking`` (the mock server, the pytest mocks and the audit)."""


class FaultsFileError(MockingError):
    """A faults/latency file is malformed; the message names the file, the location and the fix."""


class MockServerError(MockingError):
    """The mock server cannot start or serve (no interactions to serve, bad option combination)."""


class AuditConfigError(MockingError):
    """A ``--tether-audit`` option cannot be understood (bad PROVIDER=SOURCE, unreadable source)."""
