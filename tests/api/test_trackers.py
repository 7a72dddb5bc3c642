"""Saved trackers over real HTTP: CRUD, sync, validation, Symbl's errors, serialised management
calls under concurrency, and saved trackers applied to a submitted conversation."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.conftest import Api, Sandbox

COMPETITOR = {"name": "Competitor", "vocabulary": ["Acme", "Globex"]}
PRICING = {"name": "Pricing objection", "vocabulary": ["too expensive", "discount"]}
CALL = (
    "Alice: Thanks for joining. We also talked to Acme last week.\n"
    "Bob: Honestly the enterprise plan is too expensive for us.\n"
    "Alice: I can send a proposal by Friday."
)


class Trackers:
    """The tracker endpoints, one method per user action."""

    def __init__(self, api: Api) -> None:
        self.api = api

    def call(self, method: str, path: str = "", **kwargs: Any) -> requests.Response:
        return self.api.session.request(
            method, f"{self.api.url}/v1/trackers{path}", headers=self.api.headers(), timeout=60, **kwargs
        )

    def create(self, body: Any) -> requests.Response:
        return self.call("POST", json=body)

    def list(self, **params: str) -> list[dict[str, Any]]:
        response = self.call("GET", params=params)
        assert response.status_code == 200, response.text
        return response.json()["trackers"]

    def sync(self, trackers: list[dict[str, Any]], **options: Any) -> requests.Response:
        return self.call("PUT", json={"trackers": trackers, **options})


@pytest.fixture
def trackers(api: Api, sandbox: Sandbox) -> Iterator[Trackers]:
    """The caller's tracker API; every saved tracker is deleted afterwards (the sandbox is shared)."""
    helper = Trackers(api)
    yield helper
    sandbox.configure(management_latency_seconds=0.05)
    assert helper.sync([], delete_missing=True).status_code == 200


@pytest.mark.slow
def test_crud(trackers: Trackers) -> None:
    created = trackers.create(COMPETITOR)
    assert created.status_code == 201, created.text
    tracker = created.json()
    assert tracker["name"] == "Competitor" and tracker["vocabulary"] == ["Acme", "Globex"] and tracker["id"]
    assert trackers.call("GET", f"/{tracker['id']}").json() == tracker
    assert trackers.list() == [tracker]
    assert trackers.list(name="Competitor") == [tracker]
    assert trackers.list(name="competitor") == []
    updated = trackers.call("PUT", f"/{tracker['id']}", json={"name": "Competitors", "vocabulary": ["Acme", "Initech"]})
    assert updated.status_code == 200, updated.text
    assert updated.json() == {"id": tracker["id"], "name": "Competitors", "vocabulary": ["Acme", "Initech"]}
    deleted = trackers.call("DELETE", f"/{tracker['id']}")
    assert deleted.status_code == 200 and deleted.json() == {"id": tracker["id"], "deleted": True}
    for method in ("GET", "DELETE"):
        missing = trackers.call(method, f"/{tracker['id']}")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "tracker_not_found"
    assert trackers.call("PUT", "/1234", json=COMPETITOR).json()["error"]["code"] == "tracker_not_found"


def test_create_a_list_and_name_conflicts(trackers: Trackers) -> None:
    created = trackers.create([COMPETITOR, PRICING])
    assert created.status_code == 201, created.text
    assert [t["name"] for t in created.json()["trackers"]] == ["Competitor", "Pricing objection"]
    again = trackers.create(COMPETITOR)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "tracker_exists" and "'Competitor'" in again.json()["error"]["message"]
    pricing = next(t for t in trackers.list() if t["name"] == "Pricing objection")
    rename = trackers.call("PUT", f"/{pricing['id']}", json={"name": "Competitor", "vocabulary": ["x"]})
    assert rename.status_code == 409 and rename.json()["error"]["code"] == "tracker_exists"
    assert trackers.create({"name": "competitor", "vocabulary": ["Acme"]}).status_code == 201  # case-sensitive


@pytest.mark.slow
def test_sync_is_declarative_and_idempotent(trackers: Trackers) -> None:
    trackers.create([{"name": "Competitor", "vocabulary": ["Acme"]}, {"name": "Stale", "vocabulary": ["fax"]}])
    desired = [COMPETITOR, PRICING, {"name": "Cancellation risk", "vocabulary": ["cancel", "churn"]}]
    preview = trackers.sync(desired, delete_missing=True, dry_run=True).json()
    assert preview["summary"] == "2 created, 1 updated, 1 deleted, 0 unchanged" and preview["dry_run"]
    assert preview["created"][0]["id"] is None
    assert {t["name"] for t in trackers.list()} == {"Competitor", "Stale"}  # a dry run changes nothing

    first = trackers.sync(desired, delete_missing=True)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["changed"] is True and body["summary"] == "2 created, 1 updated, 1 deleted, 0 unchanged"
    assert [t["name"] for t in body["created"]] == ["Pricing objection", "Cancellation risk"]
    assert body["updated"][0]["vocabulary"] == ["Acme", "Globex"] and body["deleted"][0]["name"] == "Stale"
    saved = {t["name"]: t["vocabulary"] for t in trackers.list()}
    assert saved == {t["name"]: t["vocabulary"] for t in desired}

    second = trackers.sync(list(reversed(desired)), delete_missing=True).json()
    assert second["changed"] is False and second["summary"] == "0 created, 0 updated, 0 deleted, 3 unchanged"
    # without delete_missing, trackers not named are kept
    assert trackers.sync([COMPETITOR]).json()["summary"] == "0 created, 0 updated, 0 deleted, 1 unchanged"
    assert len(trackers.list()) == 3


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"name": "X", "vocabulary": ["price?"]}, 400, "invalid_tracker", "vocabulary"),
        ({"name": "X", "vocabulary": ["Acme, Inc"]}, 400, "invalid_tracker", "vocabulary"),
        ({"name": "X", "vocabulary": ["Acme", "acme"]}, 400, "invalid_tracker", "vocabulary"),
        ({"name": "X", "vocabulary": ["ok", " "]}, 400, "invalid_tracker", "vocabulary"),
        ({"name": "X", "vocabulary": []}, 400, "invalid_tracker", "vocabulary"),
        ({"name": "X", "vocabulary": ["x" * 201]}, 400, "invalid_tracker", "vocabulary"),
        ({"name": "X", "vocabulary": [f"phrase {i}" for i in range(501)]}, 400, "invalid_tracker", "vocabulary"),
        ({"name": " ", "vocabulary": ["a"]}, 400, "invalid_tracker", "name"),
        ({"name": "N" * 101, "vocabulary": ["a"]}, 400, "invalid_tracker", "name"),
        ({"vocabulary": ["a"]}, 400, "invalid_tracker", "name"),
        ({"name": "X", "vocabulary": ["a"], "colour": "red"}, 400, "invalid_tracker", "colour"),
        ([COMPETITOR, COMPETITOR], 400, "invalid_tracker", "trackers[1].name"),
        ([COMPETITOR, {"name": "Y", "vocabulary": ["a!"]}], 400, "invalid_tracker", "trackers[1].vocabulary"),
        ([], 400, "invalid_tracker", "body"),
        ("Competitor", 400, "invalid_json", None),
    ],
)
def test_bad_trackers_are_refused_before_symbl(
    trackers: Trackers, sandbox: Sandbox, body: Any, status: int, code: str, field: str | None
) -> None:
    before = sandbox.stats()["requests"].get("POST /v1/manage/trackers", 0)
    response = trackers.create(body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    if field is not None:
        assert error["details"][0]["field"] == field
    assert sandbox.stats()["requests"].get("POST /v1/manage/trackers", 0) == before


def test_bad_sync_and_update_bodies(trackers: Trackers) -> None:
    bad = trackers.sync([COMPETITOR, {"name": "X", "vocabulary": ["a", "a"]}])
    assert bad.status_code == 400 and bad.json()["error"]["details"][0]["field"] == "trackers[1].vocabulary"
    assert trackers.sync([COMPETITOR, COMPETITOR]).json()["error"]["code"] == "invalid_tracker"
    assert trackers.call("PUT", json={"trackers": [], "delete": True}).json()["error"]["code"] == "invalid_tracker"
    assert trackers.call("PUT", "/123", json={"name": "X", "vocabulary": ["what?"]}).status_code == 400
    huge = trackers.create({"name": "Huge", "vocabulary": ["y" * 200] * 1500})  # over CONNECTOR_MAX_BODY_BYTES
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "payload_too_large"


@pytest.mark.slow
def test_symbl_413_and_outages_are_mapped(trackers: Trackers, sandbox: Sandbox) -> None:
    sandbox.faults({"method": "POST", "path": "/v1/manage/trackers", "status": 413, "times": 1})
    too_large = trackers.create([COMPETITOR])
    assert too_large.status_code == 413 and too_large.json()["error"]["code"] == "payload_too_large"
    assert "1 MB" in too_large.json()["error"]["message"]
    sandbox.faults({"method": "GET", "path": "/v1/manage/trackers", "status": 502, "times": None})
    down = trackers.call("GET")
    sandbox.clear_faults()
    assert down.status_code == 503 and down.json()["error"]["code"] == "symbl_unavailable"


def test_allowed_punctuation(trackers: Trackers) -> None:
    created = trackers.create({"name": "Next steps", "vocabulary": ["follow-up", "Dr. Smith's", "  next   steps "]})
    assert created.status_code == 201, created.text
    assert created.json()["vocabulary"] == ["follow-up", "Dr. Smith's", "next steps"]


@pytest.mark.slow
def test_concurrent_calls_are_serialised(trackers: Trackers, sandbox: Sandbox) -> None:
    sandbox.configure(management_latency_seconds=0.1)  # every Symbl management call holds the account 0.1 s
    before = sandbox.stats()["requests"]
    answers: list[int] = []

    def work(i: int) -> None:
        if i % 2:
            answers.append(trackers.create({"name": f"Tracker {i}", "vocabulary": [f"phrase {i}"]}).status_code)
        else:
            answers.append(trackers.sync([{"name": f"Tracker {i}", "vocabulary": [f"word {i}"]}]).status_code)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200] * 5 + [201] * 5
    assert len(trackers.list()) == 10
    after = sandbox.stats()["requests"]
    sent = sum(after.get(k, 0) - before.get(k, 0) for k in after if "/v1/manage/" in k)
    assert sent == 5 + 5 * 2 + 1  # creates, syncs (list + create), the list above: no 429 was retried


@pytest.mark.slow
def test_symbl_429_on_management_is_retried(trackers: Trackers, sandbox: Sandbox) -> None:
    sandbox.faults({"method": "GET", "path": "/v1/manage/trackers", "status": 429, "times": 2})
    assert trackers.list() == []


@pytest.mark.slow
def test_saved_trackers_in_a_conversation(trackers: Trackers, api: Api) -> None:
    assert trackers.create([COMPETITOR, PRICING]).status_code == 201
    every = api.submit({"transcript": CALL, "enable_all_trackers": True, "wait": 30})
    assert every.status_code == 200, every.text
    flat = every.json()
    assert set(flat["tracker_names"].split(", ")) == {"Competitor", "Pricing objection"}
    assert {t["name"] for t in flat["trackers"]} == {"Competitor", "Pricing objection"}
    assert "Acme" in flat["trackers_text"]

    named = api.submit({"transcript": CALL, "tracker_names": ["Competitor"], "wait": 30})
    assert named.status_code == 200, named.text
    assert named.json()["tracker_names"] == "Competitor"
    assert named.json()["trackers"][0]["count"] >= 1

    unknown = api.submit({"transcript": CALL, "tracker_names": "Competitor,Nope", "wait": 0})
    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == "invalid_request" and "'Nope'" in unknown.json()["error"]["message"]
    assert unknown.json()["error"]["details"] == [{"field": "tracker_names", "message": "unknown tracker 'Nope'"}]


def test_trackers_need_the_api_key(facade_url: str) -> None:
    response = requests.get(f"{facade_url}/v1/trackers", timeout=10)
    assert response.status_code == 401


def test_openapi_documents_the_tracker_endpoints(api: Api) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    assert {"get", "post", "put"} <= set(paths["/v1/trackers"])
    assert {"get", "put", "delete"} <= set(paths["/v1/trackers/{tracker_id}"])
