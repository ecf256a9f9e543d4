"""The exception root of the `loadgen` package."""

from __future__ import annotations


class LoadgenError(Exception):
    """Root of every error raised by `loadgen` (bad weights files, unreadable traffic logs, failed runs)."""
