"""Where a broker is and how to authenticate to it: the values of ``--broker-url``, ``--broker-token``,
``--broker-username`` and ``--broker-password``, checked once for every command."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from brokerclient.errors import BrokerOptionError, BrokerResponseError

if TYPE_CHECKING:  # httpx is imported when a client is made: serving pact files never needs it
    from brokerclient.client import BrokerClient


@dataclass(frozen=True)
class BrokerConnection:
    """A broker's base URL and credentials (a bearer token, or a basic-auth user and password)."""

    url: str
    token: str | None = None
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_options(
        cls,
        url: str,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        option: str = "--broker-url",
    ) -> BrokerConnection:
        """Checked option values: an http(s) URL, and a token or a user/password, not both."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise BrokerOptionError(
                f"{option} {url!r} is not an http(s) URL (for example http://127.0.0.1:9292)"
            )
        if token and (username or password):
            raise BrokerOptionError(
                "give either --broker-token or --broker-username/--broker-password, not both"
            )
        if password and not username:
            raise BrokerOptionError("--broker-password needs --broker-username")
        return cls(url.rstrip("/"), token or None, username or None, password or None)

    def client(self, *, timeout: float = 30.0) -> BrokerClient:
        from brokerclient.client import BrokerClient

        return BrokerClient(
            self.url, token=self.token, username=self.username, password=self.password, timeout=timeout
        )

    def check_reachable(self) -> None:
        """Fail fast when the broker is down, refuses the credentials, or is not a broker at all
        (its web UI, or another server), before anything runs."""
        with self.client() as client:
            try:
                index = client.index()
            except BrokerResponseError as exc:
                if exc.status == 0:
                    raise BrokerOptionError(
                        f"--broker-url {self.url}: the broker does not answer ({exc})"
                    ) from exc
                if exc.status in (401, 403):
                    raise BrokerOptionError(
                        f"--broker-url {self.url}: the broker refused the credentials (HTTP {exc.status}); "
                        "check --broker-token or --broker-username/--broker-password"
                    ) from exc
                raise self._not_a_broker(f"HTTP {exc.status} for /") from exc
        if not isinstance(index, dict) or not isinstance(index.get("_links"), dict):
            raise self._not_a_broker("no _links in /")

    def _not_a_broker(self, evidence: str) -> BrokerOptionError:
        parts = urlsplit(self.url)
        segments = [segment for segment in parts.path.split("/") if segment]
        if "ui" in segments:
            root = urlunsplit(
                (parts.scheme, parts.netloc, "/".join(segments[: segments.index("ui")]), "", "")
            )
            return BrokerOptionError(
                f"--broker-url {self.url} is the broker's web UI; use {root.rstrip('/')}"
            )
        return BrokerOptionError(
            f"--broker-url {self.url} answered but is not a Pact Broker ({evidence}); "
            "give the broker's base URL, the one whose / lists the HAL _links"
        )

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "token": self.token, "username": self.username, "password": self.password}
