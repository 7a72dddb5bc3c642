"""Serve a WSGI app on a loopback port in a background thread (the demo, an in-process backfill
facade, tests). Production uses gunicorn (`server.py`)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

SHUTDOWN_JOIN_SECONDS = 5.0
POLL_SECONDS = 0.05
"""How often the serving loop looks for a shutdown request (the standard library's 0.5 s makes
every stop take half a second)."""


def start(app: Any, host: str = "127.0.0.1", port: int = 0) -> tuple[str, Callable[[], None]]:
    """Run ``app`` on ``host`` (an ephemeral port by default); return its base URL and a stop function."""
    from werkzeug.serving import make_server

    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, name=f"serve-{server.port}", daemon=True
    )
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=SHUTDOWN_JOIN_SECONDS)

    return f"http://{host}:{server.port}", stop


@contextlib.contextmanager
def serve(app: Any, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """`start` as a context manager: yield the base URL, stop at the end."""
    url, stop = start(app, host, port)
    try:
        yield url
    finally:
        stop()
