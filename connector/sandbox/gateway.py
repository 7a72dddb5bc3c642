"""What runs before every emulated Symbl route: count the request, inject faults, authenticate.

Control routes (``/_sandbox``) bypass all of it. Faults come before authentication so a test can
make even the token endpoint fail.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, g, request

from connector.sandbox import experiences, nebula
from connector.sandbox.auth import authenticate
from connector.sandbox.errors import status_error
from connector.sandbox.faults import delay, drop_connection

CONTROL_PREFIX = "/_sandbox"
PUBLIC_ENDPOINTS = {"sandbox_auth.generate_token"} | nebula.PUBLIC | experiences.PUBLIC  # their own auth


class ConnectionDropped(Exception):
    """Raised after the socket was shut down; the server then has nobody to answer."""


def _before() -> None:
    if request.path.startswith(CONTROL_PREFIX):
        return
    state = current_app.extensions["sandbox"]
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    job_id = (request.view_args or {}).get("job_id") if request.endpoint == "sandbox_async.job_status" else None
    state.stats.request(f"{request.method} {rule}", job_id)
    fault = state.faults.take(request.method, request.path)
    if fault is not None:
        state.stats.fault()
        delay(fault)
        if fault.reset:
            drop_connection(request.environ)
            raise ConnectionDropped(request.path)
        if fault.status is not None:
            raise status_error(fault.status, state.config.max_concurrent_jobs)
    if request.endpoint not in PUBLIC_ENDPOINTS:
        g.app_id = authenticate()


def conversation_latency(part: str) -> None:
    """Sleep the configured read latency for one Conversation API part (e.g. ``messages``)."""
    config = current_app.extensions["sandbox"].config
    seconds = config.part_latency.get(part, config.latency_seconds)
    if seconds > 0:
        time.sleep(seconds)


def init_app(app: Flask) -> None:
    """Install the gateway on ``app``."""
    app.before_request(_before)

    @app.errorhandler(ConnectionDropped)
    def _dropped(error: ConnectionDropped):
        return "", 500  # the socket is already shut down; this answer goes nowhere
