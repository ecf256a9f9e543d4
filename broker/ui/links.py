"""Hrefs of the UI's own pages (names percent-encoded as one path segment, like the API's)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from broker.hal import Urls, segment


class UiLinks:
    def __init__(self, urls: Urls) -> None:
        self.api = urls
        self.root = urls.base + "/ui"

    def _page(self, *segments: str, query: Mapping[str, str | int | None] | None = None) -> str:
        href = self.root + "".join("/" + segment(s) for s in segments)
        params = {k: str(v) for k, v in (query or {}).items() if v not in (None, "")}
        return href + ("?" + urlencode(params) if params else "")

    def static(self, name: str) -> str:
        return f"{self.root}/static/{name}"

    def dashboard(self, **query: str | int | None) -> str:
        return self._page(query=query)

    def pact(
        self, provider: str, consumer: str, *, version: str | None = None, compare: str | None = None
    ) -> str:
        query = {"version": version, "compare": compare}
        return self._page("pacts", "provider", provider, "consumer", consumer, query=query) + (
            "#diff" if compare else ""
        )

    def matrix(self, **query: str | int | None) -> str:
        return self._page("matrix", query=query)

    def can_i_deploy(self, **query: str | None) -> str:
        return self._page("can-i-deploy", query=query)

    def verification(self, provider: str, consumer: str, sha: str, number: int | str) -> str:
        return self._page(
            "pacts",
            "provider",
            provider,
            "consumer",
            consumer,
            "pact-version",
            sha,
            "verification-results",
            str(number),
        )

    def sign_in(self) -> str:
        return self._page("sign-in")

    def environments(self) -> str:
        return self._page("environments")

    def network(self) -> str:
        return self._page("network")

    def webhooks(self) -> str:
        return self._page("webhooks")

    def provider_contracts(self) -> str:
        return self._page("provider-contracts")

    def provider_contract(self, provider: str, version: str) -> str:
        return self._page("provider-contracts", "provider", provider, "version", version)
