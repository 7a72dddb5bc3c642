"""The facade fixtures (a real sandbox and a real facade on loopback ports), with the Call Score lag
restored after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.facade.conftest import (  # noqa: F401 - fixtures
    Sandbox,
    api,
    app,
    client,
    facade_url,
    sandbox_server,
    settings,
)
from tests.facade.conftest import sandbox as _sandbox  # noqa: F401


@pytest.fixture
def sandbox(_sandbox: Sandbox) -> Iterator[Sandbox]:  # noqa: F811
    yield _sandbox
    _sandbox.configure(callscore_lag_seconds=2.0)
