"""The broker calls ``loadgen`` needs: pacts for verification, pact documents, verification results.

A thin layer over HTTP so the rest of ``loadgen`` never deals with HAL links or status codes.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

from brokerclient.client import BrokerClient
from brokerclient.errors import BrokerResponseError, ContractSourceError

if TYPE_CHECKING:
    from brokerclient.contract_source import BrokerSource


@dataclass(frozen=True, slots=True)
class SelectedPact:
    """One entry of the broker's pacts-for-verification answer."""

    url: str
    consumer: str | None
    consumer_version: str | None
    short_description: str
    pending: bool


def _consumer_from_name(name: str) -> tuple[str | None, str | None]:
    # "Pact between Web (1.2.3) and OrdersApi"
    if not name.startswith("Pact between "):
        return None, None
    rest = name[len("Pact between ") :]
    consumer_part, _, _ = rest.rpartition(" and ")
    if consumer_part.endswith(")") and " (" in consumer_part:
        consumer, _, version = consumer_part[:-1].rpartition(" (")
        return consumer, version
    return consumer_part or None, None


class BrokerAccess:
    """A short-lived connection to a broker (use as a context manager), over :mod:`brokerclient.client`."""

    def __init__(self, source: BrokerSource, *, timeout: float = 30.0) -> None:
        self.base_url = source.url.rstrip("/")
        self._client = BrokerClient(
            self.base_url,
            token=source.token,
            username=source.username,
            password=source.password,
            timeout=timeout,
        )

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

    def pacts_for_verification(self, provider: str, selectors: list[dict[str, Any]]) -> list[SelectedPact]:
        body: dict[str, Any] = {"includePendingStatus": True}
        if selectors:
            body["consumerVersionSelectors"] = selectors
        try:
            entries = self._client.pacts_for_verification(provider, body)
        except BrokerResponseError as exc:
            if exc.status == 404:
                raise ContractSourceError(
                    f"the broker at {self.base_url} knows no provider named {provider!r}"
                ) from exc
            if exc.status == 400:
                raise ContractSourceError(f"the broker refused the selectors {selectors}: {exc}") from exc
            raise ContractSourceError(str(exc)) from exc
        selected = []
        for entry in entries:
            link = entry.get("_links", {}).get("self", {})
            consumer, version = _consumer_from_name(str(link.get("name", "")))
            properties = entry.get("verificationProperties") or {}
            selected.append(
                SelectedPact(
                    url=str(link.get("href")),
                    consumer=consumer,
                    consumer_version=version,
                    short_description=str(entry.get("shortDescription", "")),
                    pending=bool(properties.get("pending", False)),
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
