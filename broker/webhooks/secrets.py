"""Webhook credentials at rest: passwords and sensitive header values are encrypted (Fernet) when
``TETHER_WEBHOOK_SECRET_KEY`` is set, and decrypted only to send a request.

Values holding ``${...}`` placeholders are templates, not secrets, and stay readable. Without a key
values are stored as given (as the Pact Broker does); a sealed value read without the key cannot be
sent, and the delivery fails with a log line saying so.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from broker.webhooks.redaction import is_templated

PREFIX = "tether-enc:v1:"


class SecretUnavailable(Exception):
    """A sealed value cannot be opened (no key, or a different key)."""


class SecretBox:
    def __init__(self, key: str | None) -> None:
        self._fernet = (
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest())) if key else None
        )

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    def seal(self, value: str | None) -> str | None:
        if value is None or self._fernet is None or is_templated(value) or value.startswith(PREFIX):
            return value
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def open(self, value: str | None) -> str | None:
        if value is None or not value.startswith(PREFIX):
            return value
        if self._fernet is None:
            raise SecretUnavailable(
                "a webhook credential is encrypted: set TETHER_WEBHOOK_SECRET_KEY to send it"
            )
        try:
            return self._fernet.decrypt(value[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            raise SecretUnavailable(
                "a webhook credential was encrypted with a different TETHER_WEBHOOK_SECRET_KEY"
            ) from None
