"""The example provider (and its drifted twin) as real uvicorn processes on loopback."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from tests.support import REPO_ROOT, free_port, running_process

EXAMPLES = REPO_ROOT / "examples"
PACTS = EXAMPLES / "pacts"
WEB_PACT = PACTS / "OrderWeb-OrdersApi.json"
MOBILE_PACT = PACTS / "OrderMobile-OrdersApi.json"
SPEC = EXAMPLES / "provider" / "openapi.yaml"
DRIFTED_SPEC = EXAMPLES / "provider_drifted" / "openapi.yaml"


@contextlib.contextmanager
def example_provider(*, drift: bool = False) -> Iterator[str]:
    """Run OrdersApi (or the drifted variant) and yield its base URL."""
    port = free_port()
    module = "examples.provider_drifted" if drift else "examples.provider"
    base_url = f"http://127.0.0.1:{port}"
    with running_process(
        [sys.executable, "-m", module, "--port", str(port)], ready_url=f"{base_url}/products", cwd=REPO_ROOT
    ):
        yield base_url
