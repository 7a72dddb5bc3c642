"""Every malformed request gets a 4xx with a stable code and a sentence; never a 500."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import API_KEY

AUTH = {"Authorization": f"Bearer {API_KEY}"}


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "unauthorized"),
        ({"Authorization": "Bearer wrong-key"}, "unauthorized"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "unauthorized"),
        ({"Authorization": "Bearer "}, "unauthorized"),
    ],
)
def test_api_key_is_required(facade_url, headers, code):
    answer = requests.get(f"{facade_url}/v1/me", headers=headers, timeout=10)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == code
    assert answer.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("body", "content_type", "status", "code", "field"),
    [
        (b"{not json", "application/json", 400, "invalid_json", None),
        (b"[1, 2]", "application/json", 400, "invalid_json", None),
        (b'"text"', "application/json", 400, "invalid_json", None),
        (b"{}", "application/json", 400, "invalid_request", "transcript"),
        (b'{"transcript": ""}', "application/json", 400, "invalid_request", "transcript"),
        (b'{"transcript": "   \\n "}', "application/json", 400, "invalid_request", "transcript"),
        (b'{"transcript": 42}', "application/json", 400, "invalid_request", "transcript"),
        (b'{"messages": []}', "application/json", 400, "invalid_request", "messages"),
        (b'{"messages": [{"speaker": "A"}]}', "application/json", 400, "invalid_request", "messages.0.text"),
        (b'{"url": "ftp://example.com/a.mp3"}', "application/json", 400, "invalid_request", "url"),
        (b'{"url": "not a url"}', "application/json", 400, "invalid_request", "url"),
        (b'{"url": "https://example.com/a.mp3", "type": "pdf"}', "application/json", 400, "invalid_request", "type"),
        (b'{"transcript": "A: hi", "wait": -1}', "application/json", 400, "invalid_request", "wait"),
        (b'{"transcript": "A: hi", "wait": "soon"}', "application/json", 400, "invalid_request", "wait"),
        (b'{"transcript": "A: hi", "wait": 100000}', "application/json", 400, "invalid_request", "wait"),
        (b'{"transcript": "A: hi", "include": ["everything"]}', "application/json", 400, "invalid_request", "include"),
        (b'{"transcript": "A: hi", "speaker_count": 0}', "application/json", 400, "invalid_request", "speaker_count"),
        (
            b'{"transcript": "A: hi", "confidence_threshold": 2}',
            "application/json",
            400,
            "invalid_request",
            "confidence_threshold",
        ),
        (
            b'{"transcript": "A: hi", "language": "english please"}',
            "application/json",
            400,
            "invalid_request",
            "language",
        ),
        (
            b'{"transcript": "A: hi", "trackers": [{"name": "x"}]}',
            "application/json",
            400,
            "invalid_request",
            "trackers.0.vocabulary",
        ),
        (b'{"transcript": "A: hi", "surprise": true}', "application/json", 400, "invalid_request", "surprise"),
        (
            b'{"transcript": "A: hi", "url": "https://example.com/a.mp3"}',
            "application/json",
            400,
            "invalid_request",
            None,
        ),
        (
            b'{"transcript": "A: hi", "callback_url": "http://127.0.0.2/hook"}',
            "application/json",
            400,
            "callback_url_not_allowed",
            "callback_url",
        ),
        (
            b'{"transcript": "A: hi", "callback_url": "https://169.254.169.254/latest"}',
            "application/json",
            400,
            "callback_url_not_allowed",
            "callback_url",
        ),
        (b"hello", "text/plain", 415, "unsupported_media_type", None),
        (b"\x00\x00", "video/quicktime", 415, "unsupported_media_type", None),
        (b"", "audio/wav", 400, "invalid_request", None),
    ],
)
def test_bad_submit_bodies(facade_url, body, content_type, status, code, field):
    answer = requests.post(
        f"{facade_url}/v1/conversations", data=body, headers={**AUTH, "Content-Type": content_type}, timeout=30
    )
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["code"] == code
    assert error["message"] and error["message"][-1] in ".!?"
    if field:
        assert any(d["field"] == field for d in error["details"]), error


def test_json_body_over_the_limit_is_413(facade_url):
    big = b'{"transcript": "A: ' + b"x" * 300_000 + b'"}'
    answer = requests.post(
        f"{facade_url}/v1/conversations", data=big, headers={**AUTH, "Content-Type": "application/json"}, timeout=30
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "payload_too_large"


def test_upload_over_the_limit_is_413(facade_url):
    answer = requests.post(
        f"{facade_url}/v1/conversations",
        data=b"\x01" * 5_100_000,
        headers={**AUTH, "Content-Type": "audio/wav"},
        timeout=30,
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "payload_too_large"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/v1/jobs/00000000-0000-4000-8000-000000000000", 404, "job_not_found"),
        ("GET", "/v1/jobs/00000000-0000-4000-8000-000000000000?wait=-3", 400, "invalid_request"),
        ("GET", "/v1/jobs/00000000-0000-4000-8000-000000000000?wait=abc", 400, "invalid_request"),
        ("GET", "/v1/conversations/9999999999999999/insights", 404, "conversation_not_found"),
        ("GET", "/v1/conversations/1/insights?format=xml", 400, "invalid_request"),
        ("GET", "/v1/conversations/1/insights?include=bogus", 400, "invalid_request"),
        ("DELETE", "/v1/hooks/hook_missing", 404, "hook_not_found"),
        ("GET", "/v1/nothing-here", 404, "not_found"),
        ("DELETE", "/v1/conversations", 405, "method_not_allowed"),
        ("GET", "/v1/conversations?limit=0", 400, "invalid_request"),
    ],
)
def test_bad_reads(facade_url, method, path, status, code):
    answer = requests.request(method, f"{facade_url}{path}", headers=AUTH, timeout=30)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["code"] == code


def test_half_a_symbl_credential_is_refused(facade_url):
    answer = requests.get(f"{facade_url}/v1/me", headers={**AUTH, "X-Symbl-App-Id": "only-id"}, timeout=10)
    assert answer.status_code == 400


def test_unknown_form_field_and_misplaced_file(facade_url):
    answer = requests.post(
        f"{facade_url}/v1/conversations",
        headers=AUTH,
        files={"bogus": (None, "1"), "file": ("a.wav", b"RIFF....", "audio/wav")},
        timeout=30,
    )
    assert answer.status_code == 400
    assert "bogus" in answer.json()["error"]["message"]
    answer = requests.post(
        f"{facade_url}/v1/conversations",
        headers=AUTH,
        files={"file": ("a.mov", b"\x00\x00", "video/quicktime")},
        timeout=30,
    )
    assert answer.status_code == 415
