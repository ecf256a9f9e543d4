"""What the audit checks against: ``--tether-audit PROVIDER=SOURCE[,SOURCE...]``.

A SOURCE is an OpenAPI document (JSON/YAML file with ``openapi``/``swagger``), a pact file or a folder
of pact files, or a broker URL (``http(s)://...``: the provider's verified pacts, read with the shared
``--tether-broker-token``/``-username``/``-password`` and selected with the shared ``--tether-*`` selector
options, the broker's defaults when none is given). Several sources for one provider are combined.

Which provider a mock belongs to is decided by its URL's host: hosts given with
``--tether-audit-host PROVIDER=HOST``, the hosts of the spec's ``servers`` (or Swagger ``host``), a
host that contains the provider's name (``orders-api.internal`` for ``OrdersApi``), or — when only one
provider is audited — every mock.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brokerclient.connection import BrokerConnection
from brokerclient.contract_source import BrokerSource, ContractSet, load_contracts, load_pact_files
from brokerclient.errors import BrokerClientError
from brokerclient.options import selection_from
from contracts.errors import ContractError
from contracts.openapi.document import OpenAPIDocument, load_openapi, parse_document_text, parse_openapi
from mocking.errors import AuditConfigError, MockingError


@dataclass(slots=True)
class AuditTarget:
    provider: str
    spec: OpenAPIDocument | None = None
    spec_source: str | None = None
    contracts: ContractSet | None = None
    contract_sources: list[str] = field(default_factory=list)
    hosts: set[str] = field(default_factory=set)
    base_paths: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = []
        if self.spec_source:
            parts.append(f"OpenAPI {self.spec_source}")
        if self.contracts is not None:
            parts.append(
                f"{len(self.contracts.pacts)} verified pact(s) from {', '.join(self.contract_sources)}"
                + (f" ({len(self.contracts.skipped)} skipped)" if self.contracts.skipped else "")
            )
        return f"{self.provider}: " + (" + ".join(parts) or "no contract")


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _kind_of_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise AuditConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        document: Any = json.loads(text)
    except ValueError:
        import yaml

        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise AuditConfigError(f"{path}: neither JSON nor YAML: {exc}") from exc
    if isinstance(document, dict):
        if "openapi" in document or "swagger" in document:
            return "openapi"
        if "consumer" in document and ("interactions" in document or "messages" in document):
            return "pact"
    raise AuditConfigError(f"{path}: not an OpenAPI document nor a pact file")


def _servers(spec: OpenAPIDocument) -> tuple[set[str], list[str]]:
    hosts: set[str] = set()
    paths: list[str] = []
    root = spec.root
    if spec.is_swagger2:
        if isinstance(root.get("host"), str):
            hosts.add(root["host"].split(":")[0])
        base = root.get("basePath")
        if isinstance(base, str) and base.strip("/"):
            paths.append("/" + base.strip("/"))
        return hosts, paths
    for server in root.get("servers") or []:
        url = server.get("url") if isinstance(server, dict) else None
        if not isinstance(url, str):
            continue
        parsed = urllib.parse.urlsplit(url)
        if parsed.hostname and "{" not in parsed.hostname:
            hosts.add(parsed.hostname)
        if parsed.path.strip("/") and "{" not in parsed.path:
            paths.append("/" + parsed.path.strip("/"))
    return hosts, paths


def parse_targets(
    options: list[str], host_options: list[str], broker_options: Mapping[str, Any] | None = None
) -> list[AuditTarget]:
    """Targets from the option values (raises :class:`AuditConfigError` with the fix on bad input).

    A broker SOURCE is read with the shared broker options' credentials and selectors
    (``broker_options``: ``--tether-broker-token``, ``--tether-main-branch``, ... by their click names)."""
    by_provider: dict[str, AuditTarget] = {}
    pact_paths: dict[str, list[Path]] = {}
    brokers: dict[str, list[str]] = {}
    for option in options:
        provider, sep, sources = option.partition("=")
        provider = provider.strip()
        if not sep or not provider or not sources.strip():
            raise AuditConfigError(
                f"--tether-audit {option!r}: expected PROVIDER=SOURCE (an OpenAPI file, pact files or folders, "
                "or a broker URL), e.g. --tether-audit OrdersApi=openapi.yaml"
            )
        target = by_provider.setdefault(provider, AuditTarget(provider))
        for source in (s.strip() for s in sources.split(",") if s.strip()):
            if source.startswith(("http://", "https://")):
                brokers.setdefault(provider, []).append(source)
                continue
            path = Path(source)
            if path.is_dir():
                pact_paths.setdefault(provider, []).append(path)
            elif not path.exists():
                raise AuditConfigError(f"--tether-audit {provider}={source}: no such file or folder")
            elif _kind_of_file(path) == "openapi":
                if target.spec is not None:
                    raise AuditConfigError(f"--tether-audit: two OpenAPI documents for {provider}; give one")
                try:
                    target.spec = load_openapi(path)
                except ContractError as exc:
                    raise AuditConfigError(f"--tether-audit {provider}={source}: {exc}") from exc
                target.spec_source = str(path)
                hosts, base_paths = _servers(target.spec)
                target.hosts |= hosts
                target.base_paths.extend(base_paths)
            else:
                pact_paths.setdefault(provider, []).append(path)
    for provider, target in by_provider.items():
        try:
            sets: list[ContractSet] = []
            if provider in pact_paths:
                sets.append(load_pact_files(pact_paths[provider], provider))
                target.contract_sources.extend(str(p) for p in pact_paths[provider])
            for url in brokers.get(provider, []):
                values = broker_options or {}
                connection = BrokerConnection.from_options(
                    url,
                    token=values.get("broker_token"),
                    username=values.get("broker_username"),
                    password=values.get("broker_password"),
                    option=f"--tether-audit {provider}=",
                )
                sets.append(load_contracts(provider, broker=BrokerSource(connection, selection_from(values))))
                target.contract_sources.append(url)
                if target.spec is None:
                    _spec_from_broker(target, connection)
        except (MockingError, BrokerClientError) as exc:
            raise AuditConfigError(f"--tether-audit {provider}: {exc}") from exc
        if sets:
            merged = ContractSet(provider, " + ".join(s.origin for s in sets))
            for one in sets:
                merged.pacts.extend(one.pacts)
                merged.skipped.extend(one.skipped)
            target.contracts = merged
    for option in host_options:
        provider, sep, host = option.partition("=")
        if not sep or provider.strip() not in by_provider:
            raise AuditConfigError(
                f"--tether-audit-host {option!r}: expected PROVIDER=HOST for a provider given to --tether-audit "
                f"({', '.join(by_provider) or 'none given'})"
            )
        by_provider[provider.strip()].hosts.add(host.strip().lower())
    return list(by_provider.values())


def _spec_from_broker(target: AuditTarget, connection: BrokerConnection) -> None:
    """Use the OpenAPI document the provider published to the broker, when there is one."""
    from brokerclient.access import BrokerAccess

    with BrokerAccess(connection) as broker:
        found = broker.provider_spec(target.provider)
    if found is None:
        return
    text, label = found
    try:
        target.spec = parse_openapi(parse_document_text(text, label), label)
    except ContractError as exc:
        raise AuditConfigError(
            f"--tether-audit {target.provider}: the provider contract at {label}: {exc}"
        ) from exc
    target.spec_source = label
    hosts, base_paths = _servers(target.spec)
    target.hosts |= hosts
    target.base_paths.extend(base_paths)


def target_for(host: str | None, targets: list[AuditTarget]) -> AuditTarget | None:
    """The provider a mock's host belongs to (see the module documentation)."""
    if host:
        lowered = host.lower()
        for target in targets:
            if lowered in target.hosts:
                return target
        for target in targets:
            if _normalise(target.provider) and _normalise(target.provider) in _normalise(lowered):
                return target
        others = [t for t in targets if not t.hosts or lowered in t.hosts]
        if len(targets) == 1 and others:
            return targets[0]
        return None
    return targets[0] if len(targets) == 1 else None
