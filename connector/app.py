"""The application factory: wires settings, store, Symbl client, tracker, outbox and routes.

Wiring only; behaviour lives in the modules named for it. Views reach the wired objects through
`facade()` (``current_app.extensions["connector"]``)."""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_openapi3 import Info, OpenAPI

from connector import __version__
from connector.ai.ask import Asker
from connector.ai.callscore import CallScores
from connector.ai.enrich import Enricher
from connector.ai.summary_pages import SummaryPages
from connector.config import Settings
from connector.insights.service import InsightsService
from connector.jobs.delivery import OutboxSender
from connector.jobs.finish import Finisher
from connector.jobs.submit import Submitter
from connector.jobs.tracker import JobTracker
from connector.jobs.urlguard import effective_allowlist
from connector.queue.dispatch import Dispatcher
from connector.queue.slots import Slots
from connector.store import open_store
from connector.store.base import Store, Submission
from connector.store.sealed import SealedStore, sealer_for
from connector.symbl.client import SymblClient
from connector.symbl.credentials import Credential
from connector.symbl.nebula import NebulaClient
from connector.trackers.service import TrackerService

log = logging.getLogger("connector")

WEBHOOK_SECRET_KEY = "symbl-webhook-secret"
CREDENTIAL_TTL = 30 * 86400.0
"""How long a caller's own Symbl credential is kept (encrypted) in the store after its last use."""
CREDENTIAL_REWRITE = 3600.0


@dataclass
class Facade:
    """Everything the views need, built once per process."""

    settings: Settings
    store: Store
    client: SymblClient
    tracker: JobTracker
    submitter: Submitter
    insights: InsightsService
    sender: OutboxSender
    default_credential: Credential
    key_hashes: list[str]
    trackers: TrackerService
    admin_hashes: list[str] = field(default_factory=list)
    credentials: dict[str, Credential] = field(default_factory=dict)
    _saved_at: dict[str, float] = field(default_factory=dict)
    dispatcher: Dispatcher | None = None
    _webhook_secret: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def mode(self) -> str:
        return "sandbox" if self.settings.sandbox else "live"

    def remember(self, credential: Credential) -> None:
        """Keep a caller's own credential so any worker or instance can poll its jobs: in memory,
        and in the store encrypted (`SealedStore`), refreshed at most hourly."""
        self.credentials[credential.id] = credential
        now = time.time()
        if now - self._saved_at.get(credential.id, 0.0) > CREDENTIAL_REWRITE:
            value = json.dumps({"app_id": credential.app_id, "app_secret": credential.app_secret})
            self.store.kv_set(f"cred:{credential.id}", value, CREDENTIAL_TTL)
            self._saved_at[credential.id] = now

    def credential_by_id(self, credential_id: str) -> Credential | None:
        """A credential this process knows, or one another process saved in the store."""
        known = self.credentials.get(credential_id)
        if known is not None:
            return known
        raw = self.store.kv_get(f"cred:{credential_id}")
        if not raw:
            return None
        data = json.loads(raw)
        credential = Credential(data["app_id"], data["app_secret"])
        if credential.id != credential_id:
            return None
        self.credentials[credential_id] = credential
        return credential

    def credential_for(self, sub: Submission) -> Credential | None:
        return self.credential_by_id(sub.credential_id)

    def webhook_secret(self) -> str:
        """The unguessable path secret of our Symbl webhook receiver (shared by all instances)."""
        if self._webhook_secret:
            return self._webhook_secret
        configured = self.settings.webhook_secret.get_secret_value()
        if configured:
            self._webhook_secret = configured
            return configured
        with self._lock:
            candidate = secrets.token_urlsafe(24)
            self.store.kv_set_if_absent(WEBHOOK_SECRET_KEY, candidate, 10 * 365 * 86400)
            self._webhook_secret = self.store.kv_get(WEBHOOK_SECRET_KEY) or candidate
            return self._webhook_secret

    def webhook_url(self) -> str | None:
        """The webhookUrl passed to Symbl, when the facade has a public URL."""
        if not self.settings.public_url:
            return None
        return f"{self.settings.public_url.rstrip('/')}/v1/symbl/webhook/{self.webhook_secret()}"

    def close(self) -> None:
        if self.dispatcher is not None:
            self.dispatcher.stop()
        self.tracker.stop()
        self.sender.stop()
        self.store.close()


def facade() -> Facade:
    return current_app.extensions["connector"]


def build_facade(settings: Settings, store: Store | None = None) -> Facade:
    """Create the store, client and background machinery for one process."""
    from connector.api.auth import configured_hashes

    sealer = sealer_for(settings.encryption_key.get_secret_value(), sandbox=settings.sandbox,
                        store_url=settings.store_url)
    store = SealedStore(store or open_store(settings.store_url), sealer)  # type: ignore[assignment]
    client = SymblClient(settings.base_url, store, connect_timeout=settings.symbl_connect_timeout,
                         read_timeout=settings.symbl_read_timeout)
    insights_pool = ThreadPoolExecutor(max_workers=64, thread_name_prefix="insights")
    poll_pool = ThreadPoolExecutor(max_workers=32, thread_name_prefix="poll")
    nebula_key = settings.nebula_api_key.get_secret_value()
    if settings.sandbox:
        from connector.sandbox.config import SandboxConfig

        sandbox = SandboxConfig()  # the same SANDBOX_APP_ID/SECRET the embedded sandbox reads
        default = Credential(sandbox.app_id, sandbox.app_secret)
        nebula_key = nebula_key or sandbox.nebula_api_key
    else:
        default = Credential(settings.symbl_app_id, settings.symbl_app_secret.get_secret_value())
    nebula = NebulaClient(settings.nebula_url, nebula_key, connect_timeout=settings.symbl_connect_timeout,
                          read_timeout=max(settings.symbl_read_timeout, 60.0))
    enricher = Enricher(CallScores(client, store), SummaryPages(client, store),
                        Asker(client, nebula, store, settings.ask_transcript_max_chars), insights_pool)
    insights = InsightsService(client, insights_pool, settings.transcript_max_chars, enricher)
    holder: dict[str, Facade] = {}
    # links in callbacks: never from a request's Host header in live mode (relative without a public URL)
    base = settings.public_url or ("http://localhost" if settings.sandbox else "")

    def credential_for(sub: Submission) -> Credential | None:
        return holder["f"].credential_for(sub)

    finisher = Finisher(store, insights, credential_for=credential_for, default_base_url=base)
    tracker = JobTracker(client, store, poll_pool, credential_for=credential_for, finisher=finisher,
                         poll_min=settings.poll_min_seconds, poll_max=settings.poll_max_seconds)
    sender = OutboxSender(store, callback_secret=settings.callback_secret.get_secret_value(),
                          allowlist=effective_allowlist(settings.callback_allowlist, allow_loopback=settings.sandbox),
                          retry_hours=settings.callback_retry_hours,
                          first_retry_seconds=settings.callback_first_retry_seconds)
    slots = Slots(store, settings.max_concurrent_jobs)
    submitter = Submitter(client, store, webhook_url=lambda: holder["f"].webhook_url(), slots=slots,
                          on_queued=lambda: holder["f"].dispatcher.wake())  # type: ignore[union-attr]
    dispatcher = Dispatcher(store, slots, submitter, credential_by_id=lambda cid: holder["f"].credential_by_id(cid),
                            track=tracker.track, fail=lambda sub, error: finisher(sub, "failed", error))
    result = Facade(
        settings=settings, store=store, client=client, tracker=tracker, dispatcher=dispatcher,
        submitter=submitter,
        insights=insights, sender=sender, default_credential=default,
        key_hashes=configured_hashes(settings.api_keys + settings.admin_keys),
        admin_hashes=configured_hashes(settings.admin_keys),
        trackers=TrackerService(client, store, call_seconds=max(settings.symbl_read_timeout, 10.0)),
    )
    result.credentials[default.id] = default  # the server's own: from the environment, never stored
    holder["f"] = result
    return result


def create_app(settings: Settings | None = None, *, store: Store | None = None, start_background: bool | None = None) -> OpenAPI:
    """Build the Flask app. Tests pass ``settings`` (and may pass a store)."""
    from connector.api import errors, routes
    from connector.api.openapi import install as install_openapi
    from connector.logs import configure_logging

    settings = settings or Settings()
    configure_logging(settings.log_level)
    app = OpenAPI(
        __name__,
        info=Info(title="Symbl connector", version=__version__,
                  description="Submit-and-wait and get-insights over Symbl.ai, with flat output for low-code tools."),
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
        the_facade.tracker.start()
        the_facade.sender.start()
        the_facade.dispatcher.start()  # type: ignore[union-attr]
    log.info(
        "facade ready",
        extra={"mode": the_facade.mode, "symbl_base_url": settings.base_url, "store": settings.store_url.split("://")[0]},
    )
    if settings.sandbox:
        log.info("SANDBOX MODE: no SYMBL_APP_ID is set, so Symbl calls go to the local Symbl sandbox at %s",
                 settings.base_url)
    return app


def describe(app: Any) -> Facade:
    """The wired objects of an app (for tests and the CLI)."""
    return app.extensions["connector"]
