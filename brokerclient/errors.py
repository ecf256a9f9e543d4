"""The exception root of the ``brokerclient`` library."""

from __future__ import annotations

from typing import Any


class BrokerClientError(Exception):
    """Root of every error raised by ``brokerclient``: broker answers, unreadable pact sources, bad selectors."""


class BrokerResponseError(BrokerClientError):
    """The broker answered with an error (``status``) or could not be reached (``status`` 0)."""

    def __init__(self, message: str, *, status: int, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.response_body = body


class ContractSourceError(BrokerClientError):
    """Pacts could not be loaded: an unreadable pact file, an unreachable broker, a bad selector."""


class BrokerOptionError(BrokerClientError):
    """A broker option is unusable (a URL that is not http(s), a token together with a password, ...);
    the message names the option and the fix."""


class SelectorError(BrokerOptionError):
    """A consumer version selector the broker would refuse; the message names the option and the fix."""
