"""Reaching the broker through ``brokerclient.client`` with the command's credentials."""

from __future__ import annotations

from brokerclient.client import BrokerClient
from brokerclient.errors import BrokerResponseError
from verifier.live.options import BrokerOptions, LiveOptionsError


def broker_client(broker: BrokerOptions) -> BrokerClient:
    return BrokerClient(broker.url, token=broker.token, username=broker.username, password=broker.password)


def check_broker_reachable(broker: BrokerOptions) -> None:
    """Fail fast (exit 2) when the broker is down or refuses the credentials, before anything runs."""
    with broker_client(broker) as client:
        try:
            client.index()
        except BrokerResponseError as exc:
            if exc.status == 0:
                raise LiveOptionsError(
                    f"--broker-url {broker.url}: the broker does not answer ({exc})"
                ) from exc
            if exc.status in (401, 403):
                raise LiveOptionsError(
                    f"--broker-url {broker.url}: the broker refused the credentials (HTTP {exc.status}); "
                    "check --broker-token or --broker-username/--broker-password"
                ) from exc
            raise LiveOptionsError(f"--broker-url {broker.url}: {exc}") from exc
