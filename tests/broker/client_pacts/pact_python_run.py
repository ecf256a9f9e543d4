"""Verifies the client pacts with pact-python's ``Verifier``, in a child process of the test.

``python -m tests.broker.client_pacts.pact_python_run BASE_URL STATES_URL REPORT_PATH`` writes the
Verifier's JSON results (``Verifier.results``: the same document as the Rust CLI's ``--json``). A
child process, because the Rust core behind the Verifier writes its console report to file
descriptor 1 and cannot be stopped from Python once it runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from pact import Verifier

    from tests.broker.client_pacts.harness import PACTS, PROVIDER

    base_url, states_url, report = argv
    os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
    verifier = Verifier(PROVIDER, host="127.0.0.1").add_transport(url=base_url)
    verifier.set_coloured_output(enabled=False)
    verifier.set_request_timeout(20_000)
    for path in PACTS.values():
        verifier.add_source(path)
    verifier.state_handler(states_url, teardown=False, body=True)
    with contextlib.suppress(RuntimeError):  # raised for any failed interaction; the results say which
        verifier.verify()
    Path(report).write_text(json.dumps(verifier.results or {}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
