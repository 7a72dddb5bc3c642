"""The production server: gunicorn with gevent workers.

A waiting request (submit-and-wait, long-polled job status) is a greenlet parked on a condition,
not an OS thread, so one 2-core machine holds thousands of them (bench/ measures it). The app is
created in each worker after gevent has patched the standard library (no preload)."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class FacadeServer(BaseApplication):
    """gunicorn configured in code, so `connector serve` needs no config file."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from connector.app import create_app

        return create_app()


def run_gunicorn(bind: str, *, workers: int, worker_connections: int, timeout: int) -> int:
    """Serve the facade until SIGTERM/SIGINT."""
    FacadeServer({
        "bind": bind,
        "workers": workers,
        "worker_class": "gevent",
        "worker_connections": worker_connections,
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        "preload_app": False,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "symbl-connector",
    }).run()
    return 0
