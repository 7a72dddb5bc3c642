"""Concurrency control and batches: the sandbox allows 2 jobs in flight per account and so does
the facade (SYMBL_MAX_CONCURRENT_JOBS=2); real HTTP on both sides."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client import REGISTRY

from connector.api.batches import CSV_COLUMNS
from connector.app import describe
from connector.config import Settings
from connector.sandbox import SandboxConfig, create_sandbox_app
from tests.conftest import OTHER_KEY, Api, Sandbox, eventually
from tests.servers import serve

pytestmark = pytest.mark.slow

LIMIT = 2


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A sandbox of this test alone (its max_jobs_in_flight starts at zero), limited to 2 jobs."""
    with serve(create_sandbox_app(SandboxConfig(job_seconds=0.3, max_concurrent_jobs=LIMIT))) as url:
        yield Sandbox(url)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"max_concurrent_jobs": LIMIT, "poll_min_seconds": 0.1, "poll_max_seconds": 0.3})


def items(n: int, prefix: str = "rec") -> list[dict[str, Any]]:
    return [
        {
            "transcript": f"Alice: Hello number {i}. Bob: Let's send the proposal on Friday.",
            "name": f"{prefix} {i}",
            "key": f"{prefix}-{i}",
        }
        for i in range(n)
    ]


def create(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    answer = api.session.post(f"{api.url}/v1/batches", json=body, headers=api.headers(), timeout=60)
    assert answer.status_code == 202, answer.text
    return answer.json()


def progress(api: Api, batch_id: str) -> dict[str, Any]:
    answer = api.get(f"/v1/batches/{batch_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def finished(api: Api, batch_id: str, timeout: float = 90) -> dict[str, Any]:
    return eventually(lambda: (p := progress(api, batch_id))["status"] != "running" and p, timeout=timeout, step=0.2)


def submits(sandbox: Sandbox) -> int:
    return sandbox.stats()["requests"].get("POST /v1/process/text", 0)


def test_batch_of_50_never_exceeds_the_limit_and_all_finish(api: Api, sandbox: Sandbox):
    started = create(api, {"items": items(50), "options": {"include": ["topics", "action_items"]}})
    assert started["total"] == 50 and started["status"] == "running"
    assert started["counts"]["queued"] + started["counts"]["scheduled"] + started["counts"]["in_progress"] == 50
    done = finished(api, started["batch_id"])
    assert done["status"] == "completed"
    assert done["counts"]["completed"] == 50, done["counts"]
    stats = sandbox.stats()
    assert stats["max_jobs_in_flight"] <= LIMIT
    assert stats["max_jobs_in_flight"] == LIMIT  # the slots were used
    assert submits(sandbox) == 50  # no 429 and no duplicate
    item = done["items"][7]
    assert item["name"] == "rec 7" and item["key"] == "rec-7" and item["status"] == "completed"
    assert len(item["conversation_id"]) == 16 and not item["job_id"].startswith("queued-")

    # the CSV: one row per item, the scalar flat fields as columns
    answer = api.get(f"/v1/batches/{started['batch_id']}/insights", headers={"Accept": "text/csv"})
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == CSV_COLUMNS
    assert rows[0][:4] == ["conversation_id", "job_id", "status", "name"]
    assert "action_items" not in rows[0] and "links" not in rows[0] and "crm_note" in rows[0]
    assert len(rows) == 51
    table = [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]
    assert sorted(int(r["item"]) for r in table) == list(range(50))
    assert {r["status"] for r in table} == {"completed"}
    assert table[0]["key"] == "rec-0" and table[0]["name"] == "rec 0"
    assert {r["has_action_items"] for r in table} <= {"true", "false"}

    # JSON lines by default
    lines = api.get(f"/v1/batches/{started['batch_id']}/insights").text.splitlines()
    assert len(lines) == 50 and json.loads(lines[3])["key"] == "rec-3"

    # a re-run with the same keys submits nothing and points to the earlier conversations
    again = create(api, {"items": items(50)})
    rerun = progress(api, again["batch_id"])
    assert rerun["status"] == "completed" and rerun["counts"]["completed"] == 50
    assert all(i["reused"] for i in rerun["items"])
    assert rerun["items"][7]["conversation_id"] == item["conversation_id"]
    assert submits(sandbox) == 50


def test_a_concurrency_429_requeues(api: Api, sandbox: Sandbox, app):
    dispatcher = describe(app).dispatcher
    dispatcher.send_deadline = 0.8  # so the client's own 429 retries give up quickly
    sandbox.faults({"method": "POST", "path": "/v1/process/*", "status": 429, "times": 12})
    requeued_before = REGISTRY.get_sample_value("connector_queue_requeued_total") or 0.0
    started = create(api, {"items": items(6, "r429")})
    done = finished(api, started["batch_id"])
    assert done["counts"]["completed"] == 6
    assert (REGISTRY.get_sample_value("connector_queue_requeued_total") or 0.0) > requeued_before
    assert sandbox.stats()["max_jobs_in_flight"] <= LIMIT


def test_single_submits_queue_when_the_slots_are_full(api: Api, sandbox: Sandbox):
    sandbox.configure(job_seconds=1.5)
    answers = [api.submit({"transcript": f"Alice: call {i}.", "wait": 0, "name": f"single {i}"}) for i in range(4)]
    assert [a.status_code for a in answers] == [202] * 4
    bodies = [a.json() for a in answers]
    queued = [b for b in bodies if b["status"] == "queued"]
    assert len(queued) == 2, bodies
    assert all(b["job_id"].startswith("queued-") and b["conversation_id"] == "" for b in queued)
    # the queued ID keeps working: the long-poll follows it to Symbl's job
    job = api.job(queued[-1]["job_id"], wait=20).json()
    assert job["status"] == "completed" and not job["job_id"].startswith("queued-")
    assert len(job["conversation_id"]) == 16
    assert api.job(queued[-1]["job_id"]).json()["job_id"] == job["job_id"]
    assert sandbox.stats()["max_jobs_in_flight"] <= LIMIT
    # submit-and-wait through the queue answers the insights
    sandbox.configure(job_seconds=0.3)
    waited = api.submit({"transcript": "Alice: we will ship on Monday.", "wait": 30})
    assert waited.status_code == 200 and waited.json()["status"] == "completed"


def test_single_submits_are_not_starved_by_a_backfill(api: Api, sandbox: Sandbox):
    create(api, {"items": items(30, "big")})
    answer = api.submit({"transcript": "Alice: the Zap one.", "wait": 20})
    assert answer.status_code == 200, answer.text
    # far fewer than the 30 backfill items went first: the lanes alternate
    assert submits(sandbox) < 12


def test_cancel_stops_what_has_not_started(api: Api, sandbox: Sandbox):
    sandbox.configure(job_seconds=2.0)
    started = create(api, {"items": items(8, "cancel")})
    eventually(
        lambda: (
            progress(api, started["batch_id"])["counts"]["scheduled"]
            + progress(api, started["batch_id"])["counts"]["in_progress"]
            > 0
        ),
        timeout=10,
    )
    answer = api.session.delete(f"{api.url}/v1/batches/{started['batch_id']}", headers=api.headers(), timeout=30)
    assert answer.status_code == 200
    assert answer.json()["counts"]["cancelled"] >= 4
    done = finished(api, started["batch_id"], timeout=30)
    assert done["status"] == "cancelled"
    assert done["counts"]["cancelled"] + done["counts"]["completed"] == 8
    assert submits(sandbox) == done["counts"]["completed"]
    cancelled = next(i for i in done["items"] if i["status"] == "cancelled")
    assert cancelled["error"]["code"] == "cancelled"
    # a re-run processes the cancelled keys, and only those
    again = finished(api, create(api, {"items": items(8, "cancel")})["batch_id"], timeout=60)
    assert again["counts"]["completed"] == 8
    assert sum(not i["reused"] for i in again["items"]) == done["counts"]["cancelled"]


def test_batches_are_private_and_validated(api: Api, facade_url: str):
    started = create(api, {"items": items(1, "private")})
    other = Api(facade_url, OTHER_KEY)
    assert other.get(f"/v1/batches/{started['batch_id']}").status_code == 404
    assert api.get("/v1/batches/batch-nope").json()["error"]["code"] == "batch_not_found"
    bad = api.session.post(
        f"{api.url}/v1/batches",
        json={"items": [{"name": "no input"}, {"url": "ftp://x"}]},
        headers=api.headers(),
        timeout=30,
    )
    assert bad.status_code == 400
    fields = [d["field"] for d in bad.json()["error"]["details"]]
    assert fields[0] == "items[0]" and fields[1].startswith("items[1]")
    assert (
        api.session.post(f"{api.url}/v1/batches", json={"items": []}, headers=api.headers(), timeout=30).status_code
        == 400
    )


def test_a_file_upload_waits_briefly_then_gets_symbl_busy(api: Api, sandbox: Sandbox, monkeypatch):
    import connector.jobs.submit as submit_module

    monkeypatch.setattr(submit_module, "UPLOAD_SLOT_WAIT", 0.3)
    sandbox.configure(job_seconds=5.0)
    for i in range(LIMIT):
        assert api.submit({"transcript": f"Alice: long call {i}.", "wait": 0}).status_code == 202
    answer = api.session.post(
        f"{api.url}/v1/conversations",
        data=b"RIFF....WAVEfmt " + b"\0" * 2000,
        headers={**api.headers(), "Content-Type": "audio/wav"},
        timeout=30,
    )
    assert answer.status_code == 503, answer.text  # one code, one status: symbl_busy is always 503
    assert answer.json()["error"]["code"] == "symbl_busy"
    assert answer.headers["Retry-After"] == "10"
    assert submits(sandbox) == LIMIT


def test_saved_tracker_names_apply_to_every_item(api: Api, sandbox: Sandbox):
    saved = api.session.post(
        f"{api.url}/v1/trackers",
        json={"name": "Backfill Pricing", "vocabulary": ["discount"]},
        headers=api.headers(),
        timeout=30,
    )
    assert saved.status_code == 201, saved.text
    body = {
        "items": [{"transcript": f"Alice: Can we get a discount on call {i}?", "key": f"trk-{i}"} for i in range(3)],
        "options": {"tracker_names": ["Backfill Pricing"]},
    }
    started = create(api, body)
    done = finished(api, started["batch_id"])
    assert done["counts"]["completed"] == 3
    lines = [json.loads(line) for line in api.get(f"/v1/batches/{started['batch_id']}/insights").text.splitlines()]
    assert [line["tracker_names"] for line in lines] == ["Backfill Pricing"] * 3
    unknown = api.session.post(
        f"{api.url}/v1/batches",
        json={**body, "options": {"tracker_names": ["Nope"]}},
        headers=api.headers(),
        timeout=30,
    )
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "invalid_request"
