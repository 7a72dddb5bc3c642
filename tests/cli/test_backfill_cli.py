"""`connector backfill FILE`: through a running facade (limit 2 at the sandbox and the facade),
interrupted with Ctrl-C and resumed without duplicates, the insights CSV at the end."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from connector.api.batches import CSV_COLUMNS
from connector.backfill import read_items
from connector.config import Settings
from connector.sandbox import SandboxConfig, create_sandbox_app
from tests.conftest import API_KEY, Sandbox, eventually
from tests.servers import serve

N = 12


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with serve(create_sandbox_app(SandboxConfig(job_seconds=0.4, max_concurrent_jobs=2))) as url:
        yield Sandbox(url)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"max_concurrent_jobs": 2, "poll_min_seconds": 0.1, "poll_max_seconds": 0.3})


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def backfill(file: Path, url: str, *extra: str, sigint_ignored: bool = False) -> subprocess.Popen:
    """`connector backfill` as a child; ``sigint_ignored`` starts it as nohup or a backgrounded shell would."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "connector.cli",
            "backfill",
            str(file),
            "--url",
            url,
            "--key",
            API_KEY,
            "--poll",
            "0.2",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=_ignore_sigint if sigint_ignored else None,
    )


def submits(sandbox: Sandbox) -> int:
    return sum(n for route, n in sandbox.stats()["requests"].items() if route.startswith("POST /v1/process/"))


def test_read_items_url_list_and_csv(tmp_path: Path):
    urls = tmp_path / "calls.txt"
    urls.write_text("# history\nhttps://example.com/a/call-1.mp3\n\nhttps://example.com/a/call-2.mp4\n")
    assert read_items(urls) == [
        {"url": "https://example.com/a/call-1.mp3", "name": "call-1.mp3", "key": "https://example.com/a/call-1.mp3"},
        {"url": "https://example.com/a/call-2.mp4", "name": "call-2.mp4", "key": "https://example.com/a/call-2.mp4"},
    ]
    table = tmp_path / "calls.csv"
    table.write_text("URL,Name,Key\nhttps://example.com/x.mp3,Call X,rec-1\nhttps://example.com/y.mp3,,\n")
    assert read_items(table) == [
        {"url": "https://example.com/x.mp3", "name": "Call X", "key": "rec-1"},
        {"url": "https://example.com/y.mp3", "name": "y.mp3", "key": "https://example.com/y.mp3"},
    ]


@pytest.mark.slow
def test_backfill_interrupted_and_resumed_without_duplicates(tmp_path: Path, facade_url: str, sandbox: Sandbox):
    sandbox.configure(job_seconds=0.8)
    file = tmp_path / "history.csv"
    with file.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["url", "name", "key"])
        for i in range(N):
            writer.writerow([f"https://recordings.example.com/calls/{i}.mp3", f"Call {i}", f"rec-{i}"])
    first = backfill(file, facade_url)
    eventually(lambda: submits(sandbox) >= 3, timeout=30)
    first.send_signal(signal.SIGINT)
    _, err = first.communicate(timeout=30)
    assert first.returncode == 130, err
    assert "resume" in err
    assert submits(sandbox) < N

    sandbox.configure(job_seconds=0.3)
    second = backfill(file, facade_url)
    _out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert "item" in err and f"{N} completed" in err  # the bar and the summary
    assert submits(sandbox) == N
    assert sandbox.stats()["max_jobs_in_flight"] <= 2
    rows = list(csv.reader((tmp_path / "history.insights.csv").open()))
    assert rows[0] == CSV_COLUMNS and len(rows) == N + 1
    assert sorted(r[rows[0].index("key")] for r in rows[1:]) == sorted(f"rec-{i}" for i in range(N))

    third = backfill(file, facade_url)  # everything done: nothing is sent again
    assert third.wait(timeout=60) == 0
    assert submits(sandbox) == N


@pytest.mark.slow
def test_ctrl_c_stops_backfill_started_with_sigint_ignored(tmp_path: Path, facade_url: str, sandbox: Sandbox):
    """A parent that ignores SIGINT (nohup, `cmd &`, some CI runners) passes that on; Ctrl-C still stops it."""
    sandbox.configure(job_seconds=30)
    file = tmp_path / "calls.txt"
    file.write_text("".join(f"https://recordings.example.com/ignored/{i}.mp3\n" for i in range(4)))
    child = backfill(file, facade_url, sigint_ignored=True)
    eventually(lambda: submits(sandbox) >= 2, timeout=30)
    child.send_signal(signal.SIGINT)
    try:
        _, err = child.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise AssertionError("connector backfill ignored Ctrl-C (SIGINT) it inherited as ignored") from None
    assert child.returncode == 130, err
    assert "resume" in err


@pytest.mark.slow
def test_backfill_directly_starts_its_own_facade_and_resumes(tmp_path: Path, sandbox: Sandbox):
    file = tmp_path / "calls.txt"
    file.write_text("".join(f"https://recordings.example.com/direct/{i}.mp3\n" for i in range(5)))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYMBL_", "CONNECTOR_"))}
    env.update(
        {
            "SYMBL_BASE_URL": sandbox.url,
            "CONNECTOR_STORE_URL": f"sqlite:///{tmp_path}/direct.db",
            "SYMBL_MAX_CONCURRENT_JOBS": "2",
            "CONNECTOR_POLL_MIN_SECONDS": "0.1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "connector.cli", "backfill", str(file), "--poll", "0.2"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert "5 completed" in done.stderr
    assert submits(sandbox) == 5  # the second run found every URL (the default key) already processed
    rows = list(csv.reader((tmp_path / "calls.insights.csv").open()))
    assert len(rows) == 6 and rows[1][rows[0].index("key")].startswith("https://recordings.example.com/direct/")
