"""The sandbox keeps its account state in a file (``state_file``): a second sandbox started on the
same file answers every read exactly as the first did, over real HTTP."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from connector.sandbox import SandboxConfig, create_sandbox_app
from connector.sandbox.persistence import SavedState, StateFile, restore, snapshot
from tests.conftest import eventually
from tests.receiver import receiver
from tests.sandbox.conftest import Symbl, text_body
from tests.servers import serve
from tests.store.conftest import free_port

PARTS = (
    "messages",
    "topics",
    "questions",
    "action-items",
    "follow-ups",
    "entities",
    "trackers-detected",
    "analytics",
    "members",
    "summary",
)


@contextmanager
def sandbox(state_file: Path, job_seconds: float = 0.2) -> Iterator[tuple[Symbl, object]]:
    """A real sandbox server keeping its state in ``state_file``; yields a client and the app."""
    app = create_sandbox_app(SandboxConfig(job_seconds=job_seconds, state_file=str(state_file)))
    with serve(app) as url:
        yield Symbl(url), app


def reads(symbl: Symbl, conversation_id: str) -> dict[str, object]:
    """Everything a client can read about one conversation and the account."""
    seen: dict[str, object] = {}
    for path in ["", *(f"/{p}" for p in PARTS)]:
        response = symbl.get(f"/v1/conversations/{conversation_id}{path}")
        seen[path] = (response.status_code, response.json())
    listed = symbl.get("/v1/conversations").json()
    seen["list"] = sorted(c["id"] for c in listed["conversations"])
    seen["trackers"] = symbl.get("/v1/manage/trackers").json()
    return seen


@pytest.mark.slow
def test_a_sandbox_on_the_same_file_answers_as_the_first_did(tmp_path: Path):
    kept = tmp_path / "data" / "sandbox-state.json"
    body = text_body(
        detectEntities=True,
        enableSummary=True,
        enableAllTrackers=True,
        trackers=[{"name": "Competitors", "vocabulary": ["Gong"]}],
    )
    with sandbox(kept) as (symbl, _):
        assert (
            symbl.request(
                "POST", "/v1/manage/tracker", json={"name": "Budget", "vocabulary": ["budget", "per year"]}
            ).status_code
            == 201
        )
        conversation_id = symbl.processed(body)
        appended = symbl.submit_text(
            text_body([("Carol", "carol@acme.com", "I will send the contract today.")]), conversation_id
        )
        assert symbl.wait(appended.json()["jobId"]) == "completed"
        assert (
            symbl.request("PUT", f"/v1/conversations/{conversation_id}", json={"metadata": {"deal": "42"}}).status_code
            == 200
        )
        members = symbl.get(f"/v1/conversations/{conversation_id}/members").json()["members"]
        assert (
            symbl.request(
                "PUT",
                f"/v1/conversations/{conversation_id}/members/{members[0]['id']}",
                json={"id": members[0]["id"], "name": "Alice Renamed", "email": "alice@acme.com"},
            ).status_code
            == 200
        )
        page = symbl.request(
            "POST", f"/v1/conversations/{conversation_id}/experiences", json={"name": "verbose-text-summary"}
        ).json()["url"]
        gone = symbl.processed()
        assert symbl.request("DELETE", f"/v1/conversations/{gone}").status_code == 200
        before = reads(symbl, conversation_id)
        old_token = symbl.token
        job_ids = [appended.json()["jobId"]]
        page_html = requests.get(page.replace("#/", ""), timeout=10).text

    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert [p.name for p in kept.parent.iterdir()] == ["sandbox-state.json"]  # no temporary file left

    with sandbox(kept) as (symbl, _):
        fresh = Symbl(symbl.url)
        forgotten = fresh.session.get(
            f"{symbl.url}/v1/conversations/{conversation_id}",
            headers={"Authorization": f"Bearer {old_token}"},
            timeout=10,
        )
        assert forgotten.status_code == 401  # tokens are not kept: clients generate a new one
        after = reads(fresh, conversation_id)
        assert after == before
        assert before["/messages"][0] == 200 and before["/summary"][0] == 200  # type: ignore[index]
        assert fresh.job_status(job_ids[0]) == "completed"
        assert fresh.get(f"/v1/conversations/{gone}").status_code == 404
        assert (
            requests.get(page.replace("#/", "").replace(page.split("/meeting")[0], symbl.url), timeout=10).text
            == page_html
        )


@pytest.mark.slow
def test_a_job_running_when_the_sandbox_stops_completes_after_the_restart(tmp_path: Path):
    kept = tmp_path / "sandbox-state.json"
    with sandbox(kept, job_seconds=1.5) as (symbl, _):
        submitted = symbl.submit_text().json()
        assert symbl.job_status(submitted["jobId"]) in ("scheduled", "in_progress")
    with sandbox(kept, job_seconds=1.5) as (symbl, _):
        assert symbl.wait(submitted["jobId"]) == "completed"
        messages = symbl.get(f"/v1/conversations/{submitted['conversationId']}/messages").json()["messages"]
        assert messages[0]["text"].startswith("Hi Bob")


def test_reset_and_admin_endings_are_kept(tmp_path: Path):
    kept = tmp_path / "sandbox-state.json"
    with sandbox(kept, job_seconds=60) as (symbl, _):
        first = symbl.submit_text().json()
        assert symbl.control("POST", f"/jobs/{first['jobId']}/fail").status_code == 200
    with sandbox(kept, job_seconds=60) as (symbl, _):
        assert symbl.job_status(first["jobId"]) == "failed"
        assert symbl.control("POST", "/reset").status_code == 200
    with sandbox(kept) as (symbl, _):
        assert symbl.get(f"/v1/job/{first['jobId']}").status_code == 404
        assert symbl.get("/v1/conversations").json()["conversations"] == []


def test_without_a_state_file_nothing_is_written(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = create_sandbox_app(SandboxConfig(job_seconds=0.1))
    with serve(app) as url:
        Symbl(url).processed()
    assert "sandbox_state_file" not in app.extensions
    assert list(tmp_path.iterdir()) == []


def test_an_unreadable_file_is_moved_aside_and_the_sandbox_starts_empty(tmp_path: Path, capsys):
    kept = tmp_path / "sandbox-state.json"
    kept.write_text('{"format": 1, "jobs": [{"id": 3}]}')
    with sandbox(kept) as (symbl, _):
        assert symbl.get("/v1/conversations").json()["conversations"] == []
        symbl.processed()
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("sandbox-state.json.unreadable-")]
    assert len(aside) == 1 and aside[0].read_text().startswith('{"format": 1')
    assert "unreadable" in capsys.readouterr().err
    assert len(json.loads(kept.read_text())["conversations"]) == 1


def test_snapshot_and_restore_round_trip(tmp_path: Path):
    """Unit level: a state restored from a snapshot's JSON snapshots to the same JSON."""
    with sandbox(tmp_path / "a.json") as (symbl, app):
        symbl.processed(text_body(enableAllTrackers=True, webhookUrl="http://127.0.0.1:9/hook"))
        symbl.submit_text(text_body())
        state = app.extensions["sandbox"]  # type: ignore[attr-defined]
        saved = snapshot(state).model_dump_json()
    other = create_sandbox_app(SandboxConfig()).extensions["sandbox"]
    restore(other, SavedState.model_validate_json(saved))
    assert snapshot(other).model_dump_json() == saved
    conversation = next(iter(other.conversations.values()))
    assert conversation.jobs[0] is other.jobs.jobs[conversation.jobs[0].id]  # shared, not copied
    StateFile(other, tmp_path / "b.json").save()
    assert json.loads((tmp_path / "b.json").read_text()) == json.loads(saved)


@contextmanager
def sandbox_process(state_file: Path, job_seconds: float) -> Iterator[Symbl]:
    """`connector sandbox --state FILE` as a process; stopped with SIGTERM at the end."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")},
        "SANDBOX_JOB_SECONDS": str(job_seconds),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "connector.cli", "sandbox", "--port", str(port), "--quiet", "--state", str(state_file)],
        env=env,
    )
    try:
        symbl = Symbl(f"http://127.0.0.1:{port}")
        eventually(lambda: _answers(symbl), timeout=30, step=0.1)
        yield symbl
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0


def _answers(symbl: Symbl) -> bool:
    try:
        return symbl.control("GET", "/stats").status_code == 200
    except requests.RequestException:
        return False


@pytest.mark.slow
def test_sigterm_keeps_webhook_progress_so_no_status_is_posted_twice(tmp_path: Path):
    kept = tmp_path / "sandbox-state.json"
    with receiver() as got:
        with sandbox_process(kept, job_seconds=4) as symbl:
            job_id = symbl.submit_text(text_body(webhookUrl=got.url)).json()["jobId"]
            eventually(lambda: len(got.bodies) >= 1, timeout=30, step=0.05)  # "scheduled" was POSTed
        assert json.loads(kept.read_text())["jobs"][0]["notified"] >= 1  # saved at SIGTERM, after the submit
        with sandbox_process(kept, job_seconds=4) as symbl:
            assert symbl.wait(job_id, timeout=30) == "completed"
            eventually(lambda: json.loads(got.bodies[-1])["status"] == "completed", timeout=30, step=0.05)
    statuses = [json.loads(body)["status"] for body in got.bodies]
    assert statuses[0] == "scheduled" and statuses[-1] == "completed"
    assert len(statuses) == len(set(statuses)), statuses  # nothing POSTed again after the restart


def test_concurrent_submits_are_all_kept(tmp_path: Path):
    """Writes of concurrent requests are shared (group commit); every acknowledged submit is in the file."""
    kept = tmp_path / "sandbox-state.json"
    with sandbox(kept) as (symbl, _), ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: Symbl(symbl.url).submit_text(), range(24)))
        assert all(a.status_code == 201 for a in answers)
        saved = json.loads(kept.read_text())  # read while the sandbox still runs: no shutdown save needed
    assert sorted(c["id"] for c in saved["conversations"]) == sorted(a.json()["conversationId"] for a in answers)
