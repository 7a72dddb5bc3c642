"""Add what a caller asked for beyond the Conversation API to the flat insights: the Call Score,
Nebula's answers and the summary page link.

`Enricher.start` begins the score wait and the page creation in the background while the insight
parts are read; `Enricher.finish` asks Nebula (it needs the transcript), collects the rest and
re-renders the Slack and CRM messages. Nothing here fails the insights: a score not ready by the
caller's deadline, a model error or a page that could not be created becomes a warning."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any

from connector.ai.ask import Answers, Asker
from connector.ai.callscore import MIN_WORDS, CallScores, Score
from connector.ai.models import AskField
from connector.ai.summary_pages import SummaryPageNotReady, SummaryPages
from connector.insights.contract import FlatInsights, InsightWarning
from connector.insights.raw import RawInsights
from connector.insights.render_crm import render_crm_note
from connector.insights.render_slack import render_slack_blocks, render_slack_text
from connector.symbl.credentials import Credential
from connector.symbl.errors import SymblError
from connector.symbl.nebula import NebulaNotConfigured


def with_extras(flat: FlatInsights, update: dict[str, Any], warnings: list[InsightWarning]) -> FlatInsights:
    """``flat`` with the extra fields and warnings added, and its Slack and CRM messages re-rendered."""
    enriched = flat.model_copy(update={**update, "warnings": [*flat.warnings, *warnings]})
    return enriched.model_copy(
        update={
            "slack_text": render_slack_text(enriched),
            "slack_blocks": render_slack_blocks(enriched),
            "crm_note": render_crm_note(enriched),
        }
    )


@dataclass(frozen=True)
class Extras:
    """What to add, from a submission's options and the request's ``include``."""

    call_score: bool = False
    summary_page: bool = False
    ask: str | None = None
    fields: tuple[AskField, ...] = ()

    @classmethod
    def of(cls, options: Mapping[str, Any] | None, include: Iterable[str] | None) -> Extras:
        options = options or {}
        named = set(include or ())
        return cls(
            call_score=bool(options.get("call_score")) or "call_score" in named,
            summary_page=bool(options.get("summary_page")) or "summary_url" in named,
            ask=options.get("ask") or None,
            fields=tuple(AskField.model_validate(f) for f in options.get("fields") or ()),
        )

    def __bool__(self) -> bool:
        return self.call_score or self.summary_page or bool(self.ask) or bool(self.fields)


@dataclass
class Pending:
    extras: Extras
    score: Future[Score] | None = None
    page: Future[str] | None = None
    stop: threading.Event = field(default_factory=threading.Event)


def _words(raw: RawInsights) -> int:
    messages = raw.messages.get("messages") if isinstance(raw.messages, dict) else None
    return sum(len(str(m.get("text", "")).split()) for m in messages or [] if isinstance(m, dict))


class Enricher:
    """Call Score, answers and summary page for the flat insights."""

    def __init__(self, scores: CallScores, pages: SummaryPages, asker: Asker, executor: Executor) -> None:
        self.scores = scores
        self.pages = pages
        self.asker = asker
        self._executor = executor

    def start(
        self,
        extras: Extras,
        credential: Credential,
        *,
        conversation_id: str,
        job_id: str,
        wait_deadline: float,
        read_deadline: float,
    ) -> Pending:
        """Begin the score wait (until ``wait_deadline``) and the page creation."""
        pending = Pending(extras)
        if extras.call_score:
            pending.score = self._executor.submit(
                contextvars.copy_context().run,
                self.scores.wait,
                credential,
                conversation_id,
                job_id,
                wait_deadline,
                pending.stop,
            )
        if extras.summary_page:
            pending.page = self._executor.submit(
                contextvars.copy_context().run, self.pages.url, credential, conversation_id, read_deadline
            )
        return pending

    def finish(self, pending: Pending, flat: FlatInsights, raw: RawInsights, *, read_deadline: float) -> FlatInsights:
        """The flat insights with the extras and their warnings; Slack and CRM messages re-rendered."""
        extras = pending.extras
        update: dict[str, Any] = {}
        warnings: list[InsightWarning] = []
        if extras.call_score and _words(raw) < MIN_WORDS:
            pending.stop.set()
            warnings.append(
                InsightWarning(
                    part="call_score",
                    code="transcript_too_short",
                    message=f"Symbl scores transcripts of at least {MIN_WORDS} words; this one has {_words(raw)}, so "
                    "there is no Call Score.",
                )
            )
        if extras.ask or extras.fields:
            answers = self._answers(extras, raw, flat, read_deadline, warnings)
            update["answer"] = answers.answer
            update["answers"] = answers.values
            warnings.extend(answers.warnings)
        if pending.score is not None and not pending.stop.is_set():
            update.update(self._score(pending.score, warnings))
        if pending.page is not None:
            update["summary_url"] = self._page(pending.page, warnings)
        return with_extras(flat, update, warnings)

    def _answers(
        self, extras: Extras, raw: RawInsights, flat: FlatInsights, deadline: float, warnings: list[InsightWarning]
    ) -> Answers:
        empty = Answers(values={f.key: None for f in extras.fields})
        try:
            return self.asker.kept(
                raw.messages,
                conversation_id=flat.conversation_id,
                job_id=flat.job_id,
                question=extras.ask,
                fields=list(extras.fields) or None,
                deadline=deadline,
            )
        except NebulaNotConfigured:
            warnings.append(
                InsightWarning(
                    part="answers",
                    code="nebula_not_configured",
                    message="No NEBULA_API_KEY is configured, so the questions were not asked.",
                )
            )
        except SymblError as exc:
            warnings.append(
                InsightWarning(
                    part="answers", code="nebula_unavailable", message=f"Nebula did not answer: {exc.message}"
                )
            )
        return empty

    @staticmethod
    def _score(future: Future[Score], warnings: list[InsightWarning]) -> dict[str, Any]:
        try:
            score = future.result()
        except SymblError as exc:
            warnings.append(InsightWarning(part="call_score", code=exc.code, message=exc.message))
            return {}
        if score.state == "pending":
            warnings.append(
                InsightWarning(
                    part="call_score",
                    code="call_score_not_ready",
                    message="The Call Score was not ready within the wait; get the insights again later to read it.",
                )
            )
        elif score.state == "failed":
            warnings.append(
                InsightWarning(
                    part="call_score", code="call_score_failed", message="Symbl could not score this conversation."
                )
            )
        return score.fields()

    @staticmethod
    def _page(future: Future[str], warnings: list[InsightWarning]) -> str:
        try:
            return future.result()
        except SummaryPageNotReady:
            warnings.append(
                InsightWarning(
                    part="summary_url",
                    code="summary_page_not_ready",
                    message="The summary page is still being created; ask again shortly.",
                )
            )
        except SymblError as exc:
            warnings.append(InsightWarning(part="summary_url", code=exc.code, message=exc.message))
        return ""
