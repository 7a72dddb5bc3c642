"""Insights for one conversation: the parallel read (`fetch.py`) composed with the flattening.
Used by the API's get-insights and submit-and-wait, and by the finisher for callbacks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

from connector.insights.contract import FlatInsights, Links
from connector.insights.fetch import fetch_raw
from connector.insights.flatten import flatten
from connector.insights.raw import RawInsights
from connector.status import JobStatus
from connector.symbl.client import SymblClient
from connector.symbl.credentials import Credential

if TYPE_CHECKING:
    from connector.ai.enrich import Enricher


def links_for(base_url: str, conversation_id: str, job_id: str) -> Links:
    """Absolute URLs back into the facade."""
    base = base_url.rstrip("/")
    return Links(
        insights=f"{base}/v1/conversations/{conversation_id}/insights",
        job=f"{base}/v1/jobs/{job_id}" if job_id else "",
    )


class InsightsService:
    """Reads and flattens insights."""

    def __init__(
        self, client: SymblClient, executor: Executor, transcript_max_chars: int, enricher: Enricher | None = None
    ) -> None:
        self._client = client
        self._executor = executor
        self._transcript_max_chars = transcript_max_chars
        self.enricher = enricher

    def raw(
        self,
        credential: Credential,
        *,
        conversation_id: str,
        job_id: str,
        status: JobStatus,
        include: Iterable[str] | None,
        deadline: float,
    ) -> RawInsights:
        """Symbl's own bodies for the conversation."""
        return fetch_raw(
            self._client,
            credential,
            self._executor,
            conversation_id=conversation_id,
            job_id=job_id,
            status=status,
            include=include,
            deadline=deadline,
        )

    def flat(
        self,
        credential: Credential,
        *,
        conversation_id: str,
        job_id: str,
        status: JobStatus,
        include: Iterable[str] | None,
        deadline: float,
        name: str = "",
        language: str = "",
        base_url: str,
        options: Mapping[str, Any] | None = None,
        wait_deadline: float | None = None,
    ) -> FlatInsights:
        """The flat insights object, with the Call Score, answers and summary page link the
        submission's ``options`` or ``include`` ask for (the score is waited for until ``wait_deadline``)."""
        from connector.ai.enrich import Extras

        extras = Extras.of(options, include)
        pending = None
        if extras and self.enricher is not None:
            pending = self.enricher.start(
                extras,
                credential,
                conversation_id=conversation_id,
                job_id=job_id,
                wait_deadline=deadline if wait_deadline is None else wait_deadline,
                read_deadline=deadline,
            )
        raw = self.raw(
            credential,
            conversation_id=conversation_id,
            job_id=job_id,
            status=status,
            include=include,
            deadline=deadline,
        )
        flat = flatten(
            raw,
            name=name,
            language=language,
            links=links_for(base_url, conversation_id, job_id),
            transcript_max_chars=self._transcript_max_chars,
        )
        if pending is None or self.enricher is None:
            return flat
        return self.enricher.finish(pending, flat, raw, read_deadline=deadline)
