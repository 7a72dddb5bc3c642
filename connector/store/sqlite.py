"""SQLite backend: the embedded default, one file shared by the workers of one machine.

Durability: WAL journal with ``synchronous=FULL``, so a write is on disk when the call returns
(a submission survives SIGKILL, and power loss, right after `put_submission`). Concurrency:
``busy_timeout`` lets the workers of one machine (gunicorn processes) share the file; every
multi-step write is one ``BEGIN IMMEDIATE`` transaction. Connections come from a small pool
(not thread-locals) so the store behaves the same under threads and gevent greenlets.

Notifications are rows in a ``notifications`` table; one daemon thread per store polls it every
~50 ms for rows after the last one it saw, which wakes listeners in every process on the machine
within a fraction of a second. Old rows are pruned after a minute.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from connector.status import TERMINAL_STATUSES, JobStatus
from connector.store import keys, legacy
from connector.store.base import (
    BatchItem,
    BatchRecord,
    Hook,
    OutboxEvent,
    OutboxStatus,
    StoreUnavailable,
    Submission,
)

log = logging.getLogger(__name__)

POLL_INTERVAL = 0.05
"""Seconds between two reads of the notifications table by the listener thread."""
NOTIFICATION_RETENTION = 60.0
"""Seconds a notification row is kept (listeners only need the last few hundred milliseconds)."""
BUSY_TIMEOUT_MS = 5000
INIT_SECONDS = 30.0
MAX_IDLE_CONNECTIONS = 8
_CLEANUP_EVERY = 200  # writes between two opportunistic deletions of expired rows

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    job_id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    api_key_id TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    options TEXT NOT NULL,
    callback_url TEXT,
    error TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_by_key ON submissions (api_key_id, created_at);
CREATE INDEX IF NOT EXISTS submissions_by_conversation ON submissions (conversation_id, created_at);
CREATE INDEX IF NOT EXISTS submissions_pending ON submissions (created_at)
    WHERE status NOT IN ('completed', 'failed');
CREATE TABLE IF NOT EXISTS kv (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS hooks (
    id TEXT PRIMARY KEY,
    api_key_id TEXT NOT NULL,
    target_url TEXT NOT NULL,
    event TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS hooks_by_key ON hooks (api_key_id, created_at);
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    event TEXT NOT NULL,
    target_url TEXT NOT NULL,
    hook_id TEXT,
    job_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at REAL NOT NULL,
    created_at REAL NOT NULL,
    last_error TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS submissions_queued ON submissions (created_at, job_id) WHERE status = 'queued';
CREATE INDEX IF NOT EXISTS submissions_in_flight ON submissions (credential_id)
    WHERE status IN ('scheduled', 'in_progress');
CREATE TABLE IF NOT EXISTS aliases (
    alias TEXT PRIMARY KEY,
    job_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    id TEXT PRIMARY KEY,
    api_key_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    callback_url TEXT,
    cancelled_at REAL
);
CREATE TABLE IF NOT EXISTS batch_items (
    batch_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    name TEXT NOT NULL,
    item_key TEXT NOT NULL,
    job_id TEXT NOT NULL,
    reused INTEGER NOT NULL,
    PRIMARY KEY (batch_id, idx)
);
CREATE TABLE IF NOT EXISTS notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""

_SUBMISSION_COLUMNS = (
    "job_id, conversation_id, api_key_id, credential_id, status, kind, name, options, "
    "callback_url, error, created_at, updated_at"
)
_OUTBOX_COLUMNS = (
    "id, kind, event, target_url, hook_id, job_id, payload, status, attempts, next_attempt_at, created_at, last_error"
)


def _check_ttl(ttl: float) -> None:
    if not ttl > 0:
        raise ValueError(f"ttl must be a positive number of seconds, got {ttl!r}")


def _owner_only(path: str) -> None:
    """Create the database file readable and writable by its owner only (0600) before SQLite opens
    it; SQLite gives its -wal and -shm files the database file's mode. An existing file is
    tightened too (when this user owns it)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_uid == os.getuid():
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.chmod(path + suffix, 0o600)


class SqliteStore:
    """The `Store` on one SQLite file (see the module docstring)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.path.abspath(os.fspath(path))
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        _owner_only(self.path)
        self._idle: list[sqlite3.Connection] = []
        self._pid = os.getpid()
        self._pool_lock = threading.Lock()
        self._closed = False
        self._writes = 0
        self._listen_lock = threading.Lock()
        self._handlers: dict[int, tuple[Callable[[str, str], None], int]] = {}
        self._next_handler = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._create_schema()

    def _create_schema(self) -> None:
        """Create the tables (IF NOT EXISTS makes it idempotent). Workers that boot together race
        to switch a new file to WAL, and SQLite answers "locked" at once there, without waiting
        for its busy timeout: so retry for a while."""
        deadline = time.monotonic() + INIT_SECONDS
        while True:
            try:
                with self._conn() as conn:
                    conn.executescript(_SCHEMA)
                return
            except StoreUnavailable as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02 + random.random() * 0.05)

    # -- connections ------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            self._prepare(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":  # a reader needs no lock to ask
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.create_function("casefold", 1, lambda s: s.casefold() if isinstance(s, str) else s, deterministic=True)

    @contextlib.contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        """Lend a pooled connection in autocommit mode; translate SQLite's operational errors."""
        if self._closed:
            raise StoreUnavailable("The SQLite store has been closed.")
        with self._pool_lock:
            if self._pid != os.getpid():  # forked (gunicorn --preload): never reuse the parent's connections
                self._idle, self._pid = [], os.getpid()
            conn = self._idle.pop() if self._idle else None
        try:
            if conn is None:
                conn = self._connect()
            yield conn
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(f"The SQLite store at {self.path} cannot be used: {exc}.") from exc
        finally:
            if conn is not None:
                if conn.in_transaction:  # an error left a transaction open: do not lend it again
                    conn.close()
                else:
                    with self._pool_lock:
                        keep = not self._closed and len(self._idle) < MAX_IDLE_CONNECTIONS
                        if keep:
                            self._idle.append(conn)
                    if not keep:
                        conn.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """Run a block as one write transaction (taken up front, so it never deadlocks on upgrade)."""
        with self._conn() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _maybe_cleanup(self, conn: sqlite3.Connection) -> None:
        """Every few hundred writes, drop expired values and old notifications."""
        self._writes += 1
        if self._writes % _CLEANUP_EVERY == 0:
            now = time.time()
            conn.execute("DELETE FROM kv WHERE expires_at <= ?", (now,))
            conn.execute("DELETE FROM notifications WHERE created_at < ?", (now - NOTIFICATION_RETENTION,))

    # -- health -----------------------------------------------------------------------
    def ping(self) -> None:
        """Raise `StoreUnavailable` unless the file can be read."""
        with self._conn() as conn:
            conn.execute("SELECT 1 FROM submissions LIMIT 1").fetchall()

    def close(self) -> None:
        """Stop the listener thread and close the pooled connections."""
        self._closed = True
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2)
        with self._pool_lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    # -- small expiring values -------------------------------------------------------
    def kv_get(self, key: str) -> str | None:
        """Return the value, or None when absent or expired."""
        with self._conn() as conn:
            row = conn.execute("SELECT value FROM kv WHERE key = ? AND expires_at > ?", (key, time.time())).fetchone()
        return row[0] if row else None

    def kv_set(self, key: str, value: str, ttl: float) -> None:
        """Set a value that expires after ``ttl`` seconds."""
        _check_ttl(ttl)
        with self._conn() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO kv (key, value, expires_at) VALUES (?, ?, ?)", (key, value, time.time() + ttl)
            )
            self._maybe_cleanup(conn)

    def kv_set_if_absent(self, key: str, value: str, ttl: float) -> bool:
        """Atomically set the value only if the key is absent or expired; True if it was set."""
        _check_ttl(ttl)
        now = time.time()
        with self._conn() as conn:
            cur = conn.execute(
                "INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at "
                "WHERE kv.expires_at <= ?",
                (key, value, now + ttl, now),
            )
            self._maybe_cleanup(conn)
            return cur.rowcount == 1

    def kv_delete(self, key: str, expected: str | None = None) -> bool:
        """Delete the key (only if its value is ``expected``, when given); True if deleted."""
        sql, args = "DELETE FROM kv WHERE key = ? AND expires_at > ?", [key, time.time()]
        if expected is not None:
            sql += " AND value = ?"
            args.append(expected)
        with self._conn() as conn:
            return conn.execute(sql, args).rowcount == 1

    # -- submissions -----------------------------------------------------------------
    def put_submission(self, sub: Submission) -> None:
        """Insert or replace a submission, durably, before returning."""
        row = _submission_row(sub)
        with self._conn() as conn:
            conn.execute(f"INSERT OR REPLACE INTO submissions ({_SUBMISSION_COLUMNS}) VALUES ({_marks(12)})", row)

    def get_submission(self, job_id: str) -> Submission | None:
        """Return the submission of a job (following a queued ID's alias to the dispatched job)."""
        return self._one_submission(
            "WHERE job_id = ? OR job_id = (SELECT job_id FROM aliases WHERE alias = ?) LIMIT 1", (job_id, job_id)
        )

    def latest_submission(self, conversation_id: str) -> Submission | None:
        """Return the newest submission (by created_at) of a conversation."""
        return self._one_submission(
            "WHERE conversation_id = ? ORDER BY created_at DESC, job_id DESC LIMIT 1", (conversation_id,)
        )

    def list_submissions(
        self,
        api_key_id: str,
        *,
        name: str | None = None,
        since: float | None = None,
        status: str | None = None,
        limit: int = 50,
    ) -> list[Submission]:
        """Return one key's submissions, newest first; ``name`` matches a substring, case-insensitively."""
        where: list[str] = ["api_key_id = ?"]
        args: list[Any] = [api_key_id]
        if name:
            where.append("instr(casefold(name), ?) > 0")
            args.append(name.casefold())
        if since is not None:
            where.append("created_at >= ?")
            args.append(since)
        if status is not None:
            where.append("status = ?")
            args.append(status)
        args.append(max(0, limit))
        return self._submissions(f"WHERE {' AND '.join(where)} ORDER BY created_at DESC, job_id DESC LIMIT ?", args)

    def pending_submissions(self, limit: int = 500) -> list[Submission]:
        """Return submissions whose status is not terminal (completed/failed), oldest first."""
        return self._submissions(
            "WHERE status NOT IN ('completed', 'failed') ORDER BY created_at, job_id LIMIT ?", (max(0, limit),)
        )

    def put_submissions(self, subs: list[Submission]) -> None:
        """Insert or replace many submissions in one durable transaction."""
        with self._tx() as conn:
            conn.executemany(
                f"INSERT OR REPLACE INTO submissions ({_SUBMISSION_COLUMNS}) VALUES ({_marks(12)})",
                [_submission_row(sub) for sub in subs],
            )

    def queued_submissions(self, limit: int = 1000) -> list[Submission]:
        """Return submissions whose status is ``queued``, oldest first."""
        return self._submissions("WHERE status = 'queued' ORDER BY created_at, job_id LIMIT ?", (max(0, limit),))

    def count_in_flight(self, credential_id: str) -> int:
        """The credential's submissions at Symbl and not finished (scheduled or in_progress)."""
        with self._conn() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM submissions WHERE credential_id = ? AND status IN ('scheduled', 'in_progress')",
                (credential_id,),
            ).fetchone()
        return int(row[0])

    def dispatch_submission(self, queued_id: str, sub: Submission) -> bool:
        """Replace the queued submission by the dispatched one and alias its ID, in one transaction."""
        with self._tx() as conn:
            gone = conn.execute("DELETE FROM submissions WHERE job_id = ? AND status = 'queued'", (queued_id,))
            if gone.rowcount != 1:
                return False
            conn.execute(
                f"INSERT OR REPLACE INTO submissions ({_SUBMISSION_COLUMNS}) VALUES ({_marks(12)})",
                _submission_row(sub),
            )
            conn.execute("INSERT OR REPLACE INTO aliases (alias, job_id) VALUES (?, ?)", (queued_id, sub.job_id))
            return True

    def set_status(self, job_id: str, status: JobStatus) -> bool:
        """Record a non-terminal status change; a no-op (False) if the job is already terminal."""
        if status in TERMINAL_STATUSES:
            raise ValueError(f"set_status records non-terminal states; use finish_submission for {status!r}")
        with self._conn() as conn:
            cur = conn.execute(
                "UPDATE submissions SET status = ?, updated_at = ? "
                "WHERE job_id = ? AND status NOT IN ('completed', 'failed')",
                (status, time.time(), job_id),
            )
            return cur.rowcount == 1

    def finish_submission(
        self, job_id: str, status: JobStatus, error: dict[str, Any] | None, events: list[OutboxEvent]
    ) -> bool:
        """Atomically move a job to a terminal status and enqueue its deliveries (first call only)."""
        if status not in TERMINAL_STATUSES:
            raise ValueError(f"finish_submission needs a terminal status (completed/failed), got {status!r}")
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE submissions SET status = ?, error = ?, updated_at = ? "
                "WHERE job_id = ? AND status NOT IN ('completed', 'failed')",
                (status, _dumps(error) if error is not None else None, time.time(), job_id),
            )
            if cur.rowcount != 1:
                return False
            conn.executemany(
                f"INSERT OR IGNORE INTO outbox ({_OUTBOX_COLUMNS}) VALUES ({_marks(12)})",
                [_event_row(ev) for ev in events],
            )
            return True

    def _one_submission(self, clause: str, args: Any) -> Submission | None:
        found = self._submissions(clause, args)
        return found[0] if found else None

    def _submissions(self, clause: str, args: Any) -> list[Submission]:
        with self._conn() as conn:
            rows = conn.execute(f"SELECT {_SUBMISSION_COLUMNS} FROM submissions {clause}", args).fetchall()
        return [_submission(row) for row in rows]

    # -- batches ------------------------------------------------------------------------
    def put_batch(self, batch: BatchRecord, items: list[BatchItem]) -> None:
        """Save a new batch with its items, durably, in one step."""
        with self._tx() as conn:
            self._insert_batch(conn, batch, items, "INSERT")

    @staticmethod
    def _insert_batch(conn: sqlite3.Connection, batch: BatchRecord, items: list[BatchItem], verb: str) -> None:
        conn.execute(
            f"{verb} INTO batches (id, api_key_id, created_at, callback_url, cancelled_at) VALUES (?, ?, ?, ?, ?)",
            (batch.id, batch.api_key_id, batch.created_at, batch.callback_url, batch.cancelled_at),
        )
        conn.executemany(
            f"{verb} INTO batch_items (batch_id, idx, name, item_key, job_id, reused) VALUES (?, ?, ?, ?, ?, ?)",
            [(batch.id, i.index, i.name, i.key, i.job_id, int(i.reused)) for i in items],
        )

    def _move_legacy_batch(self, batch_id: str) -> None:
        """Move an old ``batch:<id>`` value into the tables (see `legacy.py`), if there is one.
        Insert-if-absent and the delete are one transaction, so racing workers never insert twice."""
        key = keys.legacy_batch(batch_id)
        raw = self.kv_get(key)
        found = legacy.parse_batch(batch_id, raw) if raw is not None else None
        if found is None:
            return
        with self._tx() as conn:
            self._insert_batch(conn, *found, "INSERT OR IGNORE")
            conn.execute("DELETE FROM kv WHERE key = ?", (key,))

    def get_batch(self, batch_id: str) -> BatchRecord | None:
        """Return a batch by ID (moving an old-format one first, see `legacy.py`)."""
        record = self._read_batch(batch_id)
        if record is None:
            self._move_legacy_batch(batch_id)
            record = self._read_batch(batch_id)  # moved by this call or by a racing worker
        return record

    def _read_batch(self, batch_id: str) -> BatchRecord | None:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT id, api_key_id, created_at, callback_url, cancelled_at FROM batches WHERE id = ?", (batch_id,)
            ).fetchone()
        if row is None:
            return None
        return BatchRecord(id=row[0], api_key_id=row[1], created_at=row[2], callback_url=row[3], cancelled_at=row[4])

    def batch_items(self, batch_id: str) -> list[BatchItem]:
        """Return a batch's items in index order (moving an old-format batch first, see `legacy.py`)."""
        items = self._read_items(batch_id)
        if not items:
            self._move_legacy_batch(batch_id)
            items = self._read_items(batch_id)
        return items

    def _read_items(self, batch_id: str) -> list[BatchItem]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT idx, name, item_key, job_id, reused FROM batch_items WHERE batch_id = ? ORDER BY idx",
                (batch_id,),
            ).fetchall()
        return [BatchItem(index=r[0], name=r[1], key=r[2], job_id=r[3], reused=bool(r[4])) for r in rows]

    def cancel_batch(self, batch_id: str, at: float) -> None:
        """Record that the batch was cancelled at ``at`` (the first time only)."""
        with self._conn() as conn:
            conn.execute("UPDATE batches SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL", (at, batch_id))

    # -- hooks -----------------------------------------------------------------------
    def add_hook(self, hook: Hook) -> None:
        """Save a subscription."""
        with self._conn() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO hooks (id, api_key_id, target_url, event, secret, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (hook.id, hook.api_key_id, hook.target_url, hook.event, hook.secret, hook.created_at),
            )

    def get_hook(self, hook_id: str) -> Hook | None:
        """Return a subscription by ID."""
        found = self._hooks("WHERE id = ?", (hook_id,))
        return found[0] if found else None

    def list_hooks(self, api_key_id: str, event: str | None = None) -> list[Hook]:
        """Return one key's subscriptions, oldest first, optionally for one event."""
        if event is None:
            return self._hooks("WHERE api_key_id = ? ORDER BY created_at, id", (api_key_id,))
        return self._hooks("WHERE api_key_id = ? AND event = ? ORDER BY created_at, id", (api_key_id, event))

    def delete_hook(self, api_key_id: str, hook_id: str) -> bool:
        """Delete one of the key's subscriptions; False if it does not exist or is another key's."""
        with self._conn() as conn:
            return (
                conn.execute("DELETE FROM hooks WHERE id = ? AND api_key_id = ?", (hook_id, api_key_id)).rowcount == 1
            )

    def _hooks(self, clause: str, args: Any) -> list[Hook]:
        with self._conn() as conn:
            rows = conn.execute(
                f"SELECT id, api_key_id, target_url, event, secret, created_at FROM hooks {clause}", args
            )
            names = ("id", "api_key_id", "target_url", "event", "secret", "created_at")
            return [Hook(**dict(zip(names, row, strict=True))) for row in rows.fetchall()]

    # -- outbox ----------------------------------------------------------------------
    def due_events(self, now: float, limit: int = 50) -> list[OutboxEvent]:
        """Return pending events whose next attempt is due, oldest first."""
        return self._events(
            "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
            (now, max(0, limit)),
        )

    def get_event(self, event_id: str) -> OutboxEvent | None:
        """Return an event by ID."""
        found = self._events("WHERE id = ?", (event_id,))
        return found[0] if found else None

    def add_event(self, event: OutboxEvent) -> bool:
        """Enqueue one delivery unless an event with its ID exists; True if added."""
        with self._tx() as conn:
            cur = conn.execute(
                f"INSERT OR IGNORE INTO outbox ({_OUTBOX_COLUMNS}) VALUES ({_marks(12)})", _event_row(event)
            )
            return cur.rowcount == 1

    def update_event(
        self, event_id: str, *, status: OutboxStatus, attempts: int, next_attempt_at: float, last_error: str = ""
    ) -> None:
        """Record a delivery attempt's outcome (unknown IDs are ignored)."""
        with self._conn() as conn:
            conn.execute(
                "UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
                (status, attempts, next_attempt_at, last_error, event_id),
            )

    def outbox_counts(self) -> dict[str, int]:
        """Return the number of events per status (pending, delivered, dead)."""
        counts = {"pending": 0, "delivered": 0, "dead": 0}
        with self._conn() as conn:
            for status, count in conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status"):
                counts[status] = count
        return counts

    def _events(self, clause: str, args: Any) -> list[OutboxEvent]:
        with self._conn() as conn:
            rows = conn.execute(f"SELECT {_OUTBOX_COLUMNS} FROM outbox {clause}", args).fetchall()
        names = [c.strip() for c in _OUTBOX_COLUMNS.split(",")]
        return [OutboxEvent(**dict(zip(names, row, strict=True))) for row in rows]

    # -- notifications ------------------------------------------------------------------
    def publish(self, job_id: str, status: str) -> None:
        """Tell every listener (in any process on this machine) that a job's status changed."""
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO notifications (job_id, status, created_at) VALUES (?, ?, ?)", (job_id, status, time.time())
            )
            self._maybe_cleanup(conn)

    def listen(self, handler: Callable[[str, str], None]) -> Callable[[], None]:
        """Call ``handler(job_id, status)`` for every later publish, from the poller thread."""
        with self._conn() as conn:
            start = conn.execute("SELECT COALESCE(MAX(id), 0) FROM notifications").fetchone()[0]
        with self._listen_lock:
            token = self._next_handler
            self._next_handler += 1
            self._handlers[token] = (handler, start)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._poll, args=(start,), name=f"sqlite-store-listen-{id(self):x}", daemon=True
                )
                self._thread.start()

        def stop() -> None:
            with self._listen_lock:
                self._handlers.pop(token, None)

        return stop

    def _poll(self, last_id: int) -> None:
        """Read new notification rows every POLL_INTERVAL and hand them to the handlers."""
        conn: sqlite3.Connection | None = None
        next_prune = time.monotonic() + 10
        while not self._stop.is_set():
            try:
                if conn is None:
                    conn = self._connect()
                rows = conn.execute(
                    "SELECT id, job_id, status FROM notifications WHERE id > ? ORDER BY id", (last_id,)
                ).fetchall()
                if time.monotonic() >= next_prune:
                    next_prune = time.monotonic() + 10
                    conn.execute(
                        "DELETE FROM notifications WHERE created_at < ?", (time.time() - NOTIFICATION_RETENTION,)
                    )
            except sqlite3.Error:
                log.warning("notification poll on %s failed; retrying", self.path, exc_info=True)
                rows = []
            for row_id, job_id, status in rows:
                last_id = row_id
                with self._listen_lock:
                    handlers = list(self._handlers.values())
                for handler, start in handlers:
                    if row_id > start:
                        try:
                            handler(job_id, status)
                        except Exception:
                            log.exception("notification handler failed for job %s", job_id)
            self._stop.wait(POLL_INTERVAL)
        if conn is not None:
            conn.close()


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _submission_row(sub: Submission) -> tuple[Any, ...]:
    return (
        sub.job_id, sub.conversation_id, sub.api_key_id, sub.credential_id, sub.status, sub.kind, sub.name,
        _dumps(sub.options), sub.callback_url, _dumps(sub.error) if sub.error is not None else None,
        sub.created_at, sub.updated_at,
    )  # fmt: skip


def _submission(row: tuple[Any, ...]) -> Submission:
    (job_id, conversation_id, api_key_id, credential_id, status, kind, name, options, callback_url, error,
     created_at, updated_at) = row  # fmt: skip
    return Submission(
        job_id=job_id, conversation_id=conversation_id, api_key_id=api_key_id, credential_id=credential_id,
        status=status, kind=kind, name=name, options=json.loads(options), callback_url=callback_url,
        error=json.loads(error) if error is not None else None, created_at=created_at, updated_at=updated_at,
    )  # fmt: skip


def _event_row(ev: OutboxEvent) -> tuple[Any, ...]:
    return (
        ev.id, ev.kind, ev.event, ev.target_url, ev.hook_id, ev.job_id, ev.payload, ev.status, ev.attempts,
        ev.next_attempt_at, ev.created_at, ev.last_error,
    )  # fmt: skip
