"""Submit work to Symbl, idempotently, and record it durably before anyone is answered.

An ``Idempotency-Key`` is claimed in the store before Symbl is called, so concurrent duplicates
(in any worker or instance) wait for the first one and get its submission: never a second job.
If Symbl accepted the job but the record cannot be written, the error carries the IDs.

With SYMBL_MAX_CONCURRENT_JOBS set, a submit first reserves a concurrency slot of its Symbl
credential (connector/queue/slots.py). With none free, or on Symbl's 429, JSON work is recorded
``queued`` (the dispatcher sends it later, connector/queue/dispatch.py) and the caller gets its
facade ID; a file upload waits briefly for a slot, then gets `SymblBusy` (it cannot be stored)."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from connector.jobs import payloads
from connector.jobs.options import ConversationInput
from connector.store import keys
from connector.store.base import Store, StoreUnavailable, Submission
from connector.symbl.client import SymblClient, segment
from connector.symbl.credentials import Credential
from connector.symbl.errors import SymblNotFound, SymblRateLimited

IDEMPOTENCY_TTL = 24 * 3600.0
IDEMPOTENCY_WAIT = 60.0
IDEMPOTENCY_STEP = 0.05
"""How often a repeat request re-reads the first request's outcome."""
UPLOAD_SLOT_WAIT = 5.0
"""Seconds a file upload waits for a concurrency slot before 503 symbl_busy (uploads cannot be queued)."""
FAST_PATH_SECONDS = 10.0
"""With a concurrency limit, how long a direct submit retries Symbl's 429 before queueing instead."""


@dataclass
class Upload:
    """A file body streamed straight through to Symbl."""

    chunks: Iterable[bytes]
    media: Literal["audio", "video"]
    content_type: str


class SlotPool(Protocol):
    """The concurrency slots of Symbl credentials (`queue/slots.Slots`)."""

    @property
    def enabled(self) -> bool: ...

    def reserve_one(self, credential_id: str, *, wait: float = 0.0) -> str | None: ...

    def release(self, credential_id: str, *rids: str) -> None: ...


class IdempotencyConflict(Exception):
    """The key was used before with a different request."""


class TooManyCallbacks(Exception):
    """Idempotency-Key repeats already added the most extra callback URLs a submission may have."""


class IdempotencyInProgress(Exception):
    """The first request with this key is still running."""


class SymblBusy(Exception):
    """Every concurrency slot of the credential is taken and this submit cannot be queued (a file
    upload is streamed, not stored): the API answers 503 symbl_busy with Retry-After."""


class UnknownConversation(SymblNotFound):
    """Symbl does not know the conversation a submit appends to."""


class RecordFailed(Exception):
    """Symbl accepted the job but the store could not record it; the IDs must reach the caller."""

    def __init__(self, conversation_id: str, job_id: str) -> None:
        super().__init__("the submission could not be recorded")
        self.conversation_id = conversation_id
        self.job_id = job_id


def fingerprint(request: ConversationInput, conversation_id: str | None, upload: Upload | None) -> str:
    """A hash of what was asked, to tell a true repeat from a reused key (how long to wait and where
    to deliver are not part of what was asked: a retry may wait longer, a replay brings a new
    callback_url, which then gets the result too)."""
    data: dict[str, Any] = {
        "request": request.model_dump(mode="json", exclude={"wait", "callback_url"}),
        "conversation_id": conversation_id,
    }
    if upload is not None:
        data["upload"] = [upload.media, upload.content_type]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class Submitter:
    """Sends submits and appends to Symbl and records them."""

    def __init__(
        self,
        client: SymblClient,
        store: Store,
        *,
        webhook_url: Callable[[], str | None],
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        slots: SlotPool | None = None,
        on_queued: Callable[[], None] | None = None,
        add_callback: Callable[[Submission, str], bool] | None = None,
    ) -> None:
        self._client = client
        self._store = store
        self._webhook_url = webhook_url
        self._clock = clock
        self._sleep = sleep
        self.slots = slots
        self._on_queued = on_queued
        self._add_callback = add_callback

    def submit(
        self,
        request: ConversationInput,
        *,
        api_key_id: str,
        credential: Credential,
        deadline: float,
        base_url: str,
        conversation_id: str | None = None,
        upload: Upload | None = None,
        idempotency_key: str | None = None,
    ) -> tuple[Submission, bool]:
        """Submit (or append to ``conversation_id``); return the submission and whether it is new.
        Raise `UnknownConversation` when Symbl does not know ``conversation_id``."""
        if not idempotency_key:
            return self._submit(request, api_key_id, credential, deadline, base_url, conversation_id, upload), True
        key = keys.idempotency(api_key_id, idempotency_key)
        fp = fingerprint(request, conversation_id, upload)
        pending = json.dumps({"state": "pending", "fp": fp, "owner": uuid.uuid4().hex})
        if not self._store.kv_set_if_absent(key, pending, IDEMPOTENCY_TTL):
            sub = self._replay(key, fp)
            url = request.callback_url
            added = self._add_callback(sub, url) if url and self._add_callback is not None else True
            if not added:
                raise TooManyCallbacks()
            return sub, False
        try:
            sub = self._submit(request, api_key_id, credential, deadline, base_url, conversation_id, upload)
        except RecordFailed:
            raise  # keep the claim: the job exists at Symbl, a retry must not create another
        except BaseException:
            self._store.kv_delete(key, pending)
            raise
        self._store.kv_set(key, json.dumps({"state": "done", "fp": fp, "job_id": sub.job_id}), IDEMPOTENCY_TTL)
        return sub, True

    def _replay(self, key: str, fp: str) -> Submission:
        give_up = self._clock() + IDEMPOTENCY_WAIT
        while True:
            raw = self._store.kv_get(key)
            if raw is None:
                raise IdempotencyInProgress()  # the first request failed and released the key
            state = json.loads(raw)
            if state.get("fp") != fp:
                raise IdempotencyConflict()
            if state.get("state") == "done":
                sub = self._store.get_submission(state["job_id"])
                if sub is not None:
                    return sub
            if self._clock() > give_up:
                raise IdempotencyInProgress()
            self._sleep(IDEMPOTENCY_STEP)

    def _submit(
        self,
        request: ConversationInput,
        api_key_id: str,
        credential: Credential,
        deadline: float,
        base_url: str,
        conversation_id: str | None,
        upload: Upload | None,
    ) -> Submission:
        """Send now when a concurrency slot is free (or there is no limit); else queue it."""
        slots = self.slots
        if slots is None or not slots.enabled:
            return self._record(self.send(request, api_key_id, credential, deadline, base_url, conversation_id, upload))
        rid = slots.reserve_one(credential.id, wait=UPLOAD_SLOT_WAIT if upload is not None else 0.0)
        if rid is None:
            if upload is not None:
                raise SymblBusy()
            return self.enqueue(request, api_key_id, credential, base_url, conversation_id)
        try:
            try:
                sub = self.send(
                    request,
                    api_key_id,
                    credential,
                    min(deadline, time.monotonic() + FAST_PATH_SECONDS),
                    base_url,
                    conversation_id,
                    upload,
                )
            except SymblRateLimited:
                if upload is not None:
                    raise SymblBusy() from None
                return self.enqueue(request, api_key_id, credential, base_url, conversation_id)
            return self._record(sub)
        finally:
            slots.release(credential.id, rid)

    def enqueue(
        self,
        request: ConversationInput,
        api_key_id: str,
        credential: Credential,
        base_url: str,
        conversation_id: str | None,
        *,
        extra: dict[str, Any] | None = None,
        write: bool = True,
    ) -> Submission:
        """Record a ``queued`` submission (sent by the dispatcher when a slot frees); its ID is a
        facade ID (``queued-<uuid>``) that keeps working once the job is at Symbl."""
        now = self._clock()
        sub = Submission(
            job_id=f"queued-{uuid.uuid4()}",
            conversation_id=conversation_id or "",
            api_key_id=api_key_id,
            credential_id=credential.id,
            status="queued",
            kind="append" if conversation_id else "submit",
            name=request.name or "",
            options={
                **self._options(request, base_url, None),
                "request": request.model_dump(mode="json", exclude={"wait"}),
                "append_to": conversation_id or "",
                **(extra or {}),
            },
            callback_url=request.callback_url,
            created_at=now,
            updated_at=now,
        )
        if write:
            self._store.put_submission(sub)
            self.queued()
        return sub

    def queued(self) -> None:
        """Tell the dispatchers (this process now, the others through the store) that work was queued."""
        if self._on_queued is not None:
            self._on_queued()
        try:
            self._store.publish("", "queued")
        except StoreUnavailable:
            pass

    @staticmethod
    def _options(request: ConversationInput, base_url: str, upload: Upload | None) -> dict[str, Any]:
        return {
            "include": request.include,
            "language": request.language or "",
            "base_url": base_url,
            "input": "file" if upload else ("url" if request.url else "text"),
            **request.extras(),
        }

    def _record(self, sub: Submission) -> Submission:
        try:
            self._store.put_submission(sub)
        except StoreUnavailable as exc:
            raise RecordFailed(sub.conversation_id, sub.job_id) from exc
        return sub

    def _post(self, credential: Credential, path: str, deadline: float, **kwargs: Any) -> dict[str, Any]:
        """One Symbl submit call; a 404 means Symbl does not know the conversation appended to."""
        try:
            return self._client.submit(credential, path, deadline, **kwargs)
        except SymblNotFound as exc:
            raise UnknownConversation(exc.message, status=exc.status, path=exc.path) from exc

    def send(
        self,
        request: ConversationInput,
        api_key_id: str,
        credential: Credential,
        deadline: float,
        base_url: str,
        conversation_id: str | None,
        upload: Upload | None = None,
    ) -> Submission:
        """Call Symbl and return the (unrecorded) submission of the job it accepted."""
        webhook = self._webhook_url()
        suffix = f"/{segment(conversation_id)}" if conversation_id else ""
        method = "PUT" if conversation_id else "POST"
        if upload is not None:
            answer = self._post(
                credential,
                f"/v1/process/{upload.media}{suffix}",
                deadline,
                method=method,
                params=payloads.file_query(request.options(), webhook),
                data=upload.chunks,
                content_type=upload.content_type,
            )
        elif request.url is not None:
            media = "video" if request.url_type() == "video_url" else "audio"
            answer = self._post(
                credential,
                f"/v1/process/{media}/url{suffix}",
                deadline,
                method=method,
                json_body=payloads.url_body(request, webhook),
                params=payloads.diarization_params(request.options()) or None,
            )
        else:
            answer = self._post(
                credential,
                f"/v1/process/text{suffix}",
                deadline,
                method=method,
                json_body=payloads.text_body(request, webhook),
            )
        conversation = str(answer.get("conversationId") or conversation_id or "")
        if conversation_id is not None and conversation != conversation_id:
            # An append counts only for the conversation asked for, never for the one Symbl names instead.
            raise UnknownConversation(
                "Symbl's answer to the append names another conversation.", path=f"/v1/process{suffix}"
            )
        job = str(answer.get("jobId") or "")
        now = self._clock()
        sub = Submission(
            job_id=job,
            conversation_id=conversation,
            api_key_id=api_key_id,
            credential_id=credential.id,
            status="scheduled",
            kind="append" if conversation_id else "submit",
            name=request.name or "",
            options=self._options(request, base_url, upload),
            callback_url=request.callback_url,
            created_at=now,
            updated_at=now,
        )
        return sub
