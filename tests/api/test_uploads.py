"""File uploads are streamed through to Symbl (multipart and raw bodies)."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import API_KEY

AUTH = {"Authorization": f"Bearer {API_KEY}"}


def chunks(total: int, size: int = 64 * 1024):
    sent = 0
    while sent < total:
        part = min(size, total - sent)
        yield b"\x11" * part
        sent += part


@pytest.mark.slow
def test_multipart_audio_file_with_options(facade_url, sandbox):
    answer = requests.post(
        f"{facade_url}/v1/conversations",
        headers=AUTH,
        timeout=60,
        files={
            "name": (None, "Uploaded call"),
            "wait": (None, "20"),
            "speaker_count": (None, "2"),
            "file": ("call.wav", b"RIFF" + b"\x00" * 200_000, "audio/wav"),
        },
    )
    assert answer.status_code == 200, answer.text
    flat = answer.json()
    assert flat["name"] == "Uploaded call" and flat["transcript_text"]


@pytest.mark.slow
def test_raw_streamed_body_with_chunked_transfer(facade_url):
    answer = requests.post(
        f"{facade_url}/v1/conversations?wait=20&name=Raw",
        data=chunks(3_000_000),
        headers={**AUTH, "Content-Type": "audio/mpeg"},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["name"] == "Raw"


def test_mp4_video_upload_goes_to_the_video_endpoint(facade_url, sandbox):
    before = sandbox.stats()["requests"].get("POST /v1/process/video", 0)
    answer = requests.post(
        f"{facade_url}/v1/conversations?wait=0",
        data=b"\x00\x00\x00\x18ftypmp42" * 1000,
        headers={**AUTH, "Content-Type": "video/mp4"},
        timeout=60,
    )
    assert answer.status_code == 202, answer.text
    assert sandbox.stats()["requests"].get("POST /v1/process/video", 0) == before + 1
