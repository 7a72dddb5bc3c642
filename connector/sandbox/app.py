"""The sandbox application factory: assembles state, gateway, blueprints and webhook threads."""

from __future__ import annotations

from flask import Flask

from connector.sandbox import (
    async_routes,
    auth,
    callscore,
    control,
    conversation_routes,
    experiences,
    gateway,
    management,
    nebula,
)
from connector.sandbox.config import SandboxConfig
from connector.sandbox.errors import register_error_handlers
from connector.sandbox.persistence import StateFile
from connector.sandbox.state import SandboxState
from connector.sandbox.webhooks import WebhookSender


def create_sandbox_app(config: SandboxConfig | None = None) -> Flask:
    """Return a Flask app emulating Symbl's REST API; its state is ``app.extensions["sandbox"]``.

    With ``config.state_file`` the state is loaded from that file and kept in it
    (``app.extensions["sandbox_state_file"]``, a ``persistence.StateFile``).
    """
    app = Flask("connector.sandbox", static_folder=None)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep Symbl's key order
    state = SandboxState(config or SandboxConfig())
    app.extensions["sandbox"] = state
    register_error_handlers(app)
    gateway.init_app(app)
    for blueprint in (
        auth.bp,
        async_routes.bp,
        conversation_routes.bp,
        callscore.bp,
        experiences.bp,
        nebula.bp,
        management.bp,
        control.bp,
    ):
        app.register_blueprint(blueprint)
    if state.config.state_file:
        kept = StateFile(state, state.config.state_file)
        kept.load()
        kept.init_app(app)
        app.extensions["sandbox_state_file"] = kept
    sender = WebhookSender(state)
    app.extensions["sandbox_webhooks"] = sender
    sender.start()
    return app
