"""The texts the verifiers print for each pact to verify (``verificationProperties.notices``) and the
``shortDescription`` pact-go names its tests after. Worded like the Pact Broker's, so users see the
messages the Pact documentation talks about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

READ_MORE_PENDING = "Read more at https://docs.pact.io/go/pending"
READ_MORE_WIP = "Read more at https://docs.pact.io/go/wip"


@dataclass(frozen=True)
class SelectionReason:
    """Why one consumer version's pact was selected (one selector, resolved)."""

    kind: str  # latest | latest_for_branch | latest_for_tag | all_for_tag | deployed | released
    consumer_version_number: str
    consumer_version_id: int
    consumer: str | None = None  # the selector's consumer restriction
    branch: str | None = None
    tag: str | None = None
    environment: str | None = None
    fallback_branch: str | None = None  # set when the fallback was used instead of ``branch``
    fallback_tag: str | None = None


@dataclass(frozen=True)
class PendingStatus:
    pending: bool
    provider_branch: str | None
    pending_tags: tuple[str, ...] = ()
    non_pending_tags: tuple[str, ...] = ()


def _join(words: Sequence[str], quote: bool = True) -> str:
    items = [f"'{w}'" if quote else w for w in words]
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-2])}, {' and '.join(items[-2:])}"


def short_description(reason: SelectionReason) -> str:
    if reason.kind == "latest":
        return "latest"
    if reason.kind == "latest_for_tag":
        return f"latest with tag {reason.fallback_tag or reason.tag}"
    if reason.kind == "latest_for_branch":
        return f"latest from branch {reason.fallback_branch or reason.branch}"
    if reason.kind == "all_for_tag":
        return f"one of {reason.consumer} {reason.tag}" if reason.consumer else f"one of {reason.tag}"
    if reason.kind == "deployed":
        return f"deployed to {reason.environment}"
    if reason.kind == "released":
        return f"released in {reason.environment}"
    return reason.kind


def short_descriptions(reasons: Sequence[SelectionReason]) -> str:
    seen: list[str] = []
    for reason in reasons:
        text = short_description(reason)
        if text not in seen:
            seen.append(text)
    return ", ".join(seen)


def _selector_description(reason: SelectionReason, provider: str) -> str:
    label = f"version of {reason.consumer}" if reason.consumer else "version"
    if reason.kind == "latest":
        text = f"latest version of {reason.consumer or 'a consumer'} that has a pact with {provider}"
    elif reason.kind == "latest_for_tag" and reason.fallback_tag:
        text = (
            f"latest {label} tagged '{reason.fallback_tag}' "
            f"(fallback tag used as no pact was found with tag '{reason.tag}')"
        )
    elif reason.kind == "latest_for_tag":
        text = f"latest {label} tagged '{reason.tag}'"
    elif reason.kind == "latest_for_branch" and reason.fallback_branch:
        text = (
            f"latest {label} from branch '{reason.fallback_branch}' "
            f"(fallback branch used as no pact was found from branch '{reason.branch}')"
        )
    elif reason.kind == "latest_for_branch":
        text = f"latest {label} from branch '{reason.branch}'"
    elif reason.kind == "all_for_tag":
        text = (
            f"all {reason.consumer} versions tagged '{reason.tag}'"
            if reason.consumer
            else f"all consumer versions tagged '{reason.tag}'"
        )
    else:
        text = reason.kind
    return f"{text} ({reason.consumer_version_number})"


def _selector_descriptions(reasons: Sequence[SelectionReason], provider: str) -> list[str]:
    lines: list[str] = []
    for kind, verb in (("deployed", "currently deployed to"), ("released", "released and supported in")):
        by_consumer: dict[str | None, list[str]] = {}
        for reason in reasons:
            if reason.kind == kind:
                entry = f"{reason.environment} ({reason.consumer_version_number})"
                by_consumer.setdefault(reason.consumer, [])
                if entry not in by_consumer[reason.consumer]:
                    by_consumer[reason.consumer].append(entry)
        for consumer, entries in by_consumer.items():
            who = f"version(s) of {consumer}" if consumer else "consumer version(s)"
            lines.append(f"{who} {verb} {_join(entries, quote=False)}")
    for reason in reasons:
        if reason.kind not in ("deployed", "released"):
            line = _selector_description(reason, provider)
            if line not in lines:
                lines.append(line)
    return lines


def inclusion_reason(
    *, pact_url: str, consumer: str, provider: str, reasons: Sequence[SelectionReason], wip: bool
) -> str:
    if wip:
        branches = sorted({r.branch for r in reasons if r.branch})
        tags = sorted({r.tag for r in reasons if r.tag})
        parts = []
        if branches:
            parts.append(f"from {'branch' if len(branches) == 1 else 'branches'} {_join(branches)}")
        if tags:
            parts.append(f"tagged with {_join(tags)}")
        count = len(branches) + len(tags)
        same = (
            ""
            if count <= 1
            else (" (both have the same content)" if count == 2 else " (all have the same content)")
        )
        version_text = "version" if count == 1 else "versions"
        return (
            f"The pact at {pact_url} is being verified because it is a 'work in progress' pact (ie. it is the "
            f"pact for the latest {version_text} of {consumer} {' and '.join(parts)}{same} and is still in "
            f"pending state). {READ_MORE_WIP}"
        )
    criteria = "criteria" if len(reasons) > 1 else "criterion"
    versions = "the consumer versions" if len(reasons) > 1 else "the consumer version"
    bullets = "\n".join(f"    * {line}" for line in _selector_descriptions(reasons, provider))
    return (
        f"The pact at {pact_url} is being verified because the pact content belongs to {versions} matching "
        f"the following {criteria}:\n{bullets}"
    )


def _pending_target(status: PendingStatus, provider: str, any_or_a: str) -> str:
    if status.provider_branch:
        return f"{any_or_a} version of {provider} from branch '{status.provider_branch}'"
    tags = status.pending_tags
    if not tags:
        return provider
    if len(tags) == 1:
        return f"{any_or_a} version of {provider} with tag '{tags[0]}'"
    return f"{any_or_a} versions of {provider} with tag {_join(tags)}"


def _non_pending_target(status: PendingStatus, provider: str) -> str:
    if status.provider_branch:
        return f"a version of {provider} from branch '{status.provider_branch}'"
    tags = status.non_pending_tags
    if not tags:
        return provider
    if len(tags) == 1:
        return f"a version of {provider} with tag '{tags[0]}'"
    return f"a version of {provider} with tag {_join(tags)}"


def pending_reason(status: PendingStatus, provider: str) -> str:
    if status.pending:
        return (
            f"This pact is in pending state for this version of {provider} because a successful verification "
            f"result for {_pending_target(status, provider, 'a')} has not yet been published. If this "
            f"verification fails, it will not cause the overall build to fail. {READ_MORE_PENDING}"
        )
    return (
        f"This pact has previously been successfully verified by {_non_pending_target(status, provider)}. "
        f"If this verification fails, it will fail the build. {READ_MORE_PENDING}"
    )


def after_verification_notices(status: PendingStatus, provider: str) -> list[dict[str, str]]:
    """The four ``after_verification:*`` notices; only pending pacts have any."""
    if not status.pending:
        return []
    target = _pending_target(status, provider, "any")
    tags = status.pending_tags if not status.provider_branch else ()
    with_tags = "" if not tags else ("with this tag " if len(tags) == 1 else "with these tags ")
    still_pending = (
        f"This pact is still in pending state for {target} as a successful verification result "
        f"{with_tags}has not yet been published"
    )
    return [
        {
            "when": "after_verification:success_true_published_false",
            "text": (
                f"This pact is still in pending state for {target} as the successful verification results "
                f"{with_tags}have not yet been published."
            ),
        },
        {"when": "after_verification:success_false_published_false", "text": still_pending},
        {
            "when": "after_verification:success_true_published_true",
            "text": (
                f"This pact is no longer in pending state for {target}, as a successful verification result "
                f"{with_tags}has been published. If a verification for a version of {provider} {with_tags}"
                f"fails in the future, it will fail the build. {READ_MORE_PENDING}"
            ),
        },
        {"when": "after_verification:success_false_published_true", "text": still_pending},
    ]
