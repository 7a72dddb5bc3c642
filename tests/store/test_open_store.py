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
def test_sqlite_paths_relative_to_cwd(
    url: str, relative_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
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


def _open_and_write(path: str, start_at: float, index: int) -> str:
    import time as _time

    _time.sleep(max(0.0, start_at - _time.time()))
    try:
        store = SqliteStore(path)
        store.kv_set(f"worker-{index}", "up", 60)
        store.close()
        return "ok"
    except Exception as exc:  # reported to the test, which shows it
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.slow
def test_many_workers_opening_a_fresh_sqlite_file_at_once_all_start(tmp_path: Path) -> None:
    """gunicorn boots its workers together; each creates the schema of the same new file."""
    import multiprocessing
    import time

    context = multiprocessing.get_context("spawn")
    for attempt in range(3):  # three fresh files: the race needs the same instant
        path = str(tmp_path / f"fresh-{attempt}.db")
        start_at = time.time() + 1.5
        with context.Pool(8) as pool:
            results = pool.starmap(_open_and_write, [(path, start_at, i) for i in range(8)])
        assert results == ["ok"] * 8
