"""Redis backend: shared by several facade processes or machines.

Layout (every key starts with the prefix, ``connector:`` by default):

- ``kv:<key>``: a string with a TTL (token cache, idempotency keys, leases);
- ``sub:<job_id>``: a hash per submission; ``subs:key:<api_key_id>`` and ``subs:conv:<conversation_id>``
  are sorted sets of job IDs by created_at; ``subs:pending`` holds the non-terminal ones (the
  queue and the in-flight count are scans of it); ``alias:<queued_id>`` names the job a queued
  submission became;
- ``batch:<id>``: a hash per batch; ``batch-items:<id>`` the list of its items (JSON, in index order);
  a batch of an older version (``kv:batch:<id>``, one JSON string) is moved there on first read (`legacy.py`);
- ``hook:<id>``: a hash per subscription; ``hooks:key:<api_key_id>`` a sorted set by created_at;
- ``event:<id>``: a hash per outbox event; ``outbox:pending`` is a sorted set by next attempt time,
  ``outbox:delivered`` and ``outbox:dead`` hold the others;
- channel ``notify``: pub/sub for job status changes, read by one background thread per store.

Every multi-key change is one Lua script, so it is atomic across processes and machines. The
scripts derive some keys from the prefix, which is fine on one Redis (not on a Redis Cluster).
Connection and timeout errors become `StoreUnavailable` (socket timeouts of 2 s, so a dead Redis is
reported quickly); the client reconnects by itself once Redis is back. Notifications published while
the listener is disconnected are lost: waiters must also poll (the job tracker does).

Durability is Redis's own: for "never lose a submission" run Redis with ``appendonly yes`` (and
``appendfsync always`` to survive power loss, not only a crash of the facade).
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit, urlunsplit

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

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

DEFAULT_PREFIX = "connector:"
SOCKET_TIMEOUT = 2.0
"""Seconds before a silent Redis is reported as unavailable."""
SUBSCRIBE_WAIT = 2.0
"""Seconds `listen` waits for the subscription before returning anyway (it keeps retrying)."""
_PAGE = 200
_OUTBOX_STATUSES: tuple[OutboxStatus, ...] = ("pending", "delivered", "dead")
_UNAVAILABLE = (
    redis.exceptions.ConnectionError,  # includes refused connections, authentication and loading errors
    redis.exceptions.TimeoutError,
    redis.exceptions.ReadOnlyError,  # a replica after a failover
    redis.exceptions.InvalidResponse,  # not a Redis server at that address
)

P = ParamSpec("P")
R = TypeVar("R")

# KEYS: sub, pending, key index, conversation index. ARGV: job_id, created_at, terminal?, prefix, fields...
_PUT_SUBMISSION = """
local old = redis.call('HMGET', KEYS[1], 'api_key_id', 'conversation_id')
if old[1] then redis.call('ZREM', ARGV[4] .. 'subs:key:' .. old[1], ARGV[1]) end
if old[2] then redis.call('ZREM', ARGV[4] .. 'subs:conv:' .. old[2], ARGV[1]) end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
if ARGV[3] == '1' then redis.call('ZREM', KEYS[2], ARGV[1]) else redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1]) end
return 1
"""

# KEYS: queued sub, pending, new sub, new key index, new conversation index, alias.
# ARGV: queued_id, job_id, created_at, terminal?, prefix, fields...
_DISPATCH = """
if redis.call('HGET', KEYS[1], 'status') ~= 'queued' then return 0 end
local q = redis.call('HMGET', KEYS[1], 'api_key_id', 'conversation_id')
redis.call('ZREM', ARGV[5] .. 'subs:key:' .. q[1], ARGV[1])
redis.call('ZREM', ARGV[5] .. 'subs:conv:' .. q[2], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[1])
local old = redis.call('HMGET', KEYS[3], 'api_key_id', 'conversation_id')
if old[1] then redis.call('ZREM', ARGV[5] .. 'subs:key:' .. old[1], ARGV[2]) end
if old[2] then redis.call('ZREM', ARGV[5] .. 'subs:conv:' .. old[2], ARGV[2]) end
redis.call('DEL', KEYS[3])
redis.call('HSET', KEYS[3], unpack(ARGV, 6))
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[2])
redis.call('ZADD', KEYS[5], ARGV[3], ARGV[2])
if ARGV[4] == '1' then redis.call('ZREM', KEYS[2], ARGV[2]) else redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2]) end
redis.call('SET', KEYS[6], ARGV[2])
return 1
"""

# KEYS: sub. ARGV: status, updated_at.
_SET_STATUS = """
local st = redis.call('HGET', KEYS[1], 'status')
if (not st) or st == 'completed' or st == 'failed' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'updated_at', ARGV[2])
return 1
"""

# KEYS: sub, pending, then per event: its hash, its status set.
# ARGV: status, error JSON or '', updated_at, job_id, then per event: id, score, 2n, n field/value pairs.
_FINISH = """
local st = redis.call('HGET', KEYS[1], 'status')
if (not st) or st == 'completed' or st == 'failed' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'updated_at', ARGV[3])
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], 'error') else redis.call('HSET', KEYS[1], 'error', ARGV[2]) end
redis.call('ZREM', KEYS[2], ARGV[4])
local i = 5
for k = 3, #KEYS, 2 do
  local n = tonumber(ARGV[i + 2])
  if redis.call('EXISTS', KEYS[k]) == 0 then
    redis.call('HSET', KEYS[k], unpack(ARGV, i + 3, i + 2 + n))
    redis.call('ZADD', KEYS[k + 1], ARGV[i + 1], ARGV[i])
  end
  i = i + 3 + n
end
return 1
"""

# KEYS: event, its status set. ARGV: id, score, field/value pairs.
_ADD_EVENT = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
"""

# KEYS: event, pending, delivered, dead. ARGV: id, status, attempts, next_attempt_at, last_error, target (2..4).
_UPDATE_EVENT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'attempts', ARGV[3], 'next_attempt_at', ARGV[4], 'last_error', ARGV[5])
for k = 2, 4 do redis.call('ZREM', KEYS[k], ARGV[1]) end
redis.call('ZADD', KEYS[tonumber(ARGV[6])], ARGV[4], ARGV[1])
return 1
"""

# KEYS: hook, key index. ARGV: prefix, id, created_at, fields...
_ADD_HOOK = """
local old = redis.call('HGET', KEYS[1], 'api_key_id')
if old then redis.call('ZREM', ARGV[1] .. 'hooks:key:' .. old, ARGV[2]) end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
return 1
"""

# KEYS: hook, key index. ARGV: api_key_id, id.
_DELETE_HOOK = """
if redis.call('HGET', KEYS[1], 'api_key_id') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
"""

# KEYS: batch, batch items, old kv value. ARGV: number of hash fields and values n, n fields and values, items...
_MOVE_BATCH = """
local n = tonumber(ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 2, n + 1))
  for i = n + 2, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
end
redis.call('DEL', KEYS[3])
return 1
"""

# KEYS: key. ARGV: expected value.
_COMPARE_AND_DELETE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _translated(method: Callable[P, R]) -> Callable[P, R]:
    """Turn Redis connection and timeout errors into `StoreUnavailable`."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except _UNAVAILABLE as exc:
            store: RedisStore = args[0]  # type: ignore[assignment]
            raise StoreUnavailable(f"Redis at {store.safe_url} cannot be reached: {exc}") from exc

    return wrapper


def _check_ttl(ttl: float) -> None:
    if not ttl > 0:
        raise ValueError(f"ttl must be a positive number of seconds, got {ttl!r}")


class RedisStore:
    """The `Store` on one Redis database (see the module docstring)."""

    def __init__(self, url: str, *, prefix: str = DEFAULT_PREFIX) -> None:
        self.prefix = prefix
        self.safe_url = _without_password(url)
        self._client: redis.Redis = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=SOCKET_TIMEOUT,
            socket_connect_timeout=SOCKET_TIMEOUT,
            health_check_interval=10,
            # retry only when the command surely did not run (a dropped pooled connection after a
            # restart); a timeout may have run it, so it is reported instead of repeated
            retry=Retry(
                ExponentialBackoff(cap=0.5, base=0.05), 2, supported_errors=(redis.exceptions.ConnectionError,)
            ),
        )
        reg = self._client.register_script
        self._put_submission = reg(_PUT_SUBMISSION)
        self._set_status = reg(_SET_STATUS)
        self._dispatch_script = reg(_DISPATCH)
        self._finish = reg(_FINISH)
        self._update_event = reg(_UPDATE_EVENT)
        self._add_event = reg(_ADD_EVENT)
        self._add_hook = reg(_ADD_HOOK)
        self._delete_hook = reg(_DELETE_HOOK)
        self._compare_and_delete = reg(_COMPARE_AND_DELETE)
        self._move_batch = reg(_MOVE_BATCH)
        self._channel = prefix + "notify"
        self._listen_lock = threading.Lock()
        self._handlers: dict[int, Callable[[str, str], None]] = {}
        self._next_handler = 0
        self._thread: threading.Thread | None = None
        self._subscribed = threading.Event()
        self._stop = threading.Event()

    def _k(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    # -- health -----------------------------------------------------------------------
    @_translated
    def ping(self) -> None:
        """Raise `StoreUnavailable` unless Redis answers."""
        self._client.ping()

    def close(self) -> None:
        """Stop the listener thread and close the connections."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=3)
        self._client.close()

    # -- small expiring values -------------------------------------------------------
    @_translated
    def kv_get(self, key: str) -> str | None:
        """Return the value, or None when absent or expired."""
        return self._client.get(self._k("kv", key))  # type: ignore[return-value]

    @_translated
    def kv_set(self, key: str, value: str, ttl: float) -> None:
        """Set a value that expires after ``ttl`` seconds."""
        _check_ttl(ttl)
        self._client.set(self._k("kv", key), value, px=max(1, round(ttl * 1000)))

    @_translated
    def kv_set_if_absent(self, key: str, value: str, ttl: float) -> bool:
        """Atomically set the value only if the key is absent or expired; True if it was set."""
        _check_ttl(ttl)
        return bool(self._client.set(self._k("kv", key), value, px=max(1, round(ttl * 1000)), nx=True))

    @_translated
    def kv_delete(self, key: str, expected: str | None = None) -> bool:
        """Delete the key (only if its value is ``expected``, when given); True if deleted."""
        if expected is None:
            return self._client.delete(self._k("kv", key)) == 1
        return self._compare_and_delete(keys=[self._k("kv", key)], args=[expected]) == 1

    # -- submissions -----------------------------------------------------------------
    @_translated
    def put_submission(self, sub: Submission) -> None:
        """Insert or replace a submission before returning (durable as Redis is configured)."""
        self._put_submission(**self._put_call(sub))

    @_translated
    def put_submissions(self, subs: list[Submission]) -> None:
        """Insert or replace many submissions in one pipelined round trip."""
        pipe = self._client.pipeline(transaction=True)
        for sub in subs:
            self._put_submission(**self._put_call(sub), client=pipe)
        pipe.execute()

    @_translated
    def queued_submissions(self, limit: int = 1000) -> list[Submission]:
        """Return submissions whose status is ``queued``, oldest first (a scan of the pending set)."""
        found: list[str] = []
        for job_id, fields in self._pending_fields("status"):
            if fields[0] == "queued":
                found.append(job_id)
                if len(found) >= limit:
                    break
        return self._submissions(found)

    @_translated
    def count_in_flight(self, credential_id: str) -> int:
        """The credential's submissions at Symbl and not finished (a scan of the pending set)."""
        return sum(
            1
            for _, (status, cred) in self._pending_fields("status", "credential_id")
            if cred == credential_id and status in ("scheduled", "in_progress")
        )

    @_translated
    def dispatch_submission(self, queued_id: str, sub: Submission) -> bool:
        """Replace the queued submission by the dispatched one and alias its ID, in one script."""
        call = self._put_call(sub)
        keys = [
            self._k("sub", queued_id),
            self._k("subs", "pending"),
            *call["keys"][0:1],
            *call["keys"][2:4],
            self._k("alias", queued_id),
        ]
        fields = call["args"][4:]
        args = [queued_id, sub.job_id, repr(sub.created_at), call["args"][2], self.prefix, *fields]
        return self._dispatch_script(keys=keys, args=args) == 1

    def _pending_fields(self, *names: str) -> Iterable[tuple[str, list[str | None]]]:
        """(job_id, [field values]) of every pending submission, oldest first, in pages."""
        start = 0
        while True:
            ids: list[str] = self._client.zrange(self._k("subs", "pending"), start, start + _PAGE * 5 - 1)  # type: ignore[assignment]
            if not ids:
                return
            pipe = self._client.pipeline(transaction=False)
            for job_id in ids:
                pipe.hmget(self._k("sub", job_id), list(names))
            yield from zip(ids, pipe.execute(), strict=True)
            if len(ids) < _PAGE * 5:
                return
            start += _PAGE * 5

    def _put_call(self, sub: Submission) -> dict[str, Any]:
        fields: dict[str, str] = {
            "job_id": sub.job_id, "conversation_id": sub.conversation_id, "api_key_id": sub.api_key_id,
            "credential_id": sub.credential_id, "status": sub.status, "kind": sub.kind, "name": sub.name,
            "options": json.dumps(sub.options), "created_at": repr(sub.created_at), "updated_at": repr(sub.updated_at),
        }  # fmt: skip
        if sub.callback_url is not None:
            fields["callback_url"] = sub.callback_url
        if sub.error is not None:
            fields["error"] = json.dumps(sub.error)
        keys = [self._k("sub", sub.job_id), self._k("subs", "pending"), self._k("subs", "key", sub.api_key_id),
                self._k("subs", "conv", sub.conversation_id)]  # fmt: skip
        terminal = "1" if sub.status in TERMINAL_STATUSES else "0"
        return {"keys": keys, "args": [sub.job_id, repr(sub.created_at), terminal, self.prefix, *_flat(fields)]}

    @_translated
    def get_submission(self, job_id: str) -> Submission | None:
        """Return the submission of a job (following a queued ID's alias to the dispatched job)."""
        found = self._submissions([job_id])
        if not found:
            target = self._client.get(self._k("alias", job_id))
            found = self._submissions([target]) if target else []  # type: ignore[list-item]
        return found[0] if found else None

    @_translated
    def latest_submission(self, conversation_id: str) -> Submission | None:
        """Return the newest submission (by created_at) of a conversation."""
        newest = self._client.zrevrange(self._k("subs", "conv", conversation_id), 0, 0)
        found = self._submissions(newest)  # type: ignore[arg-type]
        return found[0] if found else None

    @_translated
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
        needle = name.casefold() if name else None
        index, low = self._k("subs", "key", api_key_id), "-inf" if since is None else repr(since)
        found: list[Submission] = []
        start = 0
        while len(found) < limit:
            ids = self._client.zrevrangebyscore(index, "+inf", low, start=start, num=_PAGE)
            for sub in self._submissions(ids):  # type: ignore[arg-type]
                if (needle is None or needle in sub.name.casefold()) and (status is None or sub.status == status):
                    found.append(sub)
            if len(ids) < _PAGE:  # type: ignore[arg-type,unused-ignore]
                break
            start += _PAGE
        return found[: max(0, limit)]

    @_translated
    def pending_submissions(self, limit: int = 500) -> list[Submission]:
        """Return submissions whose status is not terminal (completed/failed), oldest first."""
        if limit <= 0:
            return []
        return self._submissions(self._client.zrange(self._k("subs", "pending"), 0, limit - 1))  # type: ignore[arg-type]

    @_translated
    def set_status(self, job_id: str, status: JobStatus) -> bool:
        """Record a non-terminal status change; a no-op (False) if the job is already terminal."""
        if status in TERMINAL_STATUSES:
            raise ValueError(f"set_status records non-terminal states; use finish_submission for {status!r}")
        return self._set_status(keys=[self._k("sub", job_id)], args=[status, repr(time.time())]) == 1

    @_translated
    def finish_submission(
        self, job_id: str, status: JobStatus, error: dict[str, Any] | None, events: list[OutboxEvent]
    ) -> bool:
        """Atomically move a job to a terminal status and enqueue its deliveries (first call only)."""
        if status not in TERMINAL_STATUSES:
            raise ValueError(f"finish_submission needs a terminal status (completed/failed), got {status!r}")
        keys = [self._k("sub", job_id), self._k("subs", "pending")]
        args: list[str] = [status, json.dumps(error) if error is not None else "", repr(time.time()), job_id]
        for ev in events:
            pairs = _flat(_event_fields(ev))
            keys += [self._k("event", ev.id), self._k("outbox", ev.status)]
            args += [ev.id, repr(ev.next_attempt_at), str(len(pairs)), *pairs]
        return self._finish(keys=keys, args=args) == 1

    def _submissions(self, job_ids: Iterable[str]) -> list[Submission]:
        """Read submissions in one round trip, skipping any that vanished."""
        pipe = self._client.pipeline(transaction=False)
        for job_id in job_ids:
            pipe.hgetall(self._k("sub", job_id))
        return [_submission(h) for h in pipe.execute() if h]

    # -- batches ------------------------------------------------------------------------
    @_translated
    def put_batch(self, batch: BatchRecord, items: list[BatchItem]) -> None:
        """Save a new batch with its items, durably, in one step."""
        fields: dict[Any, Any] = _batch_fields(batch)
        pipe = self._client.pipeline(transaction=True)
        pipe.hset(self._k("batch", batch.id), mapping=fields)
        if items:
            pipe.rpush(self._k("batch-items", batch.id), *(i.model_dump_json() for i in items))
        pipe.execute()

    def _move_legacy_batch(self, batch_id: str) -> None:
        """Move an old ``batch:<id>`` value into the hash and list (see `legacy.py`), if there is
        one. Insert-if-absent and the delete are one script, so racing workers never insert twice."""
        key = self._k("kv", keys.legacy_batch(batch_id))
        raw: str | None = self._client.get(key)  # type: ignore[assignment]
        found = legacy.parse_batch(batch_id, raw) if raw is not None else None
        if found is None:
            return
        batch, items = found
        fields = _flat(_batch_fields(batch))
        args = [str(len(fields)), *fields, *(i.model_dump_json() for i in items)]
        self._move_batch(keys=[self._k("batch", batch_id), self._k("batch-items", batch_id), key], args=args)

    @_translated
    def get_batch(self, batch_id: str) -> BatchRecord | None:
        """Return a batch by ID (moving an old-format one first, see `legacy.py`)."""
        record = self._read_batch(batch_id)
        if record is None:
            self._move_legacy_batch(batch_id)
            record = self._read_batch(batch_id)  # moved by this call or by a racing worker
        return record

    def _read_batch(self, batch_id: str) -> BatchRecord | None:
        raw: dict[str, str] = self._client.hgetall(self._k("batch", batch_id))  # type: ignore[assignment]
        if not raw:
            return None
        return BatchRecord.model_validate({k: json.loads(v) for k, v in raw.items()})

    @_translated
    def batch_items(self, batch_id: str) -> list[BatchItem]:
        """Return a batch's items in index order (moving an old-format batch first, see `legacy.py`)."""
        items = self._read_items(batch_id)
        if not items:
            self._move_legacy_batch(batch_id)
            items = self._read_items(batch_id)
        return items

    def _read_items(self, batch_id: str) -> list[BatchItem]:
        rows: list[str] = self._client.lrange(self._k("batch-items", batch_id), 0, -1)  # type: ignore[assignment]
        return [BatchItem.model_validate_json(row) for row in rows]

    @_translated
    def cancel_batch(self, batch_id: str, at: float) -> None:
        """Record that the batch was cancelled at ``at`` (the first time only)."""
        key = self._k("batch", batch_id)
        if self._client.exists(key):
            self._client.hsetnx(key, "cancelled_at", json.dumps(at))

    # -- hooks -----------------------------------------------------------------------
    @_translated
    def add_hook(self, hook: Hook) -> None:
        """Save a subscription."""
        fields = {"id": hook.id, "api_key_id": hook.api_key_id, "target_url": hook.target_url, "event": hook.event,
                  "secret": hook.secret, "created_at": repr(hook.created_at)}  # fmt: skip
        keys = [self._k("hook", hook.id), self._k("hooks", "key", hook.api_key_id)]
        self._add_hook(keys=keys, args=[self.prefix, hook.id, repr(hook.created_at), *_flat(fields)])

    @_translated
    def get_hook(self, hook_id: str) -> Hook | None:
        """Return a subscription by ID."""
        found = self._hooks([hook_id])
        return found[0] if found else None

    @_translated
    def list_hooks(self, api_key_id: str, event: str | None = None) -> list[Hook]:
        """Return one key's subscriptions, oldest first, optionally for one event."""
        hooks = self._hooks(self._client.zrange(self._k("hooks", "key", api_key_id), 0, -1))  # type: ignore[arg-type]
        return [h for h in hooks if event is None or h.event == event]

    @_translated
    def delete_hook(self, api_key_id: str, hook_id: str) -> bool:
        """Delete one of the key's subscriptions; False if it does not exist or is another key's."""
        keys = [self._k("hook", hook_id), self._k("hooks", "key", api_key_id)]
        return self._delete_hook(keys=keys, args=[api_key_id, hook_id]) == 1

    def _hooks(self, hook_ids: Iterable[str]) -> list[Hook]:
        pipe = self._client.pipeline(transaction=False)
        for hook_id in hook_ids:
            pipe.hgetall(self._k("hook", hook_id))
        return [Hook(**{**h, "created_at": float(h["created_at"])}) for h in pipe.execute() if h]

    # -- outbox ----------------------------------------------------------------------
    @_translated
    def due_events(self, now: float, limit: int = 50) -> list[OutboxEvent]:
        """Return pending events whose next attempt is due, oldest first."""
        if limit <= 0:
            return []
        ids = self._client.zrangebyscore(self._k("outbox", "pending"), "-inf", repr(now), start=0, num=limit)
        return self._events(ids)  # type: ignore[arg-type]

    @_translated
    def get_event(self, event_id: str) -> OutboxEvent | None:
        """Return an event by ID."""
        found = self._events([event_id])
        return found[0] if found else None

    @_translated
    def add_event(self, event: OutboxEvent) -> bool:
        """Enqueue one delivery unless an event with its ID exists (one script); True if added."""
        keys = [self._k("event", event.id), self._k("outbox", event.status)]
        args = [event.id, repr(event.next_attempt_at), *_flat(_event_fields(event))]
        return self._add_event(keys=keys, args=args) == 1

    @_translated
    def update_event(
        self, event_id: str, *, status: OutboxStatus, attempts: int, next_attempt_at: float, last_error: str = ""
    ) -> None:
        """Record a delivery attempt's outcome (unknown IDs are ignored)."""
        keys = [self._k("event", event_id), *(self._k("outbox", s) for s in _OUTBOX_STATUSES)]
        target = str(2 + _OUTBOX_STATUSES.index(status))
        self._update_event(keys=keys, args=[event_id, status, str(attempts), repr(next_attempt_at), last_error, target])

    @_translated
    def outbox_counts(self) -> dict[str, int]:
        """Return the number of events per status (pending, delivered, dead)."""
        pipe = self._client.pipeline(transaction=False)
        for status in _OUTBOX_STATUSES:
            pipe.zcard(self._k("outbox", status))
        return dict(zip(_OUTBOX_STATUSES, pipe.execute(), strict=True))

    def _events(self, event_ids: Iterable[str]) -> list[OutboxEvent]:
        pipe = self._client.pipeline(transaction=False)
        for event_id in event_ids:
            pipe.hgetall(self._k("event", event_id))
        return [_event(h) for h in pipe.execute() if h]

    # -- notifications ------------------------------------------------------------------
    @_translated
    def publish(self, job_id: str, status: str) -> None:
        """Tell every listener (in any process or instance) that a job's status changed."""
        self._client.publish(self._channel, json.dumps([job_id, status]))

    def listen(self, handler: Callable[[str, str], None]) -> Callable[[], None]:
        """Call ``handler(job_id, status)`` for every later publish, from the subscriber thread.

        Waits up to SUBSCRIBE_WAIT for the subscription; if Redis is down it returns anyway and the
        thread keeps reconnecting (publishes made meanwhile are not delivered).
        """
        with self._listen_lock:
            token = self._next_handler
            self._next_handler += 1
            self._handlers[token] = handler
            if self._thread is None:
                self._thread = threading.Thread(target=self._subscriber, name=f"redis-store-listen-{id(self):x}",
                                                daemon=True)  # fmt: skip
                self._thread.start()
        if not self._subscribed.wait(SUBSCRIBE_WAIT):
            log.warning("not subscribed to %s on %s yet; will keep trying", self._channel, self.safe_url)

        def stop() -> None:
            with self._listen_lock:
                self._handlers.pop(token, None)

        return stop

    def _subscriber(self) -> None:
        """Receive notifications and hand them to the handlers; reconnect after errors."""
        backoff = 0.1
        while not self._stop.is_set():
            pubsub = self._client.pubsub()
            try:
                pubsub.subscribe(self._channel)
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=0.2)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":
                        self._subscribed.set()
                        backoff = 0.1
                    elif message["type"] == "message":
                        self._dispatch(message["data"])
            except (*_UNAVAILABLE, OSError) as exc:
                self._subscribed.clear()
                log.warning("notification subscription to %s lost (%s); reconnecting", self.safe_url, exc)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 2.0)
            finally:
                try:
                    pubsub.close()
                except Exception:  # closing a broken connection must not kill the thread
                    pass

    def _dispatch(self, data: str) -> None:
        try:
            job_id, status = json.loads(data)
        except (ValueError, TypeError):
            log.warning("ignoring a malformed notification on %s", self._channel)
            return
        with self._listen_lock:
            handlers = list(self._handlers.values())
        for handler in handlers:
            try:
                handler(job_id, status)
            except Exception:
                log.exception("notification handler failed for job %s", job_id)


def _batch_fields(batch: BatchRecord) -> dict[str, str]:
    """A batch's hash: each set field as JSON."""
    return {k: json.dumps(v) for k, v in batch.model_dump().items() if v is not None}


def _flat(fields: dict[str, str]) -> list[str]:
    return [item for pair in fields.items() for item in pair]


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _event_fields(ev: OutboxEvent) -> dict[str, str]:
    fields = {
        "id": ev.id, "kind": ev.kind, "event": ev.event, "target_url": ev.target_url, "job_id": ev.job_id,
        "payload": ev.payload, "status": ev.status, "attempts": str(ev.attempts),
        "next_attempt_at": repr(ev.next_attempt_at), "created_at": repr(ev.created_at), "last_error": ev.last_error,
    }  # fmt: skip
    if ev.hook_id is not None:
        fields["hook_id"] = ev.hook_id
    return fields


def _event(h: dict[str, str]) -> OutboxEvent:
    return OutboxEvent(**{**h, "attempts": int(h["attempts"]), "next_attempt_at": float(h["next_attempt_at"]),
                          "created_at": float(h["created_at"])})  # type: ignore[arg-type]  # fmt: skip


def _submission(h: dict[str, str]) -> Submission:
    return Submission(
        job_id=h["job_id"], conversation_id=h["conversation_id"], api_key_id=h["api_key_id"],
        credential_id=h["credential_id"], status=h["status"], kind=h["kind"], name=h["name"],  # type: ignore[arg-type]
        options=json.loads(h["options"]), callback_url=h.get("callback_url"),
        error=json.loads(h["error"]) if "error" in h else None,
        created_at=float(h["created_at"]), updated_at=float(h["updated_at"]),
    )  # fmt: skip
