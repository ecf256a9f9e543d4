"""Command-line runner shared by `python -m examples.provider` and `python -m examples.provider_drifted`."""

from __future__ import annotations

import argparse

import uvicorn

from examples.provider.app import create_app

DEFAULT_PORT = 8081
DRIFTED_PORT = 8082


def main(argv: list[str] | None = None, *, drift: bool = False) -> None:
    name = "examples.provider_drifted" if drift else "examples.provider"
    parser = argparse.ArgumentParser(
        prog=f"python -m {name}", description="Run the OrdersApi example provider."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DRIFTED_PORT if drift else DEFAULT_PORT)
    parser.add_argument("--drift", action="store_true", default=drift, help="serve the drifted variant")
    args = parser.parse_args(argv)
    uvicorn.run(create_app(drift=args.drift), host=args.host, port=args.port, log_level="warning")
