"""HAL for environments, deployed versions and released versions (broker-api.md §6)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from broker.clock import iso
from broker.hal import Urls, curies, link
from broker.services.environments import DeploymentRecord, EnvironmentRecord


def environment_url(urls: Urls, env_uuid: str) -> str:
    return urls.path("environments", env_uuid)


def render_environment(urls: Urls, env: EnvironmentRecord, *, with_curies: bool = True) -> dict[str, Any]:
    self_href = environment_url(urls, env.uuid)
    body: dict[str, Any] = {
        "uuid": env.uuid,
        "name": env.name,
        "displayName": env.display_name,
        "production": env.production,
        "createdAt": iso(env.created_at),
    }
    if env.contacts is not None:
        body["contacts"] = env.contacts
    if env.updated_at and iso(env.updated_at) != iso(env.created_at):
        body["updatedAt"] = iso(env.updated_at)
    links: dict[str, Any] = {
        "self": link(self_href, title="Environment", name=env.name),
        "pb:currently-deployed-deployed-versions": link(
            f"{self_href}/deployed-versions/currently-deployed",
            title="Versions currently deployed to this environment",
        ),
        "pb:currently-supported-released-versions": link(
            f"{self_href}/released-versions/currently-supported",
            title="Versions released and supported in this environment",
        ),
        "pb:environments": link(urls.path("environments"), title="Environments"),
    }
    if with_curies:
        links["curies"] = curies(urls.base, "environment")
    body["_links"] = links
    return body


def render_environments(urls: Urls, environments: Sequence[EnvironmentRecord]) -> dict[str, Any]:
    return {
        "_embedded": {
            "environments": [render_environment(urls, env, with_curies=False) for env in environments]
        },
        "_links": {
            "self": link(urls.path("environments"), title="Environments"),
            "pb:environments": [
                link(environment_url(urls, env.uuid), title="Environment", name=env.name)
                for env in environments
            ],
            "pb:environment": link(
                urls.template("/environments/{uuid}"), title="Environment", templated=True
            ),
            "curies": curies(urls.base, "environments"),
        },
    }


def deployment_url(urls: Urls, record: DeploymentRecord) -> str:
    collection = "deployed-versions" if record.kind == "deployed" else "released-versions"
    return urls.path(collection, record.uuid)


def render_deployment(urls: Urls, record: DeploymentRecord) -> dict[str, Any]:
    body: dict[str, Any] = {"uuid": record.uuid}
    if record.kind == "deployed":
        body["currentlyDeployed"] = record.current
        body["target"] = record.application_instance
        body["applicationInstance"] = record.application_instance
        body["undeployedAt"] = iso(record.ended_at)
    else:
        body["currentlySupported"] = record.current
        body["supportEndedAt"] = iso(record.ended_at)
    body["createdAt"] = iso(record.created_at)
    title = "Deployed version" if record.kind == "deployed" else "Released version"
    body["_embedded"] = {
        "pacticipant": {
            "name": record.pacticipant,
            "_links": {"self": link(urls.pacticipant(record.pacticipant))},
        },
        "version": {
            "number": record.version,
            "_links": {"self": link(urls.version(record.pacticipant, record.version))},
        },
        "environment": render_environment(urls, record.environment, with_curies=False),
    }
    body["_links"] = {
        "self": link(deployment_url(urls, record), title=title, name=record.version),
        "pb:pacticipant-version": link(urls.version(record.pacticipant, record.version), name=record.version),
        "pb:environment": link(environment_url(urls, record.environment.uuid), name=record.environment.name),
    }
    return body


def render_deployments(
    urls: Urls, self_href: str, kind: str, records: Sequence[DeploymentRecord]
) -> dict[str, Any]:
    key = "deployedVersions" if kind == "deployed" else "releasedVersions"
    title = "Deployed versions" if kind == "deployed" else "Released versions"
    return {
        "_embedded": {key: [render_deployment(urls, record) for record in records]},
        "_links": {"self": link(self_href, title=title)},
    }


def version_environment_links(
    urls: Urls,
    pacticipant: str,
    number: str,
    environments: Sequence[EnvironmentRecord],
    deployed_to: Sequence[EnvironmentRecord] = (),
    released_in: Sequence[EnvironmentRecord] = (),
) -> dict[str, list[dict[str, Any]]]:
    """``pb:record-deployment`` / ``pb:record-release`` for a version resource: always arrays, one link
    per environment, named after it (the CLIs pick the entry by name); ``pb:deployed-environments`` /
    ``pb:released-environments`` list where the version currently runs."""
    version_href = urls.version(pacticipant, number)
    return {
        "pb:deployed-environments": [
            link(
                f"{version_href}/deployed-versions/environment/{env.uuid}",
                title=f"Deployed to {env.display_name or env.name}",
                name=env.name,
            )
            for env in deployed_to
        ],
        "pb:released-environments": [
            link(
                f"{version_href}/released-versions/environment/{env.uuid}",
                title=f"Released in {env.display_name or env.name}",
                name=env.name,
            )
            for env in released_in
        ],
        "pb:record-deployment": [
            link(
                f"{version_href}/deployed-versions/environment/{env.uuid}",
                title=f"Record deployment to {env.display_name or env.name}",
                name=env.name,
            )
            for env in environments
        ],
        "pb:record-release": [
            link(
                f"{version_href}/released-versions/environment/{env.uuid}",
                title=f"Record release to {env.display_name or env.name}",
                name=env.name,
            )
            for env in environments
        ],
    }
