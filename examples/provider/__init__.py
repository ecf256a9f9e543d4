"""OrdersApi, the example provider (FastAPI, in-memory data, Pact provider states)."""

from examples.provider.app import create_app

__all__ = ["create_app"]
