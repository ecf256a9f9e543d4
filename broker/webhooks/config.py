"""Webhook delivery settings, read from ``BrokerSettings`` and ``TETHER_WEBHOOK_*`` variables.

``TETHER_WEBHOOK_RETRIES``           retries after the first attempt (default 6).
``TETHER_WEBHOOK_RETRY_BASE_SECONDS`` first back-off delay; each retry doubles it (default 10 s:
                                     10, 20, 40, 80, 160, 320 s).
``TETHER_WEBHOOK_RETRY_SCHEDULE``    explicit delays instead, comma-separated seconds (``10,60,120``).
``TETHER_WEBHOOK_TIMEOUT_SECONDS``   connect/read timeout of one attempt (default 10 s).
``TETHER_WEBHOOK_LEASE_SECONDS``     how long a claimed delivery stays with one process; a delivery
                                     left in flight by a killed process is due again after it
                                     (default 60 s; must exceed the timeout).
``TETHER_WEBHOOK_POLL_SECONDS``      how often the worker looks for due deliveries (default 1 s).
``TETHER_WEBHOOK_WORKER``            ``false`` runs no worker in this process (API-only processes).
``TETHER_WEBHOOK_CONCURRENCY``      deliveries a process sends at once (default 4); ``TETHER_WEBHOOK_BATCH_SIZE``
                                     how many due deliveries it claims at a time (default 10).
``TETHER_WEBHOOK_SECRET_KEY``       encrypts webhook passwords and Authorization/token header values at
                                     rest (any string; keep it the same for every broker process).
``TETHER_WEBHOOK_GAP_FILL_SECONDS``  how often the worker queues bi-directional cross-checks that
                                     became relevant later (e.g. after a deployment; default 30 s).

Each may also be given in ``BrokerSettings.extra`` under the lower-case name without the
``TETHER_`` prefix (``extra={"webhook_retry_schedule": "0.2,0.4"}``), which wins over the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from broker.errors import ConfigurationError
from broker.settings import BrokerSettings
from broker.webhooks.secrets import SecretBox
from broker.webhooks.targets import TargetPolicy, parse_allow_list

SUCCESS_CODES = range(200, 300)


@dataclass(frozen=True)
class WebhookSettings:
    policy: TargetPolicy = field(default_factory=TargetPolicy)
    retry_schedule: tuple[float, ...] = (10.0, 20.0, 40.0, 80.0, 160.0, 320.0)
    timeout_seconds: float = 10.0
    lease_seconds: float = 60.0
    poll_seconds: float = 1.0
    worker_enabled: bool = True
    batch_size: int = 10
    gap_fill_seconds: float = 30.0
    concurrency: int = 4
    secrets: SecretBox = field(default_factory=lambda: SecretBox(None))

    @property
    def max_attempts(self) -> int:
        return len(self.retry_schedule) + 1

    def delay_after(self, attempts_made: int) -> float | None:
        """Seconds to wait after the ``attempts_made``-th failed attempt; ``None`` = give up."""
        if attempts_made < 1 or attempts_made > len(self.retry_schedule):
            return None
        return self.retry_schedule[attempts_made - 1]

    @classmethod
    def from_settings(
        cls, settings: BrokerSettings, environ: Mapping[str, str] | None = None
    ) -> WebhookSettings:
        env = os.environ if environ is None else environ

        def raw(name: str) -> Any:
            key = f"webhook_{name}"
            if key in settings.extra:
                return settings.extra[key]
            return env.get(f"TETHER_WEBHOOK_{name.upper()}")

        try:
            allow_list = parse_allow_list(settings.webhook_host_allow_list)
        except ValueError as exc:
            raise ConfigurationError(f"TETHER_WEBHOOK_HOST_ALLOW_LIST has a bad entry: {exc}") from None
        policy = TargetPolicy(
            host_allow_list=allow_list,
            scheme_allow_list=settings.webhook_scheme_allow_list,
            method_allow_list=settings.webhook_method_allow_list,
            allow_private_addresses=settings.webhook_allow_private_addresses,
        )
        schedule_raw = raw("retry_schedule")
        if schedule_raw not in (None, ""):
            schedule = tuple(
                _number(part, "TETHER_WEBHOOK_RETRY_SCHEDULE") for part in str(schedule_raw).split(",")
            )
        else:
            base = _number(raw("retry_base_seconds") or 10, "TETHER_WEBHOOK_RETRY_BASE_SECONDS")
            retries = int(
                _number(raw("retries") if raw("retries") is not None else 6, "TETHER_WEBHOOK_RETRIES")
            )
            schedule = tuple(base * 2**i for i in range(retries))
        worker = raw("worker")
        timeout = _number(raw("timeout_seconds") or 10, "TETHER_WEBHOOK_TIMEOUT_SECONDS")
        lease = _number(raw("lease_seconds") or max(60.0, timeout * 2), "TETHER_WEBHOOK_LEASE_SECONDS")
        if lease <= timeout:
            raise ConfigurationError(
                f"TETHER_WEBHOOK_LEASE_SECONDS ({lease}) must exceed TETHER_WEBHOOK_TIMEOUT_SECONDS ({timeout}), "
                "or a slow delivery would be claimed twice"
            )
        return cls(
            policy=policy,
            retry_schedule=schedule,
            timeout_seconds=timeout,
            lease_seconds=lease,
            poll_seconds=_number(raw("poll_seconds") or 1, "TETHER_WEBHOOK_POLL_SECONDS"),
            worker_enabled=_flag(worker),
            gap_fill_seconds=_number(raw("gap_fill_seconds") or 30, "TETHER_WEBHOOK_GAP_FILL_SECONDS"),
            concurrency=max(1, int(_number(raw("concurrency") or 4, "TETHER_WEBHOOK_CONCURRENCY"))),
            secrets=SecretBox(str(raw("secret_key")) if raw("secret_key") else None),
            batch_size=max(1, int(_number(raw("batch_size") or 10, "TETHER_WEBHOOK_BATCH_SIZE"))),
        )


def _number(value: Any, name: str) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ConfigurationError(f"{name} must be a number of seconds, not {value!r}") from None
    if number < 0:
        raise ConfigurationError(f"{name} must not be negative, not {value!r}")
    return number


def _flag(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return True if value is None else value
    return str(value).strip().lower() not in {"0", "false", "no", "off"}
