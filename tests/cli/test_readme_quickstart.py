"""The README's quick start, run literally: its bash block (between the quickstart markers) against
`connector serve` in sandbox mode, with `connector listen` receiving the callback. Only the ports
are changed (free ones instead of 8000 and 8088). Needs curl and jq (scripts/test-all.sh installs
them)."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.cli.test_processes import _ok, kill
from tests.conftest import eventually
from tests.store.conftest import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def quickstart_block() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- quickstart:begin", 1)[1].split("<!-- quickstart:end -->", 1)[0]
    return re.search(r"```bash\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def json_values(text: str) -> list:
    """Every JSON value printed one after another (what a series of `jq` calls writes)."""
    decoder, values, at = json.JSONDecoder(), [], 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return values
        value, at = decoder.raw_decode(text, at)
        values.append(value)


def a_user_checkout(tmp: Path) -> None:
    """A working directory that looks like the repository to the README's commands (.venv, examples/)."""
    shutil.copytree(ROOT / "examples", tmp / "examples")
    if (ROOT / ".venv" / "bin" / "connector").exists():
        (tmp / ".venv").symlink_to(ROOT / ".venv")
    else:  # the suite runs on another interpreter: the same command through it
        (tmp / ".venv" / "bin").mkdir(parents=True)
        shim = tmp / ".venv" / "bin" / "connector"
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m connector.cli "$@"\n')
        shim.chmod(0o755)


def test_readme_quickstart_runs_as_written(tmp_path: Path):
    missing = [tool for tool in ("curl", "jq") if shutil.which(tool) is None]
    assert not missing, f"install {', '.join(missing)} (scripts/test-all.sh does) to run the README quick start"
    a_user_checkout(tmp_path)
    port, listen_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYMBL_", "CONNECTOR_", "SANDBOX_"))}
    env.update({"PORT": str(port), "CONNECTOR_WORKERS": "1", "SANDBOX_JOB_SECONDS": "1", "PYTHONUNBUFFERED": "1"})
    server = subprocess.Popen(
        [str(tmp_path / ".venv" / "bin" / "connector"), "serve", "--host", "127.0.0.1"],
        cwd=tmp_path,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    listener = None
    try:
        eventually(lambda: _ok(f"http://127.0.0.1:{port}/healthz"), timeout=60, step=0.2)
        listen_block = re.search(r"```bash\n(\.venv/bin/connector listen --port 8088)\n```", README.read_text())
        assert listen_block, "the README shows how to start connector listen"
        listener = subprocess.Popen(
            listen_block.group(1).replace("8088", str(listen_port)),
            shell=True,
            cwd=tmp_path,
            env=env,
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in listener.stderr], daemon=True).start()
        assert "Listening on" in lines.get(timeout=30)

        script = (
            quickstart_block()
            .replace("localhost:8000", f"localhost:{port}")
            .replace("127.0.0.1:8088", f"127.0.0.1:{listen_port}")
        )
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        submitted, queued, job_status, summary, uploaded = json_values(done.stdout)

        assert submitted["tracker_names"] == "Competitor"  # the tracker hits
        assert "Bob" in submitted["action_items_text"] and submitted["summary"]
        assert set(queued) >= {"conversation_id", "job_id", "status", "links"}
        assert job_status == "completed"
        assert isinstance(summary, str) and summary
        assert uploaded["status"] == "completed" and uploaded["summary"]

        received = lines.get(timeout=30)  # the callback of the recording-URL submit, verified
        assert received.startswith("RECEIVED POST /callback conversation.completed"), received
        assert "webhook-signature verified" in received
    finally:
        if listener is not None:
            kill(listener, signal.SIGTERM)
        kill(server, signal.SIGTERM)
    printed = json_values(listener.stdout.read())  # type: ignore[union-attr]
    assert [p["conversation_id"] for p in printed] == [queued["conversation_id"]]
