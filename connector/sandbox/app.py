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
from connector.sandbox.state import SandboxState
from connector.sandbox.webhooks import WebhookSender


def create_sandbox_app(config: SandboxConfig | None = None) -> Flask:
    """Return a Flask app emulating Symbl's REST API; its state is ``app.extensions["sandbox"]``."""
    app = Flask("connector.sandbox", static_folder=None)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep Symbl's key order
    state = SandboxState(config or SandboxConfig())
    app.extensions["sandbox"] = state
    register_error_handlers(app)
    gateway.init_app(app)
    for blueprint in (auth.bp, async_routes.bp, conversation_routes.bp, callscore.bp, experiences.bp, nebula.bp,
                      management.bp, control.bp):
        app.register_blueprint(blueprint)
    sender = WebhookSender(state)
    app.extensions["sandbox_webhooks"] = sender
    sender.start()
    return app
