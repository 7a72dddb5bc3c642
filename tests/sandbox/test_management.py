"""Symbl's Management API for trackers (docs/symbl-api-notes.md, Management API) in the sandbox."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from connector.sandbox import SandboxConfig
from tests.sandbox.conftest import Symbl, text_body

COMPETITOR = {"name": "Competitor", "vocabulary": ["Gong", "Chorus"]}


@pytest.fixture
def config() -> SandboxConfig:
    return SandboxConfig(job_seconds=0.2, management_latency_seconds=0.0, extra_credentials={"tenant-b": "secret-b"})


def create(symbl: Symbl, spec: dict[str, Any]) -> dict[str, Any]:
    response = symbl.request("POST", "/v1/manage/tracker", json=spec)
    assert response.status_code == 201, response.text
    return response.json()["tracker"]


def test_crud_round_trip(symbl: Symbl) -> None:
    tracker = create(symbl, COMPETITOR)
    assert tracker["name"] == "Competitor" and tracker["vocabulary"] == ["Gong", "Chorus"]
    assert tracker["id"].isdigit() and len(tracker["id"]) == 16
    assert symbl.get(f"/v1/manage/tracker/{tracker['id']}").json() == {"tracker": tracker}
    assert symbl.get("/v1/manage/trackers").json() == {"trackers": [tracker]}
    updated = symbl.request(
        "PUT",
        f"/v1/manage/tracker/{tracker['id']}",
        json={"id": tracker["id"], "name": "Competitors", "vocabulary": ["Gong", "Clari"]},
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["tracker"] == {"id": tracker["id"], "name": "Competitors", "vocabulary": ["Gong", "Clari"]}
    deleted = symbl.request("DELETE", f"/v1/manage/tracker/{tracker['id']}")
    assert deleted.json() == {"id": tracker["id"], "type": "tracker", "deleted": True}
    assert symbl.get(f"/v1/manage/tracker/{tracker['id']}").status_code == 404
    assert symbl.request("DELETE", f"/v1/manage/tracker/{tracker['id']}").status_code == 404
    assert symbl.get("/v1/manage/trackers").json() == {"trackers": []}


def test_bulk_create_and_find_by_name(symbl: Symbl) -> None:
    response = symbl.request(
        "POST", "/v1/manage/trackers", json=[COMPETITOR, {"name": "Pricing", "vocabulary": ["price"]}]
    )
    assert response.status_code == 201
    assert [t["name"] for t in response.json()["trackers"]] == ["Competitor", "Pricing"]
    found = symbl.get("/v1/manage/trackers", params={"name": "Pricing"}).json()["trackers"]
    assert [t["name"] for t in found] == ["Pricing"]
    assert symbl.get("/v1/manage/trackers", params={"name": "pricing"}).json() == {"trackers": []}


def test_duplicate_names_are_409_case_sensitive_and_all_or_nothing(symbl: Symbl) -> None:
    create(symbl, COMPETITOR)
    again = symbl.request("POST", "/v1/manage/tracker", json=COMPETITOR)
    assert again.status_code == 409 and "already exists" in again.json()["message"]
    assert symbl.request("POST", "/v1/manage/tracker", json={**COMPETITOR, "name": "competitor"}).status_code == 201
    batch = [{"name": "New", "vocabulary": ["a"]}, COMPETITOR]
    assert symbl.request("POST", "/v1/manage/trackers", json=batch).status_code == 409
    assert symbl.get("/v1/manage/trackers", params={"name": "New"}).json() == {"trackers": []}
    other = create(symbl, {"name": "Other", "vocabulary": ["x"]})
    rename = symbl.request("PUT", f"/v1/manage/tracker/{other['id']}", json={"name": "Competitor", "vocabulary": ["x"]})
    assert rename.status_code == 409


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"vocabulary": ["a"]}, '"name" is required'),
        ({"name": "", "vocabulary": ["a"]}, '"name" is not allowed to be empty'),
        ({"name": "X"}, '"vocabulary" is required'),
        ({"name": "X", "vocabulary": []}, '"vocabulary" must contain at least 1 items'),
        ({"name": "X", "vocabulary": "a"}, '"vocabulary" must be an array'),
        ({"name": "X", "vocabulary": ["a", 3]}, '"vocabulary[1]" must be a string'),
        ({"name": "X", "vocabulary": ["a", "a"]}, '"vocabulary[1]" contains a duplicate value'),
        ({"name": "X", "vocabulary": ["what price?"]}, '"vocabulary[0]" contains punctuation that is not allowed (?)'),
        ({"name": "X", "vocabulary": ["a, b!"]}, "(! ,)"),
        ({"name": "X", "vocabulary": ["a"], "color": "red"}, '"color" is not allowed'),
    ],
)
def test_validation_errors(symbl: Symbl, body: dict[str, Any], message: str) -> None:
    response = symbl.request("POST", "/v1/manage/tracker", json=body)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_allowed_punctuation(symbl: Symbl) -> None:
    assert create(symbl, {"name": "Steps", "vocabulary": ["follow-up", "Dr. Smith's", "next steps"]})


def test_body_over_one_megabyte_is_413(symbl: Symbl) -> None:
    huge = {"name": "Huge", "vocabulary": [f"phrase {i} " + "x" * 100 for i in range(11_000)]}
    response = symbl.request("POST", "/v1/manage/tracker", json=huge)
    assert response.status_code == 413


def test_unknown_id_and_auth(symbl: Symbl) -> None:
    assert symbl.get("/v1/manage/tracker/123").json() == {
        "message": "The trackerId 123 is either invalid or does not exist."
    }
    assert symbl.request("PUT", "/v1/manage/tracker/123", json=COMPETITOR).status_code == 404
    assert symbl.session.get(f"{symbl.url}/v1/manage/trackers", timeout=5).status_code == 401


def test_trackers_are_per_app(symbl: Symbl, base_url: str) -> None:
    create(symbl, COMPETITOR)
    tenant = Symbl(base_url, "tenant-b", "secret-b")
    assert tenant.get("/v1/manage/trackers").json() == {"trackers": []}
    assert tenant.request("POST", "/v1/manage/tracker", json=COMPETITOR).status_code == 201


@pytest.mark.slow
def test_a_concurrent_call_gets_429(symbl: Symbl, base_url: str, app) -> None:
    symbl.control("POST", "/config", json={"management_latency_seconds": 0.4})
    symbl.token  # noqa: B018 - one token for every thread
    answers: list[int] = []
    threads = [
        threading.Thread(target=lambda: answers.append(symbl.get("/v1/manage/trackers").status_code)) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(answers) == {200, 429} and len(answers) == 4
    # another account is not blocked, and the slot is free again afterwards
    assert symbl.get("/v1/manage/trackers").status_code == 200
    response = Symbl(base_url, "tenant-b", "secret-b").get("/v1/manage/trackers")
    assert response.status_code == 200


def test_busy_body_is_symbl_429(symbl: Symbl) -> None:
    symbl.control("POST", "/config", json={"management_latency_seconds": 0.5})
    symbl.token  # noqa: B018
    holder = threading.Thread(target=lambda: symbl.get("/v1/manage/trackers"))
    holder.start()
    time.sleep(0.15)
    response = symbl.get("/v1/manage/trackers")
    holder.join()
    assert response.status_code == 429
    assert response.json()["statusCode"] == 429 and "1 concurrent call" in response.json()["message"]


def test_enable_all_trackers_uses_saved_trackers(symbl: Symbl) -> None:
    built_in = symbl.processed(text_body(enableAllTrackers=True))
    names = {t["name"] for t in symbl.get(f"/v1/conversations/{built_in}/trackers-detected").json()}
    assert {"Pricing", "Competitor Mention"} <= names  # the built-in set while none are saved
    create(symbl, {"name": "Security", "vocabulary": ["security requirements"]})
    saved = symbl.processed(text_body(enableAllTrackers=True))
    detected = symbl.get(f"/v1/conversations/{saved}/trackers-detected").json()
    assert [t["name"] for t in detected] == ["Security"]
    assert detected[0]["matches"][0]["value"] == "security requirements"
    plain = symbl.processed(text_body())
    assert symbl.get(f"/v1/conversations/{plain}/trackers-detected").json() == []


def test_reset_forgets_saved_trackers(symbl: Symbl) -> None:
    create(symbl, COMPETITOR)
    symbl.control("POST", "/reset")
    symbl._token = None
    assert symbl.get("/v1/manage/trackers").json() == {"trackers": []}
