"""The broker's exceptions. Every one maps to a 4xx with a Pact-Broker-style body.

Bodies look like the Ruby broker's: ``{"errors": {"<field>": ["message", ...]}}`` and, where the
clients print them, ``"notices": [{"type": "error", "text": "..."}]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class BrokerError(Exception):
    """Root of every broker failure. ``status`` is the HTTP status it renders as."""

    status: int = 400

    def __init__(
        self,
        message: str,
        *,
        field: str = "base",
        errors: Mapping[str, Sequence[str]] | None = None,
        notices: Sequence[Mapping[str, str]] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors: dict[str, list[str]] = (
            {key: list(values) for key, values in errors.items()} if errors else {field: [message]}
        )
        self.notices = [dict(notice) for notice in notices]

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"errors": self.errors}
        if self.notices:
            body["notices"] = self.notices
        return body


class ConfigurationError(BrokerError):
    """Bad settings (environment variables or options); raised at start-up, not per request."""

    status = 500


class ValidationFailed(BrokerError):
    status = 400


class SelectorsInvalid(ValidationFailed):
    """Matrix and can-i-deploy queries the broker cannot answer. The Ruby broker lists these messages as
    plain strings (``{"errors": ["..."]}``), and the Pact clients print them that way."""

    def body(self) -> dict[str, Any]:
        body = super().body()
        body["errors"] = [message for messages in self.errors.values() for message in messages]
        return body


class Unauthorized(BrokerError):
    status = 401


class Forbidden(BrokerError):
    status = 403


class NotFound(BrokerError):
    status = 404


class Conflict(BrokerError):
    status = 409


class PayloadTooLarge(BrokerError):
    status = 413


class UnsupportedMediaType(BrokerError):
    status = 415


class Unprocessable(BrokerError):
    status = 422
