"""Runs pact-python's ``Verifier`` (the Rust reference verifier) in a child process.

``python -m verifier.live.replay_worker CONFIG.json RESULT.json``: CONFIG is
``ReplayOptions.to_json()`` plus ``stateRelayUrl``; RESULT receives the Verifier's own JSON
results (``Verifier.results``), its plain-text report and whether ``verify()`` raised.

A child process keeps the FFI's direct writes to file descriptor 1 out of Tether's own output
(``--format json`` on stdout stays clean) and lets the parent stop a hung verification.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from brokerclient.selectors import selector_from_json


def build_verifier(config: dict[str, Any]) -> Any:
    from pact import Verifier

    verifier = Verifier(config["provider"], host="127.0.0.1").add_transport(url=config["baseUrl"])
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


def main(argv: list[str]) -> int:
    config_path, result_path = Path(argv[0]), Path(argv[1])
    os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
    config = json.loads(config_path.read_text(encoding="utf-8"))
    verifier = build_verifier(config)
    raised: str | None = None
    try:
        verifier.verify()
    except RuntimeError as exc:  # the Verifier raises RuntimeError for any failed verification
        raised = str(exc)
    result = {
        "results": verifier.results,
        "output": verifier.output(strip_ansi=True),
        "raised": raised,
    }
    result_path.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
