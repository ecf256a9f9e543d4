"""Fixtures of the Locust run tests: the providers they load, each started once per test module.

- ``catalogue_url``: the small FastAPI provider of :mod:`tests.loadgen.locust.providers` (one route
  per way a load run must classify an answer);
- ``shop_url`` / ``drifted_shop_url``: the example provider (``examples.provider``) and its drifted
  copy, which the example pacts (``examples/pacts``) are about.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.loadgen.locust.runs import serve_example_provider, serve_test_provider


@pytest.fixture(scope="module")
def catalogue_url() -> Iterator[str]:
    yield from serve_test_provider()


@pytest.fixture(scope="module")
def shop_url() -> Iterator[str]:
    yield from serve_example_provider(drifted=False)


@pytest.fixture(scope="module")
def drifted_shop_url() -> Iterator[str]:
    yield from serve_example_provider(drifted=True)
