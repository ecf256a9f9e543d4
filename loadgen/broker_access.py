"""The broker calls ``loadgen`` needs: pacts for verification, pact documents, verification results.

A thin layer over HTTP so the rest of ``loadgen`` never deals with HAL links or status codes.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from loadgen.errors import ContractSourceError

if TYPE_CHECKING:
    from loadgen.contract_source import BrokerSource


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
    """A short-lived connection to a broker (use as a context manager)."""

    def __init__(self, source: BrokerSource, *, timeout: float = 30.0) -> None:
        auth: httpx.Auth | None = None
        headers = {"Accept": "application/hal+json, application/json"}
        if source.token:
            headers["Authorization"] = f"Bearer {source.token}"
        elif source.username is not None:
            auth = httpx.BasicAuth(source.username, source.password or "")
        self.base_url = source.url.rstrip("/")
        self._client = httpx.Client(headers=headers, auth=auth, timeout=timeout, follow_redirects=True)

    def __enter__(self) -> BrokerAccess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._client.close()

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise ContractSourceError(f"cannot reach the broker at {url}: {exc}") from exc

    def get_json(self, url: str) -> Any:
        response = self._request("GET", url)
        if response.status_code != 200:
            raise ContractSourceError(f"GET {url} answered {response.status_code}: {response.text[:300]}")
        try:
            return response.json()
        except ValueError as exc:
            raise ContractSourceError(f"GET {url} did not answer JSON") from exc

    def pacts_for_verification(self, provider: str, selectors: list[dict[str, Any]]) -> list[SelectedPact]:
        url = f"{self.base_url}/pacts/provider/{urllib.parse.quote(provider, safe='')}/for-verification"
        body: dict[str, Any] = {"includePendingStatus": True}
        if selectors:
            body["consumerVersionSelectors"] = selectors
        response = self._request("POST", url, json=body)
        if response.status_code == 404:
            raise ContractSourceError(f"the broker at {self.base_url} knows no provider named {provider!r}")
        if response.status_code == 400:
            raise ContractSourceError(f"the broker refused the selectors {selectors}: {response.text[:500]}")
        if response.status_code != 200:
            raise ContractSourceError(f"POST {url} answered {response.status_code}: {response.text[:300]}")
        entries = response.json().get("_embedded", {}).get("pacts", [])
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
        response = self._request("GET", href)
        if response.status_code != 200:
            return None
        result = response.json()
        outcome = "success" if result.get("success") else "failed"
        verified_by = (result.get("verifiedBy") or {}).get("implementation")
        by = f" with {verified_by}" if verified_by else ""
        version = result.get("providerApplicationVersion", "?")
        when = result.get("verificationDate")
        date = f" at {when}" if when else ""
        return f"latest verification by provider version {version}{by}{date}: {outcome}"
