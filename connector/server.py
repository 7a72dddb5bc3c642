"""The production server: gunicorn with gevent workers.

A waiting request (submit-and-wait, long-polled job status) is a greenlet parked on a condition,
not an OS thread, so one 2-core machine holds thousands of them (bench/ measures it). The app is
created in each worker after gevent has patched the standard library (no preload).

Graceful shutdown (SIGTERM, as `docker stop` sends): gunicorn stops accepting, and each worker
ends its waits at once, so every waiting caller gets a 202 with the IDs (never a reset) and the
worker exits well within `graceful_timeout`; the jobs stay in the store and are finished by another
instance or after the restart."""

from __future__ import annotations

import signal
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


def drain_on_sigterm(worker: Any) -> None:
    """gunicorn `post_worker_init` hook: on SIGTERM, also end the waits in flight (as 202s)."""
    import gevent

    stop = worker.handle_exit

    def handle_exit(sig: int, frame: Any) -> None:
        stop(sig, frame)
        facade = worker.wsgi.extensions.get("connector")
        if facade is not None:  # out of the signal handler: draining takes the waits' locks
            gevent.spawn(facade.watcher.drain)

    signal.signal(signal.SIGTERM, handle_exit)
    signal.siginterrupt(signal.SIGTERM, False)  # as gunicorn has it: do not disturb active requests


def run_gunicorn(bind: str, *, workers: int, worker_connections: int, timeout: int) -> int:
    """Serve the facade until SIGTERM/SIGINT."""
    FacadeServer(
        {
            "bind": bind,
            "workers": workers,
            "worker_class": "gevent",
            "worker_connections": worker_connections,
            "timeout": timeout,
            "graceful_timeout": 30,
            "post_worker_init": drain_on_sigterm,
            "keepalive": 5,
            "preload_app": False,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "symbl-connector",
        }
    ).run()
    return 0
