"""The facade fixtures of tests/conftest.py, with the Call Score lag restored after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Sandbox
from tests.conftest import sandbox as _sandbox  # noqa: F401 - the root fixture, wrapped below


@pytest.fixture
def sandbox(_sandbox: Sandbox) -> Iterator[Sandbox]:  # noqa: F811
    yield _sandbox
    _sandbox.configure(callscore_lag_seconds=2.0)
