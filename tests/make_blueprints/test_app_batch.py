"""The custom app's Process a Batch module against the sandbox facade, as Make would run it."""

from __future__ import annotations

import time

import pytest
import requests

from make_blueprints.scripts import check_app
from tests.make_blueprints import app_runner

pytestmark = pytest.mark.slow


def test_process_a_batch_module_is_listed():
    modules = check_app.manifest()["components"]["module"]
    assert modules["processBatch"]["moduleType"] == "action"
    api = check_app.read_json(modules["processBatch"]["codeFiles"]["communication"])
    assert (api["method"], api["url"]) == ("POST", "/v1/batches")


def test_process_a_batch_then_every_item_completes(facade):
    conn = app_runner.Connection(url=facade.url, apiKey=facade.api_key)
    items = [
        {
            "transcript": f"Alice: Make call {i}. Bob: I will send the quote.",
            "name": f"Make {i}",
            "key": f"make-batch-{time.time_ns()}-{i}",
            "url": "",
        }
        for i in range(3)
    ]
    out, made = app_runner.run(
        "module", "processBatch", {"batch_items": items, "include": ["summary"], "language": ""}, conn
    )
    assert made == ["POST /v1/batches"]
    assert out["batch_id"].startswith("batch-") and out["total"] == 3 and out["status"] == "running"
    headers = {"Authorization": f"Bearer {facade.api_key}"}
    deadline = time.monotonic() + 60
    while True:
        got = requests.get(out["links"]["batch"], headers=headers, timeout=30).json()
        if got["status"] != "running" or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert got["counts"]["completed"] == 3, got
