"""The ``tether verify openapi`` command and the broker's cross-check plugin over ``contracts.openapi``."""
