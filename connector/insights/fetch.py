"""Read a conversation's Conversation API parts from Symbl in parallel.

Wall time is about the slowest single part, not the sum. One part failing does not fail the
whole: it stays empty and a warning names it. Only an unknown conversation (404 on the
conversation itself) or every part failing is an error."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from concurrent.futures import Executor
from typing import Any

from connector.insights.contract import EXTRA_PARTS, INSIGHT_PARTS, InsightWarning
from connector.insights.raw import RawInsights
from connector.status import JobStatus
from connector.symbl.client import SymblClient
from connector.symbl.credentials import Credential
from connector.symbl.errors import SymblError, SymblNotFound


def fetch_raw(
    client: SymblClient,
    credential: Credential,
    executor: Executor,
    *,
    conversation_id: str,
    job_id: str,
    status: JobStatus,
    include: Iterable[str] | None,
    deadline: float,
) -> RawInsights:
    """Read the conversation and the ``include``d parts (default all) concurrently."""
    named = list(include) if include is not None else None
    wanted = [p for p in named or () if p in INSIGHT_PARTS]
    every = named is None or (not wanted and any(p in EXTRA_PARTS for p in named))  # extras alone keep all
    parts = ["conversation", *(p for p in INSIGHT_PARTS if every or p in wanted)]
    futures = {  # each part runs in a copy of the caller's context (request ID for logs and Symbl)
        part: executor.submit(
            contextvars.copy_context().run, client.get_part, credential, conversation_id, part, deadline
        )
        for part in parts
    }
    values: dict[str, Any] = {}
    warnings: list[InsightWarning] = []
    errors: list[SymblError] = []
    for part, future in futures.items():
        try:
            body = future.result()
        except SymblError as exc:
            if part == "conversation" and isinstance(exc, SymblNotFound):
                raise
            errors.append(exc)
            warnings.append(InsightWarning(part=part, code=exc.code, message=exc.message))
            continue
        expected = list if part == "trackers" else dict
        if isinstance(body, expected):
            values[part] = body
        else:
            warnings.append(
                InsightWarning(part=part, code="symbl_error", message="Symbl's answer had an unexpected shape.")
            )
    if errors and len(errors) == len(parts):
        raise errors[0]
    return RawInsights(conversation_id=conversation_id, job_id=job_id, status=status, warnings=warnings, **values)
