"""What `tether verify provider` was asked to do, validated before anything runs.

Every problem here is a :class:`LiveOptionsError` (a ``VerifierError``) whose message names the
option and says how to fix it; the CLI turns it into exit code 2.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from brokerclient.connection import BrokerConnection
from brokerclient.selectors import ConsumerVersionSelector
from contracts.errors import PactFormatError
from contracts.model import Pact
from contracts.pactfile import load_pact
from contracts.suggestions import did_you_mean
from contracts.validation import require_usable
from verifier.errors import VerifierError


class LiveOptionsError(VerifierError):
    """An option of `tether verify provider` is unusable (exit code 2)."""


# the broker's address and credentials: the one type of the broker-client library
BrokerOptions = BrokerConnection


@dataclass(frozen=True)
class SelectionOptions:
    """Which pacts a broker hands out (the body of `POST .../for-verification`)."""

    consumer_version_selectors: tuple[ConsumerVersionSelector, ...] = ()
    enable_pending: bool = False
    include_wip_pacts_since: str | None = None
    consumers: tuple[str, ...] = ()  # only verify these consumers (client-side filter)


@dataclass(frozen=True)
class PublishOptions:
    provider_version: str
    provider_branch: str | None = None
    provider_tags: tuple[str, ...] = ()
    build_url: str | None = None


@dataclass(frozen=True)
class ReplayOptions:
    provider: str
    base_url: str
    pact_sources: tuple[str, ...] = ()  # files, directories or pact URLs
    broker: BrokerOptions | None = None
    selection: SelectionOptions = field(default_factory=SelectionOptions)
    state_change_url: str | None = None
    publish: PublishOptions | None = None
    provider_branch: str | None = None  # also sent with the selection (pending / WIP calculations)
    provider_tags: tuple[str, ...] = ()
    request_timeout_ms: int = 5000
    custom_headers: tuple[tuple[str, str], ...] = ()  # added to every replayed request
    # the producer's HTTP message endpoint: message pacts are verified by POSTing {description,
    # providerStates} there (pact-python's message transport)
    message_url: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The replay worker's configuration (see verifier.live.replay_worker)."""
        return {
            "provider": self.provider,
            "baseUrl": self.base_url,
            "pactSources": list(self.pact_sources),
            "broker": None if self.broker is None else self.broker.to_json(),
            "selection": {
                "consumerVersionSelectors": [s.to_json() for s in self.selection.consumer_version_selectors],
                "enablePending": self.selection.enable_pending,
                "includeWipPactsSince": self.selection.include_wip_pacts_since,
                "consumers": list(self.selection.consumers),
            },
            "stateChangeUrl": self.state_change_url,
            "publish": None
            if self.publish is None
            else {
                "providerVersion": self.publish.provider_version,
                "providerBranch": self.publish.provider_branch,
                "providerTags": list(self.publish.provider_tags),
                "buildUrl": self.publish.build_url,
            },
            "providerBranch": self.provider_branch,
            "providerTags": list(self.provider_tags),
            "requestTimeoutMs": self.request_timeout_ms,
            "customHeaders": [list(header) for header in self.custom_headers],
            "messageUrl": self.message_url,
        }


@dataclass(frozen=True)
class SelfCheckOptions:
    spec: str
    base_url: str
    max_examples: int = 50
    max_time: int | None = None
    seed: int | None = None
    phases: tuple[str, ...] = ("examples", "coverage", "fuzzing")
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProviderVerificationOptions:
    """Everything `tether verify provider` was asked to do: what ``verifier.live.engine.run`` takes."""

    provider: str
    base_url: str
    provider_version: str | None = None
    replay: ReplayOptions | None = None  # None: no pacts to replay (--self-check-only, or only --openapi)
    self_check: SelfCheckOptions | None = None  # None: no --openapi
    publish: PublishOptions | None = None  # None: no --publish
    broker: BrokerOptions | None = None

    @property
    def pacts_from_broker(self) -> bool:
        """The broker hands out the pacts (pacts-for-verification), rather than files or pact URLs."""
        return self.replay is not None and self.replay.broker is not None and not self.replay.pact_sources


def parse_header(text: str) -> tuple[str, str]:
    """A `--header "Name: value"` option."""
    name, separator, value = text.partition(":")
    if not separator or not name.strip() or not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name.strip()):
        raise LiveOptionsError(
            f"--header {text!r} must look like 'Name: value' (for example 'Authorization: Bearer x')"
        )
    return name.strip(), value.strip()


def check_http_url(option: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LiveOptionsError(f"{option} {url!r} is not an http(s) URL (for example http://127.0.0.1:8081)")
    return url.rstrip("/")


def check_date(option: str, value: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise LiveOptionsError(f"{option} {value!r} is not a date; use YYYY-MM-DD (for example 2024-01-31)")
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        raise LiveOptionsError(f"{option} {value!r} is not a valid date: {exc}") from exc
    return value


def read_pact(path: Path, option: str) -> Pact:
    """A local pact, read by the project's pact reader (the same files `tether pact validate` accepts)."""
    try:
        pact = require_usable(load_pact(path), str(path))
    except PactFormatError as exc:
        raise LiveOptionsError(f"{option} {exc}") from exc
    with path.open("rb") as file:
        if file.read(3) == codecs.BOM_UTF8:
            raise LiveOptionsError(
                f"{option} {path}: the file starts with a UTF-8 byte-order mark, which the Pact verifier "
                "cannot read; save it as UTF-8 without BOM"
            )
    return pact


def local_pacts(path: Path, provider: str, option: str = "--pact") -> list[Pact]:
    """The pacts of `provider` in a pact file or a directory of pact files (as the Pact verifier reads a
    directory: every *.json file, those of other providers left out)."""
    if not path.is_dir():
        pact = read_pact(path, option)
        if pact.provider != provider:
            raise LiveOptionsError(
                f"{option} {path}: the pact is for provider {pact.provider!r}, not {provider!r}; "
                f"give --provider {pact.provider}, or the pact files of {provider}"
            )
        return [pact]
    pacts = [read_pact(file, f"{option} {path}:") for file in sorted(path.glob("*.json"))]
    if not pacts:
        raise LiveOptionsError(f"{option} {path}: the directory holds no *.json pact file")
    mine = [pact for pact in pacts if pact.provider == provider]
    if not mine:
        found = ", ".join(sorted({f"{pact.consumer} -> {pact.provider}" for pact in pacts}))
        hint = did_you_mean(provider, {pact.provider for pact in pacts})
        raise LiveOptionsError(
            f"{option} {path}: no pact in the directory is for provider {provider!r} (found: {found}){hint}"
        )
    return mine


def check_pact_source(source: str, provider: str) -> str:
    """A pact file, a directory of pacts, or a pact URL (as a broker webhook hands out)."""
    if urlsplit(source).scheme in ("http", "https"):
        return source
    path = Path(source)
    if not path.exists():
        raise LiveOptionsError(f"--pact {source}: no such file or directory")
    local_pacts(path, provider)
    return str(path.resolve())
