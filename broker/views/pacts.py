"""HAL representations of pacts, pact lists and publication results."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from broker.clock import iso
from broker.hal import Urls, curies, link
from broker.services.pact_content import with_interaction_ids
from broker.services.pacts import PactView
from broker.services.publish import PublishOutcome


def pact_title(view: PactView) -> str:
    version = f" ({view.consumer_version})" if view.consumer_version else ""
    return f"Pact between {view.consumer}{version} and {view.provider}"


def pact_links(urls: Urls, view: PactView, *, metadata: str | None = None) -> dict[str, Any]:
    c, p, v, sha = view.consumer, view.provider, view.consumer_version, view.sha
    version_href = urls.pact_for_version(p, c, v) if v else urls.pact_version(p, c, sha)
    links: dict[str, Any] = {
        "self": link(version_href, title="Pact", name=pact_title(view)),
        "pb:consumer": link(urls.pacticipant(c), title="Consumer", name=c),
        "pb:provider": link(urls.pacticipant(p), title="Provider", name=p),
        "pb:pact-version": link(
            urls.pact_version(p, c, sha), title="Pact content version permalink", name=sha
        ),
        "pb:latest-pact-version": link(urls.latest_pact(p, c), title="Latest version of this pact"),
        "pb:all-pact-versions": link(urls.pact_versions(p, c), title="All versions of this pact"),
        "pb:latest-untagged-pact-version": link(
            urls.path("pacts", "provider", p, "consumer", c, "latest-untagged"),
            title="Latest untagged version of this pact",
        ),
        "pb:latest-tagged-pact-version": link(
            urls.path("pacts", "provider", p, "consumer", c, "latest") + "/{tag}",
            title="Latest tagged version of this pact",
            templated=True,
        ),
        "pb:diff": link(
            urls.pact_version(p, c, sha) + "/diff/pact-version/{pactVersion}",
            title="Diff with another pact version",
            templated=True,
        ),
        "pb:pact-webhooks": link(
            urls.path("webhooks", "provider", p, "consumer", c), title="Webhooks for this pact"
        ),
        "pb:consumer-webhooks": link(urls.path("webhooks", "consumer", c), title="Webhooks for the consumer"),
        "pb:publish-verification-results": link(
            urls.verification_results(p, c, sha, metadata), title="Publish verification results"
        ),
        "pb:latest-verification-results": link(
            urls.verification_results(p, c, sha) + "/latest", title="Latest verification results"
        ),
        "curies": curies(urls.base, "pact"),
    }
    if v:
        links.update(
            {
                "pb:consumer-version": link(urls.version(c, v), title="Consumer version", name=v),
                "pb:previous-distinct": link(
                    version_href + "/previous-distinct", title="Previous distinct version of this pact"
                ),
                "pb:diff-previous-distinct": link(
                    version_href + "/diff/previous-distinct",
                    title="Diff with previous distinct version of this pact",
                ),
                "pb:tag-prod-version": link(
                    urls.tag(c, v, "prod"),
                    title="PUT to this resource to tag this consumer version as 'production'",
                ),
                "pb:tag-version": link(
                    urls.version(c, v) + "/tags/{tag}",
                    title="PUT to this resource to tag this consumer version",
                    templated=True,
                ),
                "pb:triggered-webhooks": link(
                    version_href + "/triggered-webhooks",
                    title="Webhooks triggered by the publication of this pact",
                ),
                "pb:matrix-for-consumer-version": link(
                    urls.base
                    + "/matrix?q[][pacticipant]="
                    + _q(c)
                    + "&q[][version]="
                    + _q(v)
                    + "&latestby=cvpv",
                    title="View matrix rows for the consumer version to which this pact belongs",
                ),
            }
        )
    return links


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def render_pact(urls: Urls, view: PactView, *, metadata: str | None = None) -> dict[str, Any]:
    """The published document (key order kept), interaction ``_id``s, ``createdAt`` and ``_links``."""
    data = with_interaction_ids(json.loads(view.content))
    data["createdAt"] = iso(view.created_at)
    data["_links"] = pact_links(urls, view, metadata=metadata)
    return data


def _entry_link(urls: Urls, view: PactView) -> dict[str, Any]:
    return link(
        urls.pact_for_version(view.provider, view.consumer, view.consumer_version),
        title=pact_title(view),
        name=view.consumer,
    )


def render_provider_pacts(
    urls: Urls, provider: str, views: Sequence[PactView], self_href: str, title: str
) -> dict[str, Any]:
    """Lists for a provider: ``pb:pacts`` and the deprecated ``pacts`` (read by old verifiers)."""
    entries = [_entry_link(urls, view) for view in views]
    return {
        "_links": {
            "self": link(self_href, title=title),
            "pb:provider": link(urls.pacticipant(provider), title="Provider", name=provider),
            "provider": link(urls.pacticipant(provider), title="Provider", name=provider),
            "pb:pacts": entries,
            "pacts": entries,
            "curies": curies(urls.base, "provider-pacts"),
        }
    }


def render_pact_versions(urls: Urls, views: Sequence[PactView], self_href: str, title: str) -> dict[str, Any]:
    """A list of pact publications (by consumer version), newest first."""
    entries = [_entry_link(urls, view) for view in views]
    return {
        "_embedded": {
            "pacts": [
                {
                    "consumerVersionNumber": view.consumer_version,
                    "pactVersionSha": view.sha,
                    "createdAt": iso(view.created_at),
                    "_links": {"self": _entry_link(urls, view)},
                }
                for view in views
            ]
        },
        "_links": {"self": link(self_href, title=title), "pb:pacts": entries, "pacts": entries},
    }


def render_latest_pacts(urls: Urls, views: Sequence[PactView]) -> dict[str, Any]:
    pacts = []
    for view in views:
        latest = urls.latest_pact(view.provider, view.consumer)
        by_version = urls.pact_for_version(view.provider, view.consumer, view.consumer_version)
        pacts.append(
            {
                "createdAt": iso(view.created_at),
                "_embedded": {
                    "consumer": {
                        "name": view.consumer,
                        "_links": {"self": {"href": urls.pacticipant(view.consumer)}},
                        "_embedded": {
                            "version": {
                                "number": view.consumer_version,
                                "_links": {
                                    "self": {"href": urls.version(view.consumer, view.consumer_version)}
                                },
                            }
                        },
                    },
                    "provider": {
                        "name": view.provider,
                        "_links": {"self": {"href": urls.pacticipant(view.provider)}},
                    },
                },
                "_links": {
                    "self": [
                        link(latest, title="Latest version of this pact"),
                        link(by_version, title="This version of the pact"),
                    ]
                },
            }
        )
    entries = [
        link(urls.latest_pact(v.provider, v.consumer), title=pact_title(v), name=v.consumer) for v in views
    ]
    return {
        "pacts": pacts,
        "_links": {
            "self": link(urls.path("pacts", "latest"), title="Latest pact versions"),
            "pb:pacts": entries,
            "pacts": entries,
        },
    }


def render_publish_outcome(urls: Urls, outcome: PublishOutcome) -> dict[str, Any]:
    name, number = outcome.pacticipant, outcome.version
    version_self = link(urls.version(name, number), title="Version", name=number)
    return {
        "notices": [{"type": n.type, "text": n.text} for n in outcome.notices],
        "logs": [
            {"level": n.type, "message": n.text, "deprecationWarning": "Replaced by notices"}
            for n in outcome.notices
        ],
        "_embedded": {
            "pacticipant": {"name": name, "_links": {"self": {"href": urls.pacticipant(name)}}},
            "version": {"number": number, "_links": {"self": version_self}},
        },
        "_links": {
            "pb:pacticipant": link(urls.pacticipant(name), title="Pacticipant", name=name),
            "pb:pacticipant-version": link(
                urls.version(name, number), title="Pacticipant version", name=number
            ),
            "pb:pacticipant-version-tags": [
                link(urls.tag(name, number, tag), title="Tag", name=tag) for tag in outcome.tags
            ],
            "pb:contracts": [
                link(
                    urls.pact_for_version(p.provider, p.consumer, p.consumer_version),
                    title="Pact",
                    name=f"Pact between {p.consumer} ({p.consumer_version}) and {p.provider}",
                )
                for p in outcome.pacts
            ],
        },
    }
