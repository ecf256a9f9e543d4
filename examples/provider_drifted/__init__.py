"""The drifted OrdersApi: `name` renamed to `title`, POST /orders answers 200, DELETE /orders/{id} removed.

It is the same code as examples.provider, built with `create_app(drift=True)`; its spec
(openapi.yaml here) describes what it really does, so the static check catches the drift too.
"""

from examples.provider.app import create_app

app = create_app(drift=True)

__all__ = ["app"]
