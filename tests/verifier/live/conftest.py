"""The example provider and its drifted twin, each a real uvicorn process shared by the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.examples.servers import example_provider


@pytest.fixture(scope="session")
def provider_url() -> Iterator[str]:
    with example_provider() as url:
        yield url


@pytest.fixture(scope="session")
def drifted_url() -> Iterator[str]:
    with example_provider(drift=True) as url:
        yield url
