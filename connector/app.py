"""The application factory: assembles the Flask app from the wired objects (`facade.py`), the
error handlers, the blueprints and the OpenAPI document. Wiring only."""

from __future__ import annotations

import logging
from typing import Any

from flask_openapi3 import Info, OpenAPI

from connector import __version__
from connector.api import errors, routes
from connector.api.openapi import install as install_openapi
from connector.config import Settings
from connector.facade import Facade, build_facade
from connector.logs import configure_logging
from connector.store.base import Store

log = logging.getLogger("connector")


def create_app(
    settings: Settings | None = None, *, store: Store | None = None, start_background: bool | None = None
) -> OpenAPI:
    """Build the Flask app. Tests pass ``settings`` (and may pass a store)."""
    settings = settings or Settings()
    configure_logging(settings.log_level)
    app = OpenAPI(
        __name__,
        info=Info(
            title="Symbl connector",
            version=__version__,
            description="Submit-and-wait and get-insights over Symbl.ai, with flat output for low-code tools.",
        ),
        security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
        doc_prefix="/docs",
        doc_url="/openapi.json",
        validation_error_status=400,
        validation_error_model=errors.ErrorResponse,
        validation_error_callback=routes.validation_error,
    )
    app.config["MAX_CONTENT_LENGTH"] = None  # bodies are bounded per route (JSON vs streamed files)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    the_facade = build_facade(settings, store)
    app.extensions["connector"] = the_facade
    errors.register(app)
    routes.register(app)
    install_openapi(app)
    if start_background if start_background is not None else settings.background:
        the_facade.start()
    log.info(
        "facade ready",
        extra={
            "mode": the_facade.mode,
            "symbl_base_url": settings.base_url,
            "store": settings.store_url.split("://")[0],
        },
    )
    if settings.sandbox:
        log.info(
            "SANDBOX MODE: no SYMBL_APP_ID is set, so Symbl calls go to the local Symbl sandbox at %s",
            settings.base_url,
        )
    return app


def describe(app: Any) -> Facade:
    """The wired objects of an app (for tests and the CLI)."""
    the: Facade = app.extensions["connector"]
    return the
