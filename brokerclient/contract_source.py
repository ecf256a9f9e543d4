"""Where generated mocks and load scenarios get their contracts: verified pacts from a broker, or files.

Everything ``loadgen`` generates starts from a :class:`ContractSet`: the pacts of one provider that
were selected, each with the reason it is served, and every pact that was left out with the reason
it was skipped. The mock server prints both at start-up; the Locust generator writes them into the
locustfile header.

**From a broker** (:class:`BrokerSource`), pacts are chosen exactly like a verifier chooses them:
``POST /pacts/provider/{provider}/for-verification`` with consumer version selectors (main branch,
branch, tag, environment, deployed, released; none = the broker's defaults). By default only pact
versions the provider has *successfully verified* are kept. The broker tells us through the pending
flag (``includePendingStatus``): a pact is pending exactly when no provider version has ever
verified its content successfully, by Pact replay or by the static OpenAPI check. The latest
verification result is then fetched to say who verified it.

**From files** (``--pact FILE/DIR``), pacts carry no verification results, so they are served as
given; the start-up summary says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brokerclient.connection import BrokerConnection
from brokerclient.errors import ContractSourceError
from brokerclient.selection import Selection
from contracts.errors import ContractError
from contracts.model import Pact
from contracts.suggestions import did_you_mean


@dataclass(frozen=True, slots=True)
class BrokerSource:
    """A broker to load pacts from, with the consumer version selectors to use.

    An empty selection lets the broker apply its default selectors (per consumer: the latest pact
    from its main branch, plus deployed and released versions).
    """

    connection: BrokerConnection
    selection: Selection = field(default_factory=Selection)

    @property
    def url(self) -> str:
        return self.connection.url

    def describe(self) -> str:
        return f"broker {self.connection.url} (selectors: {self.selection.describe()})"


@dataclass(frozen=True, slots=True)
class LoadedPact:
    """A pact that will be served, where it came from and why it qualifies."""

    pact: Pact
    source: str
    reason: str
    consumer_version: str | None = None
    digest: str | None = None
    """Identifies the content (hash of the file, or the broker's pact-version URL); for hot reload."""

    @property
    def consumer(self) -> str:
        return self.pact.consumer


@dataclass(frozen=True, slots=True)
class SkippedPact:
    """A pact that was left out, and why."""

    source: str
    consumer: str | None
    reason: str


@dataclass(slots=True)
class ContractSet:
    """The pacts of one provider chosen for generation, and those left out."""

    provider: str
    origin: str
    pacts: list[LoadedPact] = field(default_factory=list)
    skipped: list[SkippedPact] = field(default_factory=list)
    known_providers: list[str] = field(default_factory=list)
    """Other providers the sources hold pacts for (to suggest one when ``provider`` is misspelled)."""

    def did_you_mean(self) -> str:
        """``"; did you mean 'Stock'?"`` when nothing was found and a known provider is close, else ``""``."""
        return "" if self.pacts else did_you_mean(self.provider, self.known_providers)

    def describe(self) -> list[str]:
        """Human lines for start-up logs: what is served and why each skipped pact was skipped."""
        lines = [f"provider {self.provider!r} from {self.origin}"]
        for loaded in self.pacts:
            count = len(loaded.pact.http_interactions)
            version = f" {loaded.consumer_version}" if loaded.consumer_version else ""
            lines.append(
                f"  serving  {loaded.consumer}{version}: {count} HTTP interaction(s) from {loaded.source} ({loaded.reason})"
            )
        for skipped in self.skipped:
            who = skipped.consumer or "?"
            lines.append(f"  skipped  {who}: {skipped.source}: {skipped.reason}")
        if not self.pacts:
            lines.append(f"  nothing to serve{self.did_you_mean()}")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "origin": self.origin,
            "pacts": [
                {
                    "consumer": p.consumer,
                    "consumerVersion": p.consumer_version,
                    "source": p.source,
                    "reason": p.reason,
                    "interactions": len(p.pact.http_interactions),
                }
                for p in self.pacts
            ],
            "skipped": [
                {"consumer": s.consumer, "source": s.source, "reason": s.reason} for s in self.skipped
            ],
        }

    def fingerprint(self) -> tuple[tuple[str, str], ...]:
        """Identifies the served content (for hot reload: reload only when it changed)."""
        return tuple(sorted((p.source, p.digest or _content_digest(p.pact)) for p in self.pacts))


def _content_digest(pact: Pact) -> str:
    from contracts.pactwriter import dump_pact

    return hashlib.sha256(json.dumps(dump_pact(pact), sort_keys=True, default=str).encode()).hexdigest()


# ------------------------------------------------------------------------------------------- files


def _pact_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise ContractSourceError(f"{path}: no such pact file or directory")
    return files


def parse_pact_document(document: Any, source: str) -> Pact:
    """A usable pact from its decoded JSON, raising :class:`ContractSourceError` naming ``source``.

    Usable means what `tether pact validate` accepts: matching rules and generators that can run.
    """
    from contracts.pactfile import parse_pact
    from contracts.validation import require_usable

    try:
        return require_usable(parse_pact(document), source)
    except RecursionError as exc:
        raise ContractSourceError(f"{source}: not a valid pact: nested too deeply to read") from exc
    except ContractError as exc:
        raise ContractSourceError(f"{source}: not a valid pact: {exc}") from exc


def _read_pact(path: Path) -> tuple[Pact, str]:
    from contracts.pactfile import loads_pact
    from contracts.validation import require_usable

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContractSourceError(f"{path}: cannot read the pact file: {exc.strerror}") from exc
    try:
        pact = require_usable(
            loads_pact(data.decode("utf-8-sig", errors="strict"), source=str(path)), str(path)
        )
    except UnicodeDecodeError as exc:
        raise ContractSourceError(f"{path}: not UTF-8 text; a pact file is JSON") from exc
    except ContractError as exc:
        raise ContractSourceError(str(exc)) from exc
    return pact, hashlib.sha256(data).hexdigest()


def read_pact_file(path: Path) -> Pact:
    return _read_pact(path)[0]


def load_pact_files(paths: Sequence[Path | str], provider: str | None = None) -> ContractSet:
    """The pacts in ``paths`` (files, or directories searched for ``*.json``) for ``provider``.

    Pacts for another provider are skipped with that reason; with ``provider=None`` the provider of
    the first pact is used.
    """
    files = _pact_files(Path(p) for p in paths)
    result: ContractSet | None = ContractSet(provider, "pact files") if provider else None
    seen: set[str] = set()
    for path in files:
        pact, digest = _read_pact(path)
        seen.add(pact.provider)
        if result is None:
            result = ContractSet(pact.provider, "pact files")
        if pact.provider != result.provider:
            result.skipped.append(
                SkippedPact(
                    str(path),
                    pact.consumer,
                    f"pact is for provider {pact.provider!r}, not {result.provider!r}",
                )
            )
            continue
        result.pacts.append(
            LoadedPact(
                pact,
                str(path),
                "pact file: served as given (files carry no verification results)",
                digest=digest,
            )
        )
    if result is None:
        raise ContractSourceError(f"no pact files found in {', '.join(str(p) for p in paths) or 'no path'}")
    result.known_providers.extend(sorted(seen - {result.provider}))
    return result


# ------------------------------------------------------------------------------------------ broker


def load_from_broker(source: BrokerSource, provider: str, *, verified_only: bool = True) -> ContractSet:
    """The pacts the broker selects for ``provider``; unverified ones are skipped unless asked for."""
    result = ContractSet(provider, source.describe())
    selectors = source.selection.consumer_version_selectors()
    source.connection.check_reachable()
    from brokerclient.access import BrokerAccess  # httpx: only for brokers

    with BrokerAccess(source.connection) as broker:
        for entry in broker.pacts_for_verification(provider, selectors):
            if not source.selection.keeps(entry.consumer):
                result.skipped.append(
                    SkippedPact(
                        entry.url,
                        entry.consumer,
                        f"not one of the consumers asked for (--consumer {', '.join(source.selection.consumers)})",
                    )
                )
                continue
            why = entry.short_description or "selected by the broker"
            fetched = broker.pact(entry.url)
            version = fetched.consumer_version
            # Pending means no successful Pact replay; the static OpenAPI check may still have passed.
            # Not pending: some provider version verified this content; name a successful one
            # (the latest verification may be a later, failing provider version).
            success = broker.successful_verification(entry.consumer, version, provider) if version else None
            if entry.pending and success is None and verified_only:
                result.skipped.append(
                    SkippedPact(
                        entry.url,
                        entry.consumer,
                        f"never successfully verified by {provider} (pending); selected as: {why}; "
                        "pass --include-unverified to serve it anyway",
                    )
                )
                continue
            pact = parse_pact_document(fetched.document, entry.url)
            if entry.pending and success is not None:
                reason = f"verified: {success}; selected as: {why}"
            elif entry.pending:
                reason = f"UNVERIFIED (served because of --include-unverified); selected as: {why}"
            else:
                verification = success or broker.latest_verification(fetched.document)
                reason = f"verified{': ' + verification if verification else ''}; selected as: {why}"
            # the URL names the pact version (content hash), so it identifies the content
            result.pacts.append(LoadedPact(pact, entry.url, reason, version, digest=entry.url))
    return result


def load_contracts(
    provider: str,
    *,
    pact_files: Sequence[Path | str] = (),
    broker: BrokerSource | None = None,
    verified_only: bool = True,
) -> ContractSet:
    """Pacts for ``provider`` from pact files and/or a broker (both may be given; results are merged)."""
    if not pact_files and broker is None:
        raise ContractSourceError(
            "give pact files (--pact FILE) or a broker (--broker-url URL) to load pacts from"
        )
    sets: list[ContractSet] = []
    if pact_files:
        sets.append(load_pact_files(pact_files, provider))
    if broker is not None:
        sets.append(load_from_broker(broker, provider, verified_only=verified_only))
    if len(sets) == 1:
        return sets[0]
    merged = ContractSet(provider, " + ".join(s.origin for s in sets))
    for one in sets:
        merged.pacts.extend(one.pacts)
        merged.skipped.extend(one.skipped)
        merged.known_providers.extend(one.known_providers)
    return merged
