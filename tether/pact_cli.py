"""Where the Pact CLI (`pact broker publish`, `can-i-deploy`, `record-deployment`, ...) comes from.

The consolidated Pact CLI (broker client, verifier, stub and mock servers in one Rust binary) is a
dependency of Tether through the `pact-python-cli` wheel, so `pip install tether` is all a Python team
needs. It is looked for in this order:

1. the `pact` executable the `pact-python-cli` distribution installed (wherever pip put its scripts);
2. `TETHER_PACT_CLI=/path/to/pact` (for platforms without a `pact-python-cli` wheel);
3. `.cache/npm-tools/node_modules/.bin/pact` under the current folder (`make npm-tools` in a checkout).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from tether.errors import PactCliMissing

DISTRIBUTION = "pact-python-cli"
ENV_VAR = "TETHER_PACT_CLI"
NPM_PACT = Path(".cache") / "npm-tools" / "node_modules" / ".bin" / "pact"
HOW_TO_GET_IT = (
    f"install it with `pip install {DISTRIBUTION}` (it ships the Pact CLI for Linux, macOS and Windows), "
    f"or point {ENV_VAR}=/path/to/pact at a Pact CLI you have"
)


@dataclass(frozen=True)
class PactCli:
    """A Pact CLI executable and where it was found (`pact-python-cli`, `TETHER_PACT_CLI`, `npm tools`)."""

    path: Path
    source: str

    def command(self, *args: str) -> list[str]:
        return [str(self.path), *args]


def find_pact_cli(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> PactCli:
    """The first Pact CLI found in the documented order; `PactCliMissing` says what was tried and the fix."""
    environ = os.environ if environ is None else environ
    tried: list[str] = []
    wheel = _from_distribution()
    if wheel is not None:
        return PactCli(wheel, DISTRIBUTION)
    tried.append(f"the `{DISTRIBUTION}` package is not installed")
    configured = environ.get(ENV_VAR, "").strip()
    if configured:
        path = Path(configured).expanduser()
        if _executable(path):
            return PactCli(path, ENV_VAR)
        tried.append(f"{ENV_VAR}={configured} is not an executable file")
    else:
        tried.append(f"{ENV_VAR} is not set")
    npm = (cwd or Path.cwd()) / NPM_PACT
    if _executable(npm):
        return PactCli(npm, "npm tools")
    tried.append(f"{npm} does not exist (`make npm-tools` in a Tether checkout)")
    raise PactCliMissing(f"the Pact CLI was not found ({'; '.join(tried)}): {HOW_TO_GET_IT}")


def _from_distribution() -> Path | None:
    try:
        files = metadata.distribution(DISTRIBUTION).files or []
    except metadata.PackageNotFoundError:
        return None
    for file in files:
        if file.name in {"pact", "pact.exe"} and file.parent.name in {"bin", "Scripts"}:
            path = Path(str(file.locate())).resolve()
            if _executable(path):
                return path
    return None


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)
