"""Fault injection and the other /_sandbox control routes."""

from __future__ import annotations

import time

import pytest
import requests

from tests.sandbox.conftest import Symbl


def test_status_faults_use_symbl_bodies_and_run_out(symbl: Symbl) -> None:
    symbl.token  # noqa: B018 - get a token before faulting everything
    rules = [
        {"method": "GET", "path": "/v1/job/*", "status": 500, "times": 2},
        {"method": None, "path": "/v1/process/*", "status": 429, "times": 1},
        {"path": "/v1/conversations/*/topics", "status": 401},
        {"path": "/v1/conversations/*/questions", "status": 502},
        {"path": "/v1/conversations/*/members", "status": 504},
    ]
    assert symbl.control("POST", "/faults", json={"rules": rules}).status_code == 200
    assert [symbl.get("/v1/job/abc").status_code for _ in range(3)] == [500, 500, 404]
    assert symbl.get("/v1/job/abc").json() == {"message": "The jobId abc is either invalid or does not exist."}
    limited = symbl.submit_text()
    assert limited.status_code == 429 and limited.json()["statusCode"] == 429
    assert "Retry-After" not in limited.headers
    assert symbl.submit_text().status_code == 201
    assert symbl.get("/v1/conversations/1/topics").json() == {"message": "Token validation failed for provided token."}
    assert symbl.get("/v1/conversations/1/questions").json() == {"message": "Bad Gateway"}
    assert symbl.get("/v1/conversations/1/members").status_code == 504
    stats = symbl.control("GET", "/stats").json()
    assert stats["faults_applied"] == 6
    assert stats["requests"]["GET /v1/job/<job_id>"] == 4
    assert stats["status_calls"]["abc"] == 4


def test_unlimited_rule_and_clearing(symbl: Symbl) -> None:
    symbl.token  # noqa: B018
    symbl.control("POST", "/faults", json={"rules": [{"path": "/v1/job/*", "status": 503, "times": None}]})
    assert {symbl.get("/v1/job/x").status_code for _ in range(5)} == {503}
    assert symbl.control("DELETE", "/faults").json() == {"rules": []}
    assert symbl.get("/v1/job/x").status_code == 404


def test_delay_then_normal_answer(symbl: Symbl) -> None:
    symbl.token  # noqa: B018
    symbl.control("POST", "/faults", json={"rules": [{"method": "GET", "path": "/v1/job/*", "delay_seconds": 0.3}]})
    started = time.monotonic()
    assert symbl.get("/v1/job/x").status_code == 404
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    symbl.get("/v1/job/x")
    assert time.monotonic() - started < 0.2


def test_delay_with_status(symbl: Symbl) -> None:
    symbl.control("POST", "/faults", json={"rules": [{"path": "/oauth2/*", "delay_seconds": 0.2, "status": 500}]})
    started = time.monotonic()
    assert symbl.generate_token().status_code == 500
    assert time.monotonic() - started >= 0.2
    assert symbl.generate_token().status_code == 200


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_reset_drops_the_connection(symbl: Symbl, method: str) -> None:
    symbl.token  # noqa: B018
    path = "/v1/job/x" if method == "GET" else "/v1/process/text"
    symbl.control("POST", "/faults", json={"rules": [{"method": method, "path": path, "reset": True}]})
    with pytest.raises(requests.ConnectionError):
        symbl.request(method, path, json={"messages": [{"payload": {"content": "x" * 10000}}]})
    assert symbl.request(method, path, json={"messages": [{"payload": {"content": "hi"}}]}).status_code in (201, 404)


@pytest.mark.parametrize(
    "rule",
    [{"status": 99}, {"times": 0}, {"delay_seconds": -1}, "nope"],
)
def test_bad_fault_rules_are_400(symbl: Symbl, rule) -> None:
    assert symbl.control("POST", "/faults", json={"rules": [rule]}).status_code == 400


def test_config_updates_live_and_hides_the_secret(symbl: Symbl) -> None:
    response = symbl.control("POST", "/config", json={"job_seconds": 0.05, "part_latency": {"messages": 0.2}})
    assert response.status_code == 200
    config = response.json()
    assert config["job_seconds"] == 0.05 and config["part_latency"] == {"messages": 0.2}
    assert "app_secret" not in config and "secret-b" not in response.text
    assert symbl.control("POST", "/config", json={"app_secret": "x"}).status_code == 400
    assert symbl.control("POST", "/config", json={"job_seconds": -1}).status_code == 400
    conversation_id = symbl.processed()
    started = time.monotonic()
    symbl.get(f"/v1/conversations/{conversation_id}/messages")
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    symbl.get(f"/v1/conversations/{conversation_id}/topics")
    assert time.monotonic() - started < 0.2


def test_stats_count_tokens_and_jobs_in_flight(symbl: Symbl) -> None:
    symbl.control("POST", "/config", json={"job_seconds": 5})
    for _ in range(3):
        symbl.submit_text()
    stats = symbl.control("GET", "/stats").json()
    assert stats["token_generations"] == 1
    assert stats["jobs_in_flight"] == stats["max_jobs_in_flight"] == 3
    assert stats["requests"]["POST /v1/process/text"] == 3


def test_reset_forgets_everything(symbl: Symbl) -> None:
    conversation_id = symbl.processed()
    symbl.control("POST", "/faults", json={"rules": [{"path": "/nothing", "status": 500}]})
    assert symbl.control("POST", "/reset").status_code == 200
    assert symbl.control("GET", "/faults").json() == {"rules": []}
    assert symbl.control("GET", "/stats").json()["token_generations"] == 0
    assert symbl.get(f"/v1/conversations/{conversation_id}").status_code == 401  # tokens are gone too
    symbl._token = None
    assert symbl.get(f"/v1/conversations/{conversation_id}").status_code == 404
