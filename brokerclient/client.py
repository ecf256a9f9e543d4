"""Typed HTTP client for a Pact Broker-compatible broker (ours or the Ruby one).

It talks HTTP, follows the same hard-coded paths and HAL relations the Pact tools use, and raises
:class:`brokerclient.errors.BrokerResponseError` with the broker's error messages on failure.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from brokerclient.errors import BrokerResponseError

HAL_ACCEPT = "application/hal+json, application/json"


@dataclass(frozen=True)
class ContractToPublish:
    consumer: str
    provider: str
    content: bytes
    """The pact file's bytes, published as they are."""
    on_conflict: str = "overwrite"


@dataclass(frozen=True)
class Notice:
    type: str
    text: str


@dataclass(frozen=True)
class PublishResult:
    notices: list[Notice]
    contract_urls: list[str]
    body: dict[str, Any] = field(repr=False)


def seg(value: str) -> str:
    return quote(value, safe="")


class BrokerClient:
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        auth: httpx.Auth | None = None
        headers = {"Accept": HAL_ACCEPT}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif username is not None:
            auth = httpx.BasicAuth(username, password or "")
        self._http = httpx.Client(
            base_url=self.base_url, headers=headers, auth=auth, timeout=timeout, transport=transport
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BrokerClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ---- generic
    def request(self, method: str, url: str, *, json_body: Any = None, params: Any = None) -> Any:
        """Send a request to a path (relative to the base URL) or an absolute href; return parsed JSON."""
        try:
            response = self._http.request(
                method,
                url,
                content=None if json_body is None else json.dumps(json_body).encode(),
                headers={"Content-Type": "application/json"} if json_body is not None else None,
                params=params,
            )
        except httpx.HTTPError as exc:
            raise BrokerResponseError(f"cannot reach the broker at {self.base_url}: {exc}", status=0) from exc
        body: Any = None
        if response.content:
            try:
                body = response.json()
            except ValueError:
                body = response.text
        if response.status_code >= 400:
            raise BrokerResponseError(
                _describe_error(method, url, response.status_code, body),
                status=response.status_code,
                body=body,
            )
        return body

    def get(self, url: str, **params: Any) -> Any:
        return self.request("GET", url, params=params or None)

    def index(self) -> dict[str, Any]:
        result: dict[str, Any] = self.get("/")
        return result

    # ---- pacticipants and versions
    def create_or_update_pacticipant(
        self,
        name: str,
        *,
        main_branch: str | None = None,
        repository_url: str | None = None,
        display_name: str | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"name": name}
        for key, value in (
            ("mainBranch", main_branch),
            ("repositoryUrl", repository_url),
            ("displayName", display_name),
        ):
            if value is not None:
                body[key] = value
        result: dict[str, Any] = self.request("PATCH", f"/pacticipants/{seg(name)}", json_body=body)
        return result

    def get_version(self, pacticipant: str, number: str) -> dict[str, Any]:
        result: dict[str, Any] = self.get(f"/pacticipants/{seg(pacticipant)}/versions/{seg(number)}")
        return result

    def add_branch_version(self, pacticipant: str, branch: str, number: str) -> None:
        self.request(
            "PUT",
            f"/pacticipants/{seg(pacticipant)}/branches/{seg(branch)}/versions/{seg(number)}",
            json_body={},
        )

    def add_tag(self, pacticipant: str, number: str, tag: str) -> None:
        self.request(
            "PUT", f"/pacticipants/{seg(pacticipant)}/versions/{seg(number)}/tags/{seg(tag)}", json_body={}
        )

    # ---- publishing and fetching pacts
    def publish_contracts(
        self,
        pacticipant: str,
        version: str,
        contracts: Sequence[ContractToPublish],
        *,
        branch: str | None = None,
        tags: Sequence[str] = (),
        build_url: str | None = None,
    ) -> PublishResult:
        body: dict[str, Any] = {
            "pacticipantName": pacticipant,
            "pacticipantVersionNumber": version,
            "contracts": [
                {
                    "consumerName": contract.consumer,
                    "providerName": contract.provider,
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": base64.b64encode(contract.content).decode("ascii"),
                    "onConflict": contract.on_conflict,
                }
                for contract in contracts
            ],
        }
        if branch:
            body["branch"] = branch
        if tags:
            body["tags"] = list(tags)
        if build_url:
            body["buildUrl"] = build_url
        result = self.request("POST", "/contracts/publish", json_body=body)
        return PublishResult(
            notices=[Notice(type=n["type"], text=n["text"]) for n in result.get("notices", [])],
            contract_urls=[entry["href"] for entry in result.get("_links", {}).get("pb:contracts", [])],
            body=result,
        )

    def get_pact(self, provider: str, consumer: str, version: str | None = None) -> dict[str, Any]:
        """The pact for a consumer version (or the latest one), with the broker's ``_links``."""
        base = f"/pacts/provider/{seg(provider)}/consumer/{seg(consumer)}"
        result: dict[str, Any] = self.get(f"{base}/version/{seg(version)}" if version else f"{base}/latest")
        return result

    def fetch(self, href: str) -> Any:
        return self.get(href)

    def latest_pacts_for_provider(self, provider: str, tag: str | None = None) -> list[str]:
        path = f"/pacts/provider/{seg(provider)}/latest" + (f"/{seg(tag)}" if tag else "")
        body = self.get(path)
        return [entry["href"] for entry in body.get("_links", {}).get("pb:pacts", [])]

    def pacts_for_verification(self, provider: str, request_body: Mapping[str, Any]) -> list[dict[str, Any]]:
        body = self.request(
            "POST", f"/pacts/provider/{seg(provider)}/for-verification", json_body=dict(request_body)
        )
        pacts: list[dict[str, Any]] = body.get("_embedded", {}).get("pacts", [])
        return pacts

    def publish_verification_result(
        self, verification_results_href: str, result: Mapping[str, Any]
    ) -> dict[str, Any]:
        body: dict[str, Any] = self.request("POST", verification_results_href, json_body=dict(result))
        return body

    def matrix(self, query: str) -> dict[str, Any]:
        """``GET /matrix?<query>`` with a Rack-style query (``q[][pacticipant]=A&q[][version]=1...``)."""
        body: dict[str, Any] = self.get(f"/matrix?{query}")
        return body

    def can_i_deploy(
        self, pacticipant: str, version: str, *, environment: str | None = None, to_tag: str | None = None
    ) -> dict[str, Any]:
        params = {"pacticipant": pacticipant, "version": version}
        if environment:
            params["environment"] = environment
        if to_tag:
            params["to"] = to_tag
        body: dict[str, Any] = self.get("/can-i-deploy", **params)
        return body

    def can_i_merge(self, pacticipant: str, version: str) -> dict[str, Any]:
        """Is this version compatible with the main-branch heads of its integrations?"""
        query = (
            f"q[][pacticipant]={seg(pacticipant)}&q[][version]={seg(version)}"
            "&latestby=cvp&latest=true&mainBranch=true"
        )
        return self.matrix(query)

    # ---- environments, deployments and releases
    def list_environments(self) -> list[dict[str, Any]]:
        body = self.get("/environments")
        environments: list[dict[str, Any]] = body.get("_embedded", {}).get("environments", [])
        return environments

    def environment(self, name: str) -> dict[str, Any]:
        """The environment with this name (raises a 404 ``BrokerResponseError`` if there is none)."""
        for environment in self.list_environments():
            if environment.get("name") == name:
                return environment
        raise BrokerResponseError(
            f"no environment named {name!r} in the broker at {self.base_url}", status=404
        )

    def create_environment(
        self,
        name: str,
        *,
        production: bool = False,
        display_name: str | None = None,
        contacts: Sequence[Mapping[str, Any]] = (),
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"name": name, "production": production}
        if display_name is not None:
            body["displayName"] = display_name
        if contacts:
            body["contacts"] = [dict(contact) for contact in contacts]
        result: dict[str, Any] = self.request("POST", "/environments", json_body=body)
        return result

    def record_deployment(
        self, pacticipant: str, version: str, environment: str, *, application_instance: str | None = None
    ) -> dict[str, Any]:
        env = self.environment(environment)
        body: dict[str, Any] = {}
        if application_instance is not None:
            body = {"applicationInstance": application_instance, "target": application_instance}
        path = f"/pacticipants/{seg(pacticipant)}/versions/{seg(version)}/deployed-versions/environment/{seg(env['uuid'])}"
        result: dict[str, Any] = self.request("POST", path, json_body=body)
        return result

    def record_release(self, pacticipant: str, version: str, environment: str) -> dict[str, Any]:
        env = self.environment(environment)
        path = f"/pacticipants/{seg(pacticipant)}/versions/{seg(version)}/released-versions/environment/{seg(env['uuid'])}"
        result: dict[str, Any] = self.request("POST", path, json_body={})
        return result

    def currently_deployed(self, environment: str, pacticipant: str | None = None) -> list[dict[str, Any]]:
        env = self.environment(environment)
        params = {"pacticipant": pacticipant} if pacticipant else {}
        body = self.get(f"/environments/{seg(env['uuid'])}/deployed-versions/currently-deployed", **params)
        deployed: list[dict[str, Any]] = body.get("_embedded", {}).get("deployedVersions", [])
        return deployed

    def currently_supported(self, environment: str, pacticipant: str | None = None) -> list[dict[str, Any]]:
        env = self.environment(environment)
        params = {"pacticipant": pacticipant} if pacticipant else {}
        body = self.get(f"/environments/{seg(env['uuid'])}/released-versions/currently-supported", **params)
        released: list[dict[str, Any]] = body.get("_embedded", {}).get("releasedVersions", [])
        return released

    def record_undeployment(self, pacticipant: str, environment: str) -> list[dict[str, Any]]:
        """Mark every current deployment of the pacticipant in the environment as undeployed."""
        return [
            self.request("PATCH", deployed["_links"]["self"]["href"], json_body={"currentlyDeployed": False})
            for deployed in self.currently_deployed(environment, pacticipant)
        ]

    def record_support_ended(self, pacticipant: str, version: str, environment: str) -> list[dict[str, Any]]:
        return [
            self.request("PATCH", released["_links"]["self"]["href"], json_body={"currentlySupported": False})
            for released in self.currently_supported(environment, pacticipant)
            if released.get("_embedded", {}).get("version", {}).get("number") == version
        ]

    # ---- bi-directional contracts
    def publish_provider_contract(
        self,
        provider: str,
        version: str,
        content: bytes,
        *,
        content_type: str = "application/yaml",
        branch: str | None = None,
        tags: Sequence[str] = (),
        build_url: str | None = None,
        self_verification: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """PactFlow's ``POST /provider-contracts/provider/{p}/publish``: an OpenAPI spec (bytes as they
        are) with its self-verification result (``{success, content (text), contentType, format,
        verifier, verifierVersion}``; ``content`` is base64-encoded here)."""
        contract: dict[str, Any] = {
            "content": base64.b64encode(content).decode("ascii"),
            "specification": "oas",
            "contentType": content_type,
        }
        if self_verification is not None:
            results = dict(self_verification)
            if isinstance(results.get("content"), str):
                results["content"] = base64.b64encode(results["content"].encode()).decode("ascii")
            contract["selfVerificationResults"] = results
        body: dict[str, Any] = {"pacticipantVersionNumber": version, "contract": contract}
        if branch:
            body["branch"] = branch
        if tags:
            body["tags"] = list(tags)
        if build_url:
            body["buildUrl"] = build_url
        result: dict[str, Any] = self.request(
            "POST", f"/provider-contracts/provider/{seg(provider)}/publish", json_body=body
        )
        return result


def _describe_error(method: str, url: str, status: int, body: Any) -> str:
    detail = ""
    if isinstance(body, dict):
        errors = body.get("errors") or body.get("error")
        if isinstance(errors, dict):
            detail = "; ".join(
                f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
                for key, value in errors.items()
            )
        elif isinstance(errors, list):
            detail = "; ".join(map(str, errors))
        elif errors:
            detail = str(errors)
    elif body:
        detail = str(body)[:500]
    return f"{method} {url} failed with HTTP {status}" + (f": {detail}" if detail else "")
