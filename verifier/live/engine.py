"""The live-verification engine: everything `tether verify provider` does, callable without a CLI.

``run(options, on_event)`` checks that the inputs answer, replays the pacts (pact-python's Verifier in
a child process), runs the self-check (schemathesis), publishes the self-check, and returns a typed
:class:`~verifier.live.results.ProviderVerification`. While it runs it reports typed events
(``verifier.live.events``) to ``on_event``, on the caller's thread; renderings (progress bars, log
lines, reports) belong to the caller.

Unusable input (an option, an unreachable provider or broker) and a tool that cannot run raise a
:class:`~verifier.errors.VerifierError` before or instead of a result: nothing was verified (the CLI's
exit status 2). A result's ``exit_status`` is 0 (verified) or 1 (a verification failed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from brokerclient.errors import BrokerClientError
from verifier.live.events import Event, Phase, PhaseFinished, PhaseStarted, Published
from verifier.live.options import (
    BrokerOptions,
    LiveOptionsError,
    ProviderVerificationOptions,
    PublishOptions,
    ReplayOptions,
    SelfCheckOptions,
)
from verifier.live.publish import PublishError, publish_self_check
from verifier.live.replay import check_replay_inputs, expected_interactions, run_replay
from verifier.live.results import ProviderVerification, Publication, ReplayResult, SelfCheckResult
from verifier.live.selfcheck import run_self_check

EventHandler = Callable[[Event], None]


def _ignore(_event: Event) -> None:
    return None


def run(options: ProviderVerificationOptions, on_event: EventHandler = _ignore) -> ProviderVerification:
    """Verify the running provider as `options` say; see the module's documentation."""
    if options.broker is not None and (options.pacts_from_broker or options.publish is not None):
        try:
            options.broker.check_reachable()
        except BrokerClientError as exc:
            raise LiveOptionsError(str(exc)) from exc
    if options.replay is not None:
        check_replay_inputs(options.replay)
    publications: list[Publication] = []
    replay: ReplayResult | None = None
    if options.replay is not None:
        replay, publication = _replay(options.replay, on_event)
        publications.extend([publication] if publication is not None else [])
    self_check = _self_check(options.self_check, on_event) if options.self_check is not None else None
    if self_check is not None and options.publish is not None and options.broker is not None:
        publication = _publish(options.broker, options.provider, options.publish, self_check, on_event)
        publications.append(publication)
        self_check = replace(self_check, published=True)
    return ProviderVerification(
        provider=options.provider,
        base_url=options.base_url,
        provider_version=options.provider_version,
        replay=replay,
        self_check=self_check,
        publications=tuple(publications),
    )


def _replay(options: ReplayOptions, emit: EventHandler) -> tuple[ReplayResult, Publication | None]:
    total = (
        expected_interactions(
            options.pact_sources,
            options.provider,
            options.selection.consumers,
            messages=options.message_url is not None,
        )
        if options.pact_sources
        else None
    )
    emit(PhaseStarted(Phase.REPLAY, options.base_url, total, provider=options.provider))
    result = run_replay(options, on_event=emit)
    publication: Publication | None = None
    if options.publish is not None:  # the Rust verifier publishes the results itself
        publication = Publication("verification results", result.published, "\n".join(result.publish_errors))
        emit(Published(publication.what, publication.success, publication.detail))
    emit(PhaseFinished(Phase.REPLAY, result.success, len(result.interactions)))
    return result, publication


def _self_check(options: SelfCheckOptions, emit: EventHandler) -> SelfCheckResult:
    emit(PhaseStarted(Phase.SELF_CHECK, options.base_url, len(options.phases), options.phases))
    result = run_self_check(options, on_event=emit)
    ran = sum(1 for phase in options.phases if phase in result.phases)
    emit(PhaseFinished(Phase.SELF_CHECK, result.success, ran))
    return result


def _publish(
    broker: BrokerOptions, provider: str, publish: PublishOptions, check: SelfCheckResult, emit: EventHandler
) -> Publication:
    """Publish the spec with the self-check as its self-verification; a refusal is exit 2 (PublishError)."""
    emit(PhaseStarted(Phase.PUBLISH, broker.url, 1))
    what = "provider contract"
    try:
        publish_self_check(broker, provider, publish, check)
    except PublishError as exc:
        emit(Published(what, False, str(exc)))
        emit(PhaseFinished(Phase.PUBLISH, False))
        raise
    publication = Publication(what, True, f"{provider} {publish.provider_version}")
    emit(Published(publication.what, publication.success, publication.detail))
    emit(PhaseFinished(Phase.PUBLISH, True, 1))
    return publication
