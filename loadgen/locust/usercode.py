"""The user-code module next to a generated locustfile: the part a team edits, never overwritten.

``tether loadgen locustfile --out load/locustfile.py`` writes ``load/locustfile_hooks.py`` once,
from :data:`TEMPLATE`, and leaves it alone on every later regeneration. The generated file loads
it by path (:func:`load_user_code`), so it works from any working directory and on Locust workers.
Its ``on_start(context)`` runs once per simulated user: the place for auth headers, a log-in, or
per-user test data.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from loadgen.locust.errors import ScenarioError

TEMPLATE = '''"""Your code for {locustfile}: Tether created this file once and never overwrites it.

`tether loadgen locustfile` regenerates {locustfile} from the contracts; keep your changes here.
"""

from __future__ import annotations

import os

from loadgen.locust.runtime import ScenarioContext


def on_start(context: ScenarioContext) -> None:
    """Called once per simulated user, before its first task: set headers, log in, pick test data.

    Secrets come from the environment, never from a file: by default the value of LOAD_AUTH_TOKEN
    is sent as a bearer token with every request.
    """
    token = os.environ.get("LOAD_AUTH_TOKEN")
    if token:
        context.headers["Authorization"] = f"Bearer {{token}}"
'''


def user_code_path(locustfile: Path) -> Path:
    return locustfile.with_name(f"{locustfile.stem}_hooks.py")


def write_user_code(locustfile: Path) -> Path | None:
    """Create the user-code module next to `locustfile` unless it exists; the path when written."""
    path = user_code_path(locustfile)
    if path.exists():
        return None
    try:
        path.write_text(TEMPLATE.format(locustfile=locustfile.name), encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"cannot write the user-code module {path}: {exc.strerror or exc}") from exc
    return path


def load_user_code(locustfile: str) -> ModuleType | None:
    """The user-code module next to the locustfile at `locustfile` (its ``__file__``); None if there is none."""
    path = user_code_path(Path(locustfile))
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ScenarioError(f"cannot load the user-code module {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
