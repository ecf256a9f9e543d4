"""Broker settings, read from command-line options and ``TETHER_*`` environment variables.

Environment variables (all optional):

``TETHER_DATABASE_URL``        SQLAlchemy URL. Default ``sqlite:///./tether-broker.db`` (a file in the
                               working directory). PostgreSQL: ``postgresql+psycopg://user@host:5432/db``.
``TETHER_BASE_URL``            public base URL used in every HAL href (e.g. ``https://broker.example``);
                               several may be given comma-separated, the one matching the request host
                               wins. Default: the request's own URL (``X-Forwarded-*`` only from
                               ``TETHER_TRUSTED_PROXIES``). Writes from browsers must come from
                               one of these origins (the ``Origin`` header).
``TETHER_TRUSTED_PROXIES``     comma-separated addresses/CIDRs of reverse proxies whose
                               ``X-Forwarded-Host/-Proto/-Port/-Prefix`` headers are believed.
                               Default: none (the headers are dropped).
``TETHER_BROKER_TOKENS``       bearer tokens with roles: ``token1:read,token2:write,token3:admin``.
``TETHER_BROKER_BASIC_AUTH``   basic-auth users with roles: ``alice:secret:write,bob:pw:read``.
``TETHER_ALLOW_PUBLIC_READ``   ``true``: reads need no credentials even when auth is configured.
``TETHER_ALLOW_DANGEROUS_CONTRACT_MODIFICATION``  ``true``: re-publishing different content for an
                               existing consumer version replaces it (a new revision) instead of 409.
``TETHER_CHECK_FOR_POTENTIAL_DUPLICATE_PACTICIPANT_NAMES``  default ``true``: publishing a pact for a
                               new pacticipant whose name differs from an existing one only by case or
                               punctuation ("order-web" vs "OrderWeb") is refused with 409.
``TETHER_MAX_BODY_BYTES``      request body limit (default 10 MiB); larger bodies get 413.
``TETHER_WEBHOOK_HOST_ALLOW_LIST``     comma-separated hosts/CIDRs webhooks may call.
``TETHER_WEBHOOK_SCHEME_ALLOW_LIST``   default ``https``.
``TETHER_WEBHOOK_METHOD_ALLOW_LIST``   default ``POST``.
``TETHER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES``  ``true`` allows loopback/private targets.
``TETHER_MIGRATE_ON_START``    default ``true``.

Version defaults, as the Ruby Pact Broker's settings of the same names (and its defaults):

``TETHER_AUTO_DETECT_MAIN_BRANCH``     default ``true``: a pacticipant without a main branch gets one
                               when a version is given a branch or tag named in
                               ``TETHER_MAIN_BRANCH_CANDIDATES`` (default ``develop,main,master``):
                               publication, branch-version and tag PUTs, provider contracts.
``TETHER_USE_FIRST_TAG_AS_BRANCH``     default ``true``: a tag on a version with no branch, created at
                               most ``TETHER_USE_FIRST_TAG_AS_BRANCH_TIME_LIMIT`` seconds (default 10)
                               after the version, also becomes its branch (clients that only tag).
``TETHER_CREATE_DEPLOYED_VERSIONS_FOR_TAGS``  default ``true``: a tag named like an environment
                               records the version as deployed to that environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Any

from broker.errors import ConfigurationError

DEFAULT_DATABASE_URL = "sqlite:///./tether-broker.db"
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024


class Role(IntEnum):
    """Roles are ordered: a role includes every lower one."""

    READ = 1
    WRITE = 2
    ADMIN = 3

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ConfigurationError(f"unknown role {text!r}: use read, write or admin") from None


@dataclass(frozen=True)
class BasicUser:
    password: str
    role: Role


@dataclass(frozen=True)
class BrokerSettings:
    database_url: str = DEFAULT_DATABASE_URL
    base_urls: tuple[str, ...] = ()
    tokens: Mapping[str, Role] = field(default_factory=dict)
    basic_users: Mapping[str, BasicUser] = field(default_factory=dict)
    allow_public_read: bool = False
    allow_dangerous_contract_modification: bool = False
    check_for_potential_duplicate_pacticipant_names: bool = True
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    webhook_host_allow_list: tuple[str, ...] = ()
    webhook_scheme_allow_list: tuple[str, ...] = ("https",)
    webhook_method_allow_list: tuple[str, ...] = ("POST",)
    webhook_allow_private_addresses: bool = False
    trusted_proxies: tuple[str, ...] = ()
    auto_detect_main_branch: bool = True
    main_branch_candidates: tuple[str, ...] = ("develop", "main", "master")
    use_first_tag_as_branch: bool = True
    use_first_tag_as_branch_time_limit: float = 10.0
    create_deployed_versions_for_tags: bool = True
    migrate_on_start: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def auth_enabled(self) -> bool:
        return bool(self.tokens or self.basic_users)

    def with_overrides(self, **changes: Any) -> BrokerSettings:
        """A copy with the given fields replaced; ``None`` values are ignored (unset CLI options)."""
        return replace(self, **{key: value for key, value in changes.items() if value is not None})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> BrokerSettings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        if url := env.get("TETHER_DATABASE_URL"):
            values["database_url"] = url
        if base := env.get("TETHER_BASE_URL"):
            values["base_urls"] = _csv(base)
        if tokens := env.get("TETHER_BROKER_TOKENS"):
            values["tokens"] = parse_tokens(tokens)
        if users := env.get("TETHER_BROKER_BASIC_AUTH"):
            values["basic_users"] = parse_basic_users(users)
        for name in (
            "allow_public_read",
            "allow_dangerous_contract_modification",
            "check_for_potential_duplicate_pacticipant_names",
            "webhook_allow_private_addresses",
            "migrate_on_start",
            "auto_detect_main_branch",
            "use_first_tag_as_branch",
            "create_deployed_versions_for_tags",
        ):
            raw = env.get(f"TETHER_{name.upper()}")
            if raw is not None:
                values[name] = _bool(raw, f"TETHER_{name.upper()}")
        if raw := env.get("TETHER_MAX_BODY_BYTES"):
            try:
                values["max_body_bytes"] = int(raw)
            except ValueError:
                raise ConfigurationError(f"TETHER_MAX_BODY_BYTES must be an integer, not {raw!r}") from None
        for name in (
            "webhook_host_allow_list",
            "webhook_scheme_allow_list",
            "webhook_method_allow_list",
            "trusted_proxies",
            "main_branch_candidates",
        ):
            raw = env.get(f"TETHER_{name.upper()}")
            if raw is not None:
                values[name] = _csv(raw)
        if raw := env.get("TETHER_USE_FIRST_TAG_AS_BRANCH_TIME_LIMIT"):
            try:
                values["use_first_tag_as_branch_time_limit"] = float(raw)
            except ValueError:
                raise ConfigurationError(
                    f"TETHER_USE_FIRST_TAG_AS_BRANCH_TIME_LIMIT must be a number of seconds, not {raw!r}"
                ) from None
        settings = cls(**values)
        if isinstance(overrides.get("base_urls"), str):
            overrides["base_urls"] = _csv(overrides["base_urls"])
        return settings.with_overrides(**overrides)


def parse_tokens(text: str) -> dict[str, Role]:
    tokens: dict[str, Role] = {}
    for item in _csv(text):
        token, sep, role = item.rpartition(":")
        if not sep or not token:
            raise ConfigurationError(f"bad token entry {item!r}: expected TOKEN:ROLE (role read/write/admin)")
        tokens[token] = Role.parse(role)
    return tokens


def parse_basic_users(text: str) -> dict[str, BasicUser]:
    users: dict[str, BasicUser] = {}
    for item in _csv(text):
        parts = item.split(":")
        if len(parts) < 3 or not parts[0]:
            raise ConfigurationError(f"bad basic-auth entry {item!r}: expected USER:PASSWORD:ROLE")
        users[parts[0]] = BasicUser(password=":".join(parts[1:-1]), role=Role.parse(parts[-1]))
    return users


def _csv(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _bool(text: str, name: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {text!r}")
