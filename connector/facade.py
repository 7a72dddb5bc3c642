"""The wired objects of one process: store, Symbl client, services and background workers.

`build_facade(settings)` creates them in dependency order (each object is complete when the next
one receives it); `facade()` hands them to views (``current_app.extensions["connector"]``).
Wiring only: behaviour lives in the modules named for it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from flask import current_app

from connector.ai.ask import Asker
from connector.ai.callscore import CallScores
from connector.ai.enrich import Enricher
from connector.ai.summary_pages import SummaryPages
from connector.config import Settings
from connector.insights.service import InsightsService
from connector.jobs.delivery import OutboxSender
from connector.jobs.finish import Finisher
from connector.jobs.submit import Submitter
from connector.jobs.urlguard import effective_allowlist
from connector.jobs.waiter import Waiter
from connector.jobs.watcher import JobWatcher
from connector.keys import configured_hashes
from connector.queue.batches import Batches
from connector.queue.dispatch import Dispatcher
from connector.queue.slots import Slots
from connector.store import open_store
from connector.store.base import Store, Submission
from connector.store.sealed import SealedStore, sealer_for
from connector.symbl.client import SymblClient
from connector.symbl.credentials import Credential, CredentialBook
from connector.symbl.nebula import NebulaClient
from connector.symbl.webhook import WebhookEndpoint
from connector.trackers.service import TrackerService

INSIGHT_THREADS = 64
POLL_THREADS = 32
NEBULA_MIN_READ_SECONDS = 60.0
TRACKER_CALL_MIN_SECONDS = 10.0


@dataclass
class Facade:
    """Everything the views need, built once per process by `build_facade`."""

    settings: Settings
    store: Store
    client: SymblClient
    watcher: JobWatcher
    waiter: Waiter
    submitter: Submitter
    insights: InsightsService
    sender: OutboxSender
    default_credential: Credential
    key_hashes: list[str]
    admin_hashes: list[str]
    trackers: TrackerService
    credentials: CredentialBook
    webhook: WebhookEndpoint
    dispatcher: Dispatcher
    batches: Batches

    @property
    def mode(self) -> Literal["sandbox", "live"]:
        """``sandbox`` without Symbl credentials, else ``live``."""
        return "sandbox" if self.settings.sandbox else "live"

    def remember(self, credential: Credential) -> None:
        """Keep a caller's own credential so any worker or instance can poll its jobs."""
        self.credentials.remember(credential)

    def credential_by_id(self, credential_id: str) -> Credential | None:
        """A credential this process knows, or one another process saved in the store."""
        return self.credentials.get(credential_id)

    def credential_for(self, sub: Submission) -> Credential | None:
        """The credential a submission was made with, if this process knows it."""
        return self.credentials.get(sub.credential_id)

    def webhook_secret(self) -> str:
        """The unguessable path secret of our Symbl webhook receiver (shared by all instances)."""
        return self.webhook.secret()

    @property
    def callback_allowlist(self) -> list[str]:
        """CONNECTOR_CALLBACK_ALLOWLIST, plus the local receivers in sandbox mode."""
        return effective_allowlist(self.settings.callback_allowlist, allow_loopback=self.settings.sandbox)

    def webhook_url(self) -> str | None:
        """The webhookUrl passed to Symbl, when the facade has a public URL."""
        return self.webhook.url()

    def start(self) -> None:
        """Start the background workers (job watcher, outbox sender, queue dispatcher)."""
        self.watcher.start()
        self.sender.start()
        self.dispatcher.start()

    def close(self) -> None:
        """Stop the background workers and close the store."""
        self.dispatcher.stop()
        self.watcher.stop()
        self.sender.stop()
        self.store.close()


def facade() -> Facade:
    """The wired objects of the current app."""
    the: Facade = current_app.extensions["connector"]
    return the


def default_credential(settings: Settings) -> tuple[Credential, str]:
    """The Symbl credential and Nebula key used when a caller brings none."""
    nebula_key = settings.nebula_api_key.get_secret_value()
    if not settings.sandbox:
        return Credential(settings.symbl_app_id, settings.symbl_app_secret.get_secret_value()), nebula_key
    from connector.sandbox.config import SandboxConfig

    sandbox = SandboxConfig()  # the same SANDBOX_APP_ID/SECRET the embedded sandbox reads
    return Credential(sandbox.app_id, sandbox.app_secret), nebula_key or sandbox.nebula_api_key


def build_facade(settings: Settings, store: Store | None = None) -> Facade:
    """Create the store, client, services and background workers for one process."""
    sealer = sealer_for(
        settings.encryption_key.get_secret_value(), sandbox=settings.sandbox, store_url=settings.store_url
    )
    store = SealedStore(store or open_store(settings.store_url), sealer)
    client = SymblClient(
        settings.base_url,
        store,
        connect_timeout=settings.symbl_connect_timeout,
        read_timeout=settings.symbl_read_timeout,
    )
    default, nebula_key = default_credential(settings)
    credentials = CredentialBook(store)
    credentials.add_own(default)
    webhook = WebhookEndpoint(store, settings.public_url, settings.webhook_secret.get_secret_value())
    insights_pool = ThreadPoolExecutor(max_workers=INSIGHT_THREADS, thread_name_prefix="insights")
    poll_pool = ThreadPoolExecutor(max_workers=POLL_THREADS, thread_name_prefix="poll")
    nebula = NebulaClient(
        settings.nebula_url,
        nebula_key,
        connect_timeout=settings.symbl_connect_timeout,
        read_timeout=max(settings.symbl_read_timeout, NEBULA_MIN_READ_SECONDS),
    )
    enricher = Enricher(
        CallScores(client, store),
        SummaryPages(client, store),
        Asker(client, nebula, store, settings.ask_transcript_max_chars),
        insights_pool,
    )
    insights = InsightsService(client, insights_pool, settings.transcript_max_chars, enricher)
    # links in callbacks: never from a request's Host header in live mode (relative without a public URL)
    callback_base = settings.public_url or ("http://localhost" if settings.sandbox else "")
    finisher = Finisher(store, insights, credentials=credentials, default_base_url=callback_base)
    watcher = JobWatcher(
        client,
        store,
        poll_pool,
        credentials=credentials,
        finisher=finisher,
        poll_min=settings.poll_min_seconds,
        poll_max=settings.poll_max_seconds,
    )
    sender = OutboxSender(
        store,
        callback_secret=settings.callback_secret.get_secret_value(),
        allowlist=effective_allowlist(settings.callback_allowlist, allow_loopback=settings.sandbox),
        retry_hours=settings.callback_retry_hours,
        first_retry_seconds=settings.callback_first_retry_seconds,
    )
    slots = Slots(store, settings.max_concurrent_jobs)
    queue_wake = threading.Event()
    submitter = Submitter(
        client,
        store,
        webhook_url=webhook.url,
        slots=slots,
        on_queued=queue_wake.set,
        add_callback=finisher.add_callback,
    )
    dispatcher = Dispatcher(
        store, slots, submitter, credentials=credentials, track=watcher.track, fail=finisher.fail, wake=queue_wake
    )
    return Facade(
        settings=settings,
        store=store,
        client=client,
        watcher=watcher,
        waiter=Waiter(store, watcher),
        submitter=submitter,
        insights=insights,
        sender=sender,
        default_credential=default,
        key_hashes=configured_hashes(settings.api_keys + settings.admin_keys),
        admin_hashes=configured_hashes(settings.admin_keys),
        credentials=credentials,
        webhook=webhook,
        dispatcher=dispatcher,
        batches=Batches(store, submitter),
        trackers=TrackerService(client, store, call_seconds=max(settings.symbl_read_timeout, TRACKER_CALL_MIN_SECONDS)),
    )
