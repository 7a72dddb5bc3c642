"""The ten Async submit endpoints, the Job API lifecycle, appends and the concurrency limit."""

from __future__ import annotations

import re
import time
import uuid

import pytest

from tests.sandbox.conftest import Symbl, text_body

URL_BODY = {"url": "https://example.com/calls/demo.wav"}


def assert_ids(body: dict, conversation_id: str | None = None) -> None:
    assert set(body) == {"conversationId", "jobId"}
    assert re.fullmatch(r"\d{16}", body["conversationId"])
    assert uuid.UUID(body["jobId"]).version == 4
    if conversation_id:
        assert body["conversationId"] == conversation_id


def _submit(symbl: Symbl, kind: str, conversation_id: str | None = None):
    suffix = f"/{conversation_id}" if conversation_id else ""
    method = "PUT" if conversation_id else "POST"
    if kind == "text":
        return symbl.request(method, f"/v1/process/text{suffix}", json=text_body())
    if kind in ("audio/url", "video/url"):
        return symbl.request(method, f"/v1/process/{kind}{suffix}", json=URL_BODY)
    content_type = {"audio": "audio/wav", "video": "video/mp4"}[kind]
    return symbl.request(
        method, f"/v1/process/{kind}{suffix}", data=b"RIFF" + b"\0" * 4096, headers={"Content-Type": content_type}
    )


@pytest.mark.parametrize("kind", ["text", "audio", "audio/url", "video", "video/url"])
def test_post_and_put_answer_201_with_ids(symbl: Symbl, kind: str) -> None:
    created = _submit(symbl, kind)
    assert created.status_code == 201, created.text
    assert_ids(created.json())
    appended = _submit(symbl, kind, created.json()["conversationId"])
    assert appended.status_code == 201, appended.text
    assert_ids(appended.json(), created.json()["conversationId"])
    assert appended.json()["jobId"] != created.json()["jobId"]


def test_audio_upload_without_content_type_and_with_sdk_style_empty_header(symbl: Symbl) -> None:
    for headers in ({}, {"Content-Type": ""}):
        response = symbl.request(
            "POST",
            "/v1/process/audio?name=Call&enableSpeakerDiarization=true",
            data=b"ID3" + b"\1" * 1000,
            headers=headers,
        )
        assert response.status_code == 201, response.text


def test_audio_upload_is_streamed_chunked(symbl: Symbl) -> None:
    chunks = (b"x" * 65536 for _ in range(40))  # 2.5 MB, chunked transfer encoding
    response = symbl.request("POST", "/v1/process/audio", data=chunks)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("path", "kwargs", "message"),
    [
        ("/v1/process/text", {"json": {}}, '"messages" is required'),
        ("/v1/process/text", {"json": {"messages": "hi"}}, '"messages" must be an array'),
        ("/v1/process/text", {"json": {"messages": []}}, '"messages" must contain at least 1 items'),
        ("/v1/process/text", {"json": {"messages": [{}]}}, '"messages[0].payload" is required'),
        ("/v1/process/text", {"data": "not json", "headers": {"Content-Type": "text/plain"}}, '"messages" is required'),
        (
            "/v1/process/text",
            {"json": {**text_body(), "confidenceThreshold": 2}},
            '"confidenceThreshold" must be less than or equal to 1',
        ),
        ("/v1/process/text", {"json": {**text_body(), "detectEntities": "yes"}}, '"detectEntities" must be a boolean'),
        ("/v1/process/text", {"json": {**text_body(), "webhookUrl": "nope"}}, '"webhookUrl" must be a valid uri'),
        (
            "/v1/process/text",
            {"json": {**text_body(), "trackers": [{"name": "x"}]}},
            '"trackers[0].vocabulary" is required',
        ),
        ("/v1/process/audio/url", {"json": {}}, '"url" is required'),
        ("/v1/process/video/url", {"json": {"url": "ftp://x/y.mp4"}}, '"url" must be a valid uri'),
        (
            "/v1/process/video",
            {"data": b"mp4", "headers": {"Content-Type": "audio/wav"}},
            '"Content-Type" must be [video/mp4]',
        ),
        ("/v1/process/audio", {"data": b"", "headers": {"Content-Type": "audio/wav"}}, '"body" is required'),
    ],
)
def test_bad_submits_are_400_with_joi_style_messages(symbl: Symbl, path: str, kwargs: dict, message: str) -> None:
    response = symbl.request("POST", path, **kwargs)
    assert response.status_code == 400
    assert response.json()["message"].startswith(message)


def test_put_to_unknown_conversation_is_404(symbl: Symbl) -> None:
    response = symbl.submit_text(conversation_id="1234567890123456")
    assert response.status_code == 404
    assert response.json() == {"message": "The conversationId is either invalid or does not exist."}


def test_options_in_query_string_booleans_and_exploded_custom_vocabulary(app, symbl: Symbl) -> None:
    exploded = "&".join(f"customVocabulary={c}" for c in '["Acme","Gong"]').replace('"', "%22")
    response = symbl.request(
        "POST",
        f"/v1/process/audio?{exploded}&detectEntities=true&enableSummary=True&diarizationSpeakerCount=2"
        "&enableSpeakerDiarization=true&trackers=%5B%7B%22name%22%3A%22P%22%2C%22vocabulary%22%3A%5B%22price%22%5D%7D%5D",
        data=b"abc",
    )
    assert response.status_code == 201, response.text
    job = app.extensions["sandbox"].jobs.jobs[response.json()["jobId"]]
    assert job.options.custom_vocabulary == ["Acme", "Gong"]
    assert job.options.detect_entities and job.options.enable_summary and job.options.diarization
    assert job.options.trackers == [{"name": "P", "vocabulary": ["price"]}]
    response = symbl.request("POST", "/v1/process/audio?customVocabulary=%5B%22One%22%5D", data=b"abc")
    assert app.extensions["sandbox"].jobs.jobs[response.json()["jobId"]].options.custom_vocabulary == ["One"]


def test_text_webhook_url_accepted_in_query(app, symbl: Symbl) -> None:
    response = symbl.submit_text(params={"webhookUrl": "http://127.0.0.1:9/hook"})
    assert (
        app.extensions["sandbox"].jobs.jobs[response.json()["jobId"]].options.webhook_url == "http://127.0.0.1:9/hook"
    )


def test_job_lifecycle_is_lower_case_and_ordered(symbl: Symbl) -> None:
    job_id = symbl.submit_text().json()["jobId"]
    seen = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        response = symbl.get(f"/v1/job/{job_id}")
        assert set(response.json()) == {"id", "status"} and response.json()["id"] == job_id
        status = response.json()["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == "completed":
            break
        time.sleep(0.005)
    assert seen == ["scheduled", "in_progress", "completed"]


def test_unknown_job_is_404_with_message(symbl: Symbl) -> None:
    response = symbl.get(f"/v1/job/{uuid.uuid4()}")
    assert response.status_code == 404
    assert isinstance(response.json()["message"], str)


def test_fail_markers_end_jobs_failed(symbl: Symbl) -> None:
    text = symbl.submit_text(text_body([("A", "a@x.io", "Please sandbox-fail this one.")])).json()["jobId"]
    url = symbl.request("POST", "/v1/process/audio/url", json={"url": "https://x.io/sandbox-fail.wav"}).json()["jobId"]
    upload = symbl.request("POST", "/v1/process/audio", data=b"\0" * 70000 + b"sandbox-fail").json()["jobId"]
    assert [symbl.wait(j) for j in (text, url, upload)] == ["failed"] * 3


def test_appends_run_one_after_another_and_keep_the_conversation(symbl: Symbl) -> None:
    first = symbl.submit_text().json()
    conversation_id = first["conversationId"]
    later = [
        symbl.submit_text(
            text_body([("Carol", "c@x.io", f"Part {i} of the call.")]), conversation_id=conversation_id
        ).json()
        for i in range(2)
    ]
    assert all(j["conversationId"] == conversation_id for j in later)
    finished: dict[str, float] = {}
    jobs = [first["jobId"]] + [j["jobId"] for j in later]
    deadline = time.monotonic() + 5
    while len(finished) < 3 and time.monotonic() < deadline:
        for job_id in jobs:
            if job_id not in finished and symbl.job_status(job_id) == "completed":
                finished[job_id] = time.monotonic()
        time.sleep(0.01)
    assert sorted(finished, key=finished.get) == jobs
    assert finished[jobs[2]] - finished[jobs[0]] >= 0.3  # sequential: ~2 x job_seconds
    texts = [m["text"] for m in symbl.get(f"/v1/conversations/{conversation_id}/messages").json()["messages"]]
    assert texts[-2:] == ["Part 0 of the call.", "Part 1 of the call."]


def test_concurrency_limit_answers_symbl_429_without_retry_after(base_url: str, symbl: Symbl) -> None:
    assert symbl.control("POST", "/config", json={"max_concurrent_jobs": 2}).json()["max_concurrent_jobs"] == 2
    assert symbl.submit_text().status_code == 201
    assert symbl.submit_text().status_code == 201
    response = symbl.submit_text()
    assert response.status_code == 429
    assert response.json() == {
        "statusCode": 429,
        "message": "This API has a limit of maximum of `2` number of concurrent jobs per account. If you are looking "
        "to scale, and need more concurrent jobs than this limit, please contact us at support@symbl.ai",
    }
    assert "Retry-After" not in response.headers
    assert Symbl(base_url, "tenant-b", "secret-b").submit_text().status_code == 201  # the limit is per appId
    time.sleep(0.25)
    assert symbl.submit_text().status_code == 201
    stats = symbl.control("GET", "/stats").json()
    assert stats["max_jobs_in_flight"] == 3
