"""The example project `tether demo` runs on, shipped inside the package (the `examples` package data).

The demo copies the pacts and the two OpenAPI specs into its work folder, so every command it prints
can be run again by hand, from a wheel install as from a checkout; the provider apps are run from the
installed `examples` package (`python -m examples.provider`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from tether.errors import TetherError

PACKAGE = "examples"
PACT_FILES = ("OrderMobile-OrdersApi.json", "OrderWeb-OrdersApi.json")
SPEC = ("provider", "openapi.yaml")
DRIFTED_SPEC = ("provider_drifted", "openapi.yaml")


@dataclass(frozen=True)
class ExampleProject:
    """The copied example files: the consumers' pacts, the provider's spec and the drifted provider's."""

    pacts: tuple[Path, ...]
    spec: Path
    drifted_spec: Path

    @property
    def files(self) -> tuple[Path, ...]:
        return (*self.pacts, self.spec, self.drifted_spec)


def copy_example_project(target: Path) -> ExampleProject:
    """Copy the example pacts and specs from the installed package into `target` (replacing old copies)."""
    root = _package_root()
    pacts = tuple(_copy(root, ("pacts", name), target) for name in PACT_FILES)
    return ExampleProject(pacts, _copy(root, SPEC, target), _copy(root, DRIFTED_SPEC, target))


def _package_root() -> Traversable:
    try:
        return resources.files(PACKAGE)
    except ModuleNotFoundError as exc:
        raise TetherError(
            f"the example project (the `{PACKAGE}` package) is not installed: reinstall Tether "
            "(`pip install --force-reinstall tether`) or run from a checkout with `pip install -e .`"
        ) from exc


def _copy(root: Traversable, parts: tuple[str, ...], target: Path) -> Path:
    source = root.joinpath(*parts)
    if not source.is_file():
        raise TetherError(
            f"the example project is incomplete: {PACKAGE}/{'/'.join(parts)} is missing from the installed "
            "package; reinstall Tether (`pip install --force-reinstall tether`)"
        )
    destination = target.joinpath(*parts)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with resources.as_file(source) as path:
        shutil.copyfile(path, destination)
    return destination
