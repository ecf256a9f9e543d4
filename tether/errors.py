"""The root of the errors the `tether` front door raises (the other packages have their own roots)."""

from __future__ import annotations


class TetherError(Exception):
    """A failure of the front door (demo, tool discovery), with a message that names the fix."""


class PactCliMissing(TetherError):
    """No Pact CLI could be found: the message says every place that was tried and how to get one."""
