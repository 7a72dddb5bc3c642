"""Choosing and locating the backend from CONNECTOR_STORE_URL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from connector.store import open_store
from connector.store.sqlite import SqliteStore


@pytest.mark.parametrize(
    ("url", "relative_path"),
    [
        ("sqlite://", "data/connector.db"),
        ("sqlite:///", "data/connector.db"),
        ("sqlite:///relative.db", "relative.db"),
        ("sqlite:///nested/dir/file.db", "nested/dir/file.db"),
        ("SQLITE:///upper.db", "upper.db"),
    ],
)
def test_sqlite_paths_relative_to_cwd(url: str, relative_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store(url)
    try:
        assert isinstance(store, SqliteStore)
        assert store.path == str(tmp_path / relative_path)
        assert os.path.exists(store.path)  # parent directories are created
    finally:
        store.close()


def test_sqlite_absolute_path(tmp_path: Path) -> None:
    target = tmp_path / "abs" / "file.db"
    store = open_store(f"sqlite:///{target}")
    try:
        assert store.path == str(target)  # type: ignore[attr-defined]
    finally:
        store.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgres://localhost/db", "Unsupported store URL scheme"),
        ("memcached://localhost", "Unsupported store URL scheme"),
        ("", "Unsupported store URL scheme"),
        ("/just/a/path.db", "Unsupported store URL scheme"),
        ("sqlite://host/file.db", "Malformed SQLite URL"),
        ("sqlite:///:memory:", "in-memory"),
    ],
)
def test_bad_urls_are_refused_clearly(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        open_store(url)
