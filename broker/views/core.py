"""HAL representations of pacticipants, versions, branches and tags."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from broker.clock import iso
from broker.hal import Urls, curies, link, segment
from broker.services.labels import LabelRecord
from broker.services.pacticipant_list import PacticipantSummary
from broker.services.versions import BranchDetail, VersionDetail
from broker.tables.core import Branch, BranchVersion, Pacticipant, Tag, Version


def _timestamps(created: Any, updated: Any | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"createdAt": iso(created)}
    if updated is not None and updated != created:
        result["updatedAt"] = iso(updated)
    return result


def pacticipant_link(urls: Urls, name: str) -> dict[str, Any]:
    return link(urls.pacticipant(name), title="Pacticipant", name=name)


def version_link(urls: Urls, pacticipant: str, number: str) -> dict[str, Any]:
    return link(urls.version(pacticipant, number), title="Version", name=number)


def render_pacticipant(
    urls: Urls,
    pacticipant: Pacticipant,
    latest: Version | None = None,
    extra_links: dict[str, Any] | None = None,
    labels: Sequence[str] = (),
) -> dict[str, Any]:
    name = pacticipant.name
    base = urls.pacticipant(name)
    embedded: dict[str, Any] = {
        "labels": [
            {"name": label, "_links": {"self": link(f"{base}/labels/{segment(label)}", title="Label")}}
            for label in labels
        ]
    }
    if latest is not None:
        summary = render_version_summary(urls, name, latest)
        embedded["latestVersion"] = summary
        embedded["latest-version"] = summary
    links: dict[str, Any] = {
        "self": link(base, title="Pacticipant", name=name),
        "pb:versions": link(urls.versions(name), title="Versions"),
        "pb:version": link(base + "/versions/{version}", title="Version", templated=True),
        "pb:version-tag": link(base + "/versions/{version}/tags/{tag}", title="Version tag", templated=True),
        "pb:branches": link(urls.branches(name), title="Branches"),
        "pb:branch-version": link(
            base + "/branches/{branch}/versions/{version}", title="Branch version", templated=True
        ),
        "pb:latest-version": link(urls.latest_version(name), title="Latest version"),
        "pb:label": link(base + "/labels/{label}", title="Get, create or delete a label", templated=True),
        "pb:can-i-deploy-badge": link(
            base + "/latest-version/{tag}/can-i-deploy/to/{environmentTag}/badge",
            title="Can I Deploy badge",
            templated=True,
        ),
        "pb:can-i-deploy-branch-to-environment-badge": link(
            base + "/branches/{branch}/latest-version/can-i-deploy/to-environment/{environment}/badge",
            title="Can I Deploy branch to environment badge",
            templated=True,
        ),
        "versions": link(urls.versions(name), title="Versions"),
        "curies": curies(urls.base, "pacticipant"),
    }
    links.update(extra_links or {})
    body: dict[str, Any] = {
        "name": name,
        "displayName": pacticipant.display_name or _display_name(name),
        "repositoryUrl": pacticipant.repository_url,
        "repositoryName": pacticipant.repository_name,
        "repositoryNamespace": pacticipant.repository_namespace,
        "mainBranch": pacticipant.main_branch,
        **_timestamps(pacticipant.created_at, pacticipant.updated_at),
        "_embedded": embedded,
        "_links": links,
    }
    return body


def _display_name(name: str) -> str:
    words = name.replace("-", " ").replace("_", " ").split()
    return " ".join(word[:1].upper() + word[1:] for word in words) or name


def render_pacticipants(urls: Urls, summaries: Sequence[PacticipantSummary]) -> dict[str, Any]:
    items = [render_pacticipant(urls, s.pacticipant, s.latest, labels=s.labels) for s in summaries]
    pacticipants = [s.pacticipant for s in summaries]
    return {
        "_embedded": {"pacticipants": items},
        "pacticipants": items,
        "_links": {
            "self": link(urls.pacticipants(), title="Pacticipants"),
            "pb:pacticipants": [
                link(urls.pacticipant(p.name), title="Pacticipant", name=p.name) for p in pacticipants
            ],
            "pacticipants": [link(urls.pacticipant(p.name), title=p.name, name=p.name) for p in pacticipants],
            "curies": curies(urls.base, "pacticipants"),
        },
    }


def render_label(urls: Urls, label: LabelRecord) -> dict[str, Any]:
    base = urls.pacticipant(label.pacticipant)
    return {
        "name": label.name,
        "createdAt": iso(label.created_at),
        "_links": {
            "self": link(f"{base}/labels/{segment(label.name)}", title="Label", name=label.name),
            "pb:pacticipant": link(base, title="Pacticipant", name=label.pacticipant),
        },
    }


def render_version_summary(urls: Urls, pacticipant: str, version: Version) -> dict[str, Any]:
    return {
        "number": version.number,
        "buildUrl": version.build_url,
        **_timestamps(version.created_at, version.updated_at),
        "_links": {"self": version_link(urls, pacticipant, version.number)},
    }


def render_version(urls: Urls, detail: VersionDetail) -> dict[str, Any]:
    name = detail.pacticipant.name
    number = detail.version.number
    self_href = urls.version(name, number)
    branch_versions = [
        {
            "name": branch.branch,
            "latest": branch.latest,
            "createdAt": iso(branch.created_at),
            "_links": {
                "self": link(
                    urls.branch_version(name, branch.branch, number),
                    title="Branch version",
                    name=branch.branch,
                )
            },
        }
        for branch in detail.branches
    ]
    tags = [
        {
            "name": tag.name,
            "latest": tag.latest,
            "createdAt": iso(tag.created_at),
            "_links": {"self": link(urls.tag(name, number, tag.name), title="Tag", name=tag.name)},
        }
        for tag in detail.tags
    ]
    links: dict[str, Any] = {
        "self": link(self_href, title="Version", name=number),
        "pb:pacticipant": pacticipant_link(urls, name),
        "pb:tag": link(
            self_href + "/tags/{tag}",
            title="Get, create or delete a tag for this pacticipant version",
            templated=True,
        ),
        "pb:latest-verification-results-where-pacticipant-is-consumer": link(
            urls.path("verification-results", "consumer", name, "version", number, "latest"),
            title="Latest verification results for consumer version",
        ),
        "pb:pact-versions": [
            link(
                urls.pact_for_version(pact.provider, pact.consumer, number),
                title="Pact",
                name=f"Pact between {pact.consumer} ({number}) and {pact.provider}",
            )
            for pact in detail.pacts
        ],
        "pb:deployed-environments": [],
        "pb:released-environments": [],
        "pb:record-deployment": [],
        "pb:record-release": [],
        "curies": curies(urls.base, "version"),
    }
    links.update(detail.extra_links)
    return {
        "number": number,
        "buildUrl": detail.version.build_url,
        **_timestamps(detail.version.created_at, detail.version.updated_at),
        "_embedded": {"branchVersions": branch_versions, "branches": branch_versions, "tags": tags},
        "_links": links,
    }


def render_versions(urls: Urls, pacticipant: Pacticipant, versions: Sequence[Version]) -> dict[str, Any]:
    items = [render_version_summary(urls, pacticipant.name, v) for v in versions]
    return {
        "_embedded": {"versions": items},
        "_links": {
            "self": link(urls.versions(pacticipant.name), title="Versions"),
            "pb:pacticipant": pacticipant_link(urls, pacticipant.name),
            "pb:versions": [version_link(urls, pacticipant.name, v.number) for v in versions],
            "versions": [version_link(urls, pacticipant.name, v.number) for v in versions],
        },
    }


def render_tag(urls: Urls, pacticipant: Pacticipant, version: Version, tag: Tag) -> dict[str, Any]:
    return {
        "name": tag.name,
        "createdAt": iso(tag.created_at),
        "_links": {
            "self": link(urls.tag(pacticipant.name, version.number, tag.name), title="Tag", name=tag.name),
            "version": version_link(urls, pacticipant.name, version.number),
            "pacticipant": pacticipant_link(urls, pacticipant.name),
            "pb:version": version_link(urls, pacticipant.name, version.number),
            "pb:pacticipant": pacticipant_link(urls, pacticipant.name),
        },
    }


def render_branch(urls: Urls, detail: BranchDetail) -> dict[str, Any]:
    name = detail.pacticipant.name
    branch = detail.branch.name
    return {
        "name": branch,
        "latestVersionNumber": detail.latest_version,
        **_timestamps(detail.branch.created_at, detail.branch.updated_at),
        "_links": {
            "self": link(urls.branch(name, branch), title="Branch", name=branch),
            "pb:latest-version": link(
                urls.path("pacticipants", name, "branches", branch, "latest-version"),
                title="Latest version for branch",
            ),
            "pb:versions": link(urls.branch_versions(name, branch), title="Versions on branch"),
            "pb:pacticipant": pacticipant_link(urls, name),
        },
    }


def render_branches(urls: Urls, pacticipant: Pacticipant, branches: Sequence[Branch]) -> dict[str, Any]:
    items = [
        {
            "name": b.name,
            **_timestamps(b.created_at, b.updated_at),
            "_links": {"self": link(urls.branch(pacticipant.name, b.name), title="Branch", name=b.name)},
        }
        for b in branches
    ]
    return {
        "_embedded": {"branches": items},
        "_links": {
            "self": link(urls.branches(pacticipant.name), title="Branches"),
            "pb:pacticipant": pacticipant_link(urls, pacticipant.name),
        },
    }


def render_branch_versions(urls: Urls, detail: BranchDetail, versions: Sequence[Version]) -> dict[str, Any]:
    name = detail.pacticipant.name
    items = [render_version_summary(urls, name, v) for v in versions]
    return {
        "_embedded": {"versions": items},
        "_links": {
            "self": link(urls.branch_versions(name, detail.branch.name), title="Versions on branch"),
            "pb:branch": link(urls.branch(name, detail.branch.name), title="Branch", name=detail.branch.name),
            "pb:pacticipant": pacticipant_link(urls, name),
        },
    }


def render_branch_version(
    urls: Urls, pacticipant: Pacticipant, version: Version, row: BranchVersion
) -> dict[str, Any]:
    name = pacticipant.name
    return {
        "name": row.branch_name,
        "createdAt": iso(row.created_at),
        "_links": {
            "self": link(
                urls.branch_version(name, row.branch_name, version.number),
                title="Branch version",
                name=row.branch_name,
            ),
            "pb:branch": link(urls.branch(name, row.branch_name), title="Branch", name=row.branch_name),
            "pb:version": version_link(urls, name, version.number),
            "pb:pacticipant": pacticipant_link(urls, name),
        },
    }
