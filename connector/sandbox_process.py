"""The embedded Symbl sandbox as a child process, for `connector serve` and `connector backfill`
in sandbox mode. No `requests` import here: `connector serve` forks gevent workers afterwards."""

from __future__ import annotations

import atexit
import signal
import socket
import subprocess
import sys
import time

PORT_WAIT_SECONDS = 20.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, timeout: float = PORT_WAIT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"error: nothing listens on 127.0.0.1:{port} after {timeout:g} s")


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the parent dies, even by SIGKILL (Linux), so no orphan is left."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def start_sandbox_process(state_file: str = "") -> str:
    """Start `connector sandbox` on a free loopback port as a child process; return its URL.

    ``state_file``: where the sandbox keeps its account state across restarts ("" = memory only).
    """
    port = _free_port()
    keep = ["--state", state_file] if state_file else []
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "connector.cli",
            "sandbox",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--quiet",
            *keep,
        ],
        preexec_fn=_die_with_parent,
    )

    def stop() -> None:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(5)
            except subprocess.TimeoutExpired:
                child.kill()

    atexit.register(stop)
    _wait_port(port)
    return f"http://127.0.0.1:{port}"
