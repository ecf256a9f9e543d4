"""A Python user installs the wheel and runs `tether demo` in an empty folder: no checkout, no Node, no make.

The wheel is built from this checkout and installed without dependencies into a fresh venv whose
`.pth` file lends it this venv's third-party packages (so the test is fast and offline); Tether itself,
the example project and the Pact CLI lookup come only from what the wheel installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.support import REPO_ROOT

pytestmark = pytest.mark.slow


def _run(args: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    assert proc.returncode == 0, f"{args}:\n{proc.stdout}\n{proc.stderr}"
    return proc  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the Tether wheel installed (its dependencies borrowed from this venv)."""
    root = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _run(
        [
            *pip,
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            root / "dist",
            REPO_ROOT,
        ]
    )
    (wheel,) = (root / "dist").glob("tether-*.whl")
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    _run([*pip, "--python", venv / "bin" / "python", "install", "--no-deps", "--no-index", "-q", wheel])
    site = Path(_run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())  # fmt: skip
    borrowed = dict.fromkeys((sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]))
    (site / "zz-borrowed-dependencies.pth").write_text("".join(f"{path}\n" for path in borrowed))
    return venv


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "TETHER_PACT_CLI", "VIRTUAL_ENV"}}
    return {**env, "PACT_DO_NOT_TRACK": "true"}


def test_the_wheel_ships_tether_and_the_example_project(wheel_venv: Path, tmp_path: Path) -> None:
    proc = _run(
        [wheel_venv / "bin" / "python", "-c",
         "import tether, examples.provider.app as app; from tether.pact_cli import find_pact_cli; "
         "cli = find_pact_cli(); print(tether.__file__); print(app.__file__); print(cli.source, cli.path)"],
        cwd=tmp_path, env=_clean_env(),
    )  # fmt: skip
    tether_file, app_file, pact_line = proc.stdout.splitlines()
    assert Path(tether_file).is_relative_to(wheel_venv), tether_file
    assert Path(app_file).is_relative_to(wheel_venv), app_file
    source, path = pact_line.split(" ", 1)
    assert source == "pact-python-cli"
    assert Path(path).name == "pact"


def test_tether_demo_runs_from_the_wheel_in_an_empty_folder(wheel_venv: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(wheel_venv / "bin" / "tether"), "demo", "--load-seconds", "10"],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "Every step did what it should." in output
    assert "(from pact-python-cli)" in output
    for step in ("publish the example pacts (Pact CLI)", "can-i-deploy OrdersApi 1.1.0-drifted says no",
                 "record the deployment of OrderWeb 1.0.0", "mock server from verified pacts"):  # fmt: skip
        assert step in output
    workdir = tmp_path / "tether-demo"
    listed = output.split(f"Files written in {workdir}/:\n", 1)[1].split()
    assert listed, output
    for name in listed:
        assert (workdir / name).is_file(), f"the summary lists {name}, which was not written"
    for expected in ("example/pacts/OrderWeb-OrdersApi.json", "example/pacts/OrderMobile-OrdersApi.json",
                     "example/provider/openapi.yaml", "example/provider_drifted/openapi.yaml",
                     "broker.db", "broker.log", "provider.log", "mock-server.log",
                     "locustfile.py", "load-report.html"):  # fmt: skip
        assert expected in listed
    assert (workdir / "locustfile.py").read_text().startswith('"""Load scenario for provider OrdersApi')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tether-demo"]
