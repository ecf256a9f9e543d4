"""Runs pact-python's ``Verifier`` (the Rust reference verifier) in a child process.

``python -m verifier.live.replay_worker CONFIG.json FD``: CONFIG is ``ReplayOptions.to_json()``
plus ``stateRelayUrl``; FD is the write end of a pipe from the parent, which receives one JSON
message per line (see :func:`messages`): one ``{"interaction": ...}`` per entry of the Verifier's
own JSON results (``Verifier.results["interactionResults"]``), then ``{"finished": {"results":
..., "output": ..., "raised": ...}}`` with the rest of the results, its plain-text report and
whether ``verify()`` raised. The Rust verifier returns its results when the whole replay ends, so
the interaction messages arrive together at the end; the state-change relay is what follows the
replay as it runs.

A child process keeps the FFI's direct writes to file descriptor 1 out of Tether's own output
(``--format json`` on stdout stays clean) and lets the parent stop a hung verification.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from brokerclient.selectors import selector_from_json


def build_verifier(config: dict[str, Any]) -> Any:
    from pact import Verifier

    verifier = Verifier(config["provider"], host="127.0.0.1").add_transport(url=config["baseUrl"])
    if config.get("messageUrl"):
        parts = urlsplit(config["messageUrl"])
        verifier.add_transport(
            protocol="message", port=parts.port, path=parts.path or "/", scheme=parts.scheme or "http"
        )
    verifier.set_coloured_output(enabled=False)
    verifier.set_request_timeout(int(config["requestTimeoutMs"]))
    for name, value in config.get("customHeaders", []):
        verifier.add_custom_header(name, value)
    broker = config.get("broker")
    for source in config["pactSources"]:
        if source.startswith(("http://", "https://")) and broker:
            if broker.get("token"):
                verifier.add_source(source, token=broker["token"])
            elif broker.get("username"):
                verifier.add_source(source, username=broker["username"], password=broker.get("password"))
            else:
                verifier.add_source(source)
        else:
            verifier.add_source(source)
    selection = config["selection"]
    if broker and not config["pactSources"]:
        if broker.get("token"):
            builder = verifier.broker_source(
                broker["url"], token=broker["token"], selector=True, use_env=False
            )
        else:
            builder = verifier.broker_source(
                broker["url"],
                username=broker.get("username"),
                password=broker.get("password"),
                selector=True,
                use_env=False,
            )
        if selection["enablePending"]:
            builder.include_pending()
        else:
            builder.exclude_pending()
        if selection["includeWipPactsSince"]:
            builder.include_wip_since(selection["includeWipPactsSince"])
        if config["providerTags"]:
            builder.provider_tags(*config["providerTags"])
        if config["providerBranch"]:
            builder.provider_branch(config["providerBranch"])
        for selector in selection["consumerVersionSelectors"]:
            builder.consumer_version(**selector_from_json(selector).pact_python_kwargs())
        builder.build()
    if selection["consumers"]:
        verifier.filter_consumers(*selection["consumers"])
    verifier.state_handler(config["stateRelayUrl"], teardown=True, body=True)
    publish = config.get("publish")
    if publish:
        verifier.set_publish_options(
            publish["providerVersion"],
            url=publish.get("buildUrl"),
            branch=publish.get("providerBranch"),
            tags=publish.get("providerTags") or None,
        )
    return verifier


def messages(results: dict[str, Any], output: str, raised: str | None) -> Iterator[dict[str, Any]]:
    """The worker's messages to its parent, in order."""
    for item in results.get("interactionResults") or []:
        yield {"interaction": item}
    rest = {key: value for key, value in results.items() if key != "interactionResults"}
    yield {"finished": {"results": rest, "output": output, "raised": raised}}


def main(argv: list[str]) -> int:
    config_path, fd = Path(argv[0]), int(argv[1])
    os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
    config = json.loads(config_path.read_text(encoding="utf-8"))
    with os.fdopen(fd, "w", encoding="utf-8") as pipe:
        verifier = build_verifier(config)
        raised: str | None = None
        try:
            verifier.verify()
        except RuntimeError as exc:  # the Verifier raises RuntimeError for any failed verification
            raised = str(exc)
        for message in messages(verifier.results or {}, verifier.output(strip_ansi=True), raised):
            pipe.write(json.dumps(message) + "\n")
            pipe.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
