"""`connector serve` as a real process on a loopback port (gunicorn + gevent), for tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import requests

from tests.conftest import eventually
from tests.store.conftest import free_port


@contextmanager
def serve_process(env: dict[str, str], *, port: int | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run `connector serve` with exactly ``env``; yield (url, process) once /healthz answers, and
    kill the whole process group at the end if it is still alive."""
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "connector.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:

        def healthy() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"connector serve exited: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                return requests.get(f"{url}/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        eventually(healthy, timeout=30, step=0.1)
        yield url, proc
    finally:
        kill(proc)


def kill(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Kill the whole process group (gunicorn master and workers)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)
