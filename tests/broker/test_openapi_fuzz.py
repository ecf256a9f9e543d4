"""schemathesis against the broker's own /openapi.json: no generated request gets a server error."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.broker.conftest import StartBroker

pytestmark = pytest.mark.slow


def test_openapi_document_covers_the_core_routes(tmp_path: Path, start_broker: StartBroker) -> None:
    with start_broker(f"sqlite:///{tmp_path / 'doc.db'}") as broker:
        spec = httpx.get(broker.url + "/openapi.json").json()
    for path, method in (
        ("/contracts/publish", "post"),
        ("/pacts/provider/{provider}/consumer/{consumer}/version/{version}", "put"),
        ("/pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}/metadata/{metadata}", "get"),
        ("/pacticipants/{pacticipant}/branches/{branch}/versions/{version}", "put"),
        ("/pacticipants/{pacticipant}/versions/{version}/tags/{tag}", "put"),
        ("/pacts/latest", "get"),
    ):
        assert method in spec["paths"][path], path
    undeclared = [
        f"{method.upper()} {path}: {name}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        for name in re.findall(r"{(\w+)}", path)
        if name not in {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
    ]
    assert undeclared == [], "every path parameter must be declared by its handler"
    publish = spec["paths"]["/contracts/publish"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    assert publish["$ref"].endswith("/PublishContractsIn")
    assert {"pacticipantName", "pacticipantVersionNumber", "contracts"} <= set(
        spec["components"]["schemas"]["PublishContractsIn"]["required"]
    )


def test_schemathesis_finds_no_server_error(tmp_path: Path, start_broker: StartBroker) -> None:
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    assert st is not None, "schemathesis (st) is a dependency"
    with start_broker(f"sqlite:///{tmp_path / 'fuzz.db'}") as broker:
        result = subprocess.run(
            [
                st,
                "run",
                broker.url + "/openapi.json",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                "3",
                "--phases",
                "examples,coverage,fuzzing",
                "--workers",
                "2",
                "--seed",
                "7",
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**os.environ, "PACT_DO_NOT_TRACK": "true", "NO_COLOR": "1"},
            timeout=600,
            check=False,
        )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    assert "Server error" not in result.stdout
