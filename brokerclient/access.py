"""The broker calls the mock, load and audit tools need: pacts for verification, pact documents,
verification results and published provider contracts.

A thin layer over :mod:`brokerclient.client`, so its callers never deal with HAL links or status codes.
Consumer names and versions come from structured fields, never from a title: the consumer from the
pact URL's ``/consumer/{name}/`` segment (the path both our broker and the Ruby broker build), the
consumer version from the pact's ``pb:consumer-version`` link.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from brokerclient.connection import BrokerConnection
from brokerclient.errors import BrokerResponseError, ContractSourceError
from brokerclient.selectors import ConsumerVersionSelector
from contracts.suggestions import did_you_mean

_CONSUMER_SEGMENT = re.compile(r"/pacts/provider/[^/]+/consumer/(?P<consumer>[^/]+)/")


@dataclass(frozen=True, slots=True)
class SelectedPact:
    """One entry of the broker's pacts-for-verification answer."""

    url: str
    consumer: str
    short_description: str
    pending: bool
    wip: bool = False


@dataclass(frozen=True, slots=True)
class BrokerPact:
    """A pact document as the broker serves it, with the consumer version it was published for."""

    url: str
    document: dict[str, Any]
    consumer: str
    consumer_version: str | None


def consumer_from_pact_url(url: str) -> str | None:
    """The consumer named in a pact URL (``.../pacts/provider/P/consumer/C/pact-version/SHA``), decoded."""
    match = _CONSUMER_SEGMENT.search(urllib.parse.urlsplit(url).path + "/")
    return urllib.parse.unquote(match.group("consumer")) if match else None


def _link_name(document: dict[str, Any], relation: str) -> str | None:
    link = (document.get("_links") or {}).get(relation)
    name = link.get("name") if isinstance(link, dict) else None
    return name if isinstance(name, str) and name else None


class BrokerAccess:
    """A short-lived connection to a broker (use as a context manager), over :mod:`brokerclient.client`."""

    def __init__(self, connection: BrokerConnection, *, timeout: float = 30.0) -> None:
        self.base_url = connection.url.rstrip("/")
        self._client = connection.client(timeout=timeout)

    def __enter__(self) -> BrokerAccess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._client.close()

    def get_json(self, url: str) -> Any:
        try:
            return self._client.fetch(url)
        except BrokerResponseError as exc:
            raise ContractSourceError(str(exc)) from exc

    def pact(self, url: str) -> BrokerPact:
        """The pact at ``url``, its consumer (``pb:consumer``) and consumer version (``pb:consumer-version``)."""
        document = self.get_json(url)
        if not isinstance(document, dict):
            raise ContractSourceError(f"{url}: the broker answered {type(document).__name__}, not a pact")
        consumer = _link_name(document, "pb:consumer") or consumer_from_pact_url(url)
        if consumer is None:
            named = document.get("consumer")
            consumer = named.get("name") if isinstance(named, dict) else None
        if not isinstance(consumer, str) or not consumer:
            raise ContractSourceError(
                f"{url}: the pact names no consumer (no pb:consumer link, no consumer.name)"
            )
        return BrokerPact(url, document, consumer, _link_name(document, "pb:consumer-version"))

    def pacticipant_names(self) -> list[str]:
        """The names of every pacticipant the broker knows (none when it will not list them)."""
        try:
            document = self._client.get("/pacticipants")
        except BrokerResponseError:
            return []
        items = (document.get("_embedded") or {}).get("pacticipants") if isinstance(document, dict) else None
        return [str(item["name"]) for item in items or [] if isinstance(item, dict) and item.get("name")]

    def pacts_for_verification(
        self, provider: str, selectors: Sequence[ConsumerVersionSelector]
    ) -> list[SelectedPact]:
        body: dict[str, Any] = {"includePendingStatus": True}
        if selectors:
            body["consumerVersionSelectors"] = [selector.to_json() for selector in selectors]
        try:
            entries = self._client.pacts_for_verification(provider, body)
        except BrokerResponseError as exc:
            if exc.status == 404:
                hint = did_you_mean(provider, self.pacticipant_names())
                raise ContractSourceError(
                    f"the broker at {self.base_url} knows no provider named {provider!r}{hint}"
                ) from exc
            if exc.status == 400:
                shown = ", ".join(selector.describe() for selector in selectors)
                raise ContractSourceError(f"the broker refused the selectors {shown}: {exc}") from exc
            raise ContractSourceError(str(exc)) from exc
        selected = []
        for entry in entries:
            href = str((entry.get("_links", {}).get("self") or {}).get("href", ""))
            consumer = consumer_from_pact_url(href) or self.pact(href).consumer
            properties = entry.get("verificationProperties") or {}
            selected.append(
                SelectedPact(
                    url=href,
                    consumer=consumer,
                    short_description=str(entry.get("shortDescription", "")),
                    pending=bool(properties.get("pending", False)),
                    wip=bool(properties.get("wip", False)),
                )
            )
        return selected

    def latest_verification(self, pact_document: Any) -> str | None:
        """A short description of the latest verification of a pact ("by OrdersApi 1.0.2, success")."""
        link = (pact_document.get("_links") or {}).get("pb:latest-verification-results") or {}
        href = link.get("href") if isinstance(link, dict) else None
        if not href:
            return None
        try:
            result = self._client.fetch(href)
        except BrokerResponseError:
            return None
        if not isinstance(result, dict):
            return None
        outcome = "success" if result.get("success") else "failed"
        verified_by = (result.get("verifiedBy") or {}).get("implementation")
        by = f" with {verified_by}" if verified_by else ""
        version = result.get("providerApplicationVersion", "?")
        when = result.get("verificationDate")
        date = f" at {when}" if when else ""
        return f"latest verification by provider version {version}{by}{date}: {outcome}"

    def successful_verification(self, consumer: str, consumer_version: str, provider: str) -> str | None:
        """A description of a successful verification of this consumer version's pact found in the
        matrix (Pact replay, or the static OpenAPI check when the broker reports it there), or None."""
        query = urllib.parse.urlencode(
            [
                ("q[][pacticipant]", consumer),
                ("q[][version]", consumer_version),
                ("q[][pacticipant]", provider),
            ]
        )
        try:
            matrix = self._client.matrix(query)
        except BrokerResponseError:
            return None
        for row in matrix.get("matrix", []):
            result = row.get("verificationResult") or {}
            if row.get("provider", {}).get("name") == provider and result.get("success") is True:
                kind = row.get("verificationType")
                what = "static OpenAPI check" if kind == "BDCT" else "verification"
                version = (row.get("provider", {}).get("version") or {}).get("number", "?")
                return f"{what} by provider version {version}: success"
        return None

    def provider_spec(self, provider: str) -> tuple[str, str] | None:
        """(text, label) of the OpenAPI document the provider published (bi-directional contract
        testing) for its latest main-branch version, else its latest version; None when there is none."""
        name = urllib.parse.quote(provider, safe="")
        try:
            pacticipant = self._client.get(f"/pacticipants/{name}")
        except BrokerResponseError:
            return None
        candidates = []
        main_branch = pacticipant.get("mainBranch") if isinstance(pacticipant, dict) else None
        if main_branch:
            candidates.append(
                f"/pacticipants/{name}/branches/{urllib.parse.quote(main_branch, safe='')}/latest-version"
            )
        candidates.append(f"/pacticipants/{name}/latest-version")
        for path in candidates:
            try:
                version = self._client.get(path)
            except BrokerResponseError:
                continue
            number = version.get("number") if isinstance(version, dict) else None
            if not number:
                continue
            contract_path = (
                f"/contracts/bi-directional/provider/{name}/version/{urllib.parse.quote(str(number), safe='')}"
                "/provider-contract"
            )
            try:
                contract = self._client.get(contract_path)
            except BrokerResponseError:
                continue
            content = contract.get("content") if isinstance(contract, dict) else None
            if isinstance(content, str) and content.strip():
                return content, f"{self.base_url} (provider contract of {provider} {number})"
        return None
