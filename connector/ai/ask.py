"""Questions about a conversation, answered by Nebula over the conversation's own transcript.

The transcript (``Speaker: text`` lines) is bounded to ``CONNECTOR_ASK_TRANSCRIPT_MAX_CHARS``; a cut
is named in the warnings. Answers for a conversation's job are kept in the store, so reading the
insights again does not ask the model again."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from connector.ai import prompts
from connector.ai.answers import Value, typed_answers
from connector.ai.models import AskField
from connector.insights.contract import InsightWarning
from connector.insights.flatten import transcript_of
from connector.store import keys
from connector.store.base import Store
from connector.symbl.client import SymblClient
from connector.symbl.credentials import Credential
from connector.symbl.nebula import NebulaClient

KEEP_SECONDS = 30 * 86400


@dataclass
class Answers:
    """Nebula's answer to a question and/or the typed fields, with warnings."""

    answer: str = ""
    values: dict[str, Value] = field(default_factory=dict)
    warnings: list[InsightWarning] = field(default_factory=list)

    def dump(self) -> dict[str, Any]:
        return {"answer": self.answer, "values": self.values, "warnings": [w.model_dump() for w in self.warnings]}

    @classmethod
    def load(cls, data: dict[str, Any]) -> Answers:
        return cls(
            answer=data.get("answer", ""),
            values=data.get("values", {}),
            warnings=[InsightWarning.model_validate(w) for w in data.get("warnings", [])],
        )


class Asker:
    """Builds prompts from a conversation's transcript and types Nebula's answers."""

    def __init__(self, client: SymblClient, nebula: NebulaClient, store: Store, transcript_max_chars: int) -> None:
        self._client = client
        self.nebula = nebula
        self._store = store
        self._max_chars = transcript_max_chars

    def transcript(self, credential: Credential, conversation_id: str, deadline: float) -> Any:
        """The conversation's messages body, read from Symbl."""
        return self._client.get_part(credential, conversation_id, "messages", deadline)

    def ask(
        self, messages_body: Any, *, question: str | None, fields: list[AskField] | None, deadline: float
    ) -> Answers:
        """Ask the question and/or extract the fields (Nebula errors propagate as SymblError)."""
        transcript, cut, started = transcript_of(messages_body, self._max_chars)
        result = Answers()
        if cut:
            result.warnings.append(
                InsightWarning(
                    part="answers",
                    code="transcript_truncated",
                    message=f"The transcript was cut to {self._max_chars} characters for the model; later parts "
                    "were not read.",
                )
            )
        if question:
            result.answer = self.nebula.chat(
                prompts.QUESTION_SYSTEM, prompts.question_prompt(transcript, started, question), deadline
            ).strip()
        if fields:
            reply = self.nebula.chat(
                prompts.FIELDS_SYSTEM, prompts.fields_prompt(transcript, started, fields), deadline
            )
            result.values, warnings = typed_answers(fields, reply)
            result.warnings.extend(warnings)
        return result

    def kept(
        self,
        messages_body: Any,
        *,
        conversation_id: str,
        job_id: str,
        question: str | None,
        fields: list[AskField] | None,
        deadline: float,
    ) -> Answers:
        """`ask`, remembered per conversation, job and request."""
        request = json.dumps({"q": question, "f": [f.model_dump() for f in fields or []]}, sort_keys=True)
        key = keys.answers(conversation_id, job_id, request)
        cached = self._store.kv_get(key)
        if cached is not None:
            return Answers.load(json.loads(cached))
        result = self.ask(messages_body, question=question, fields=fields, deadline=deadline)
        self._store.kv_set(key, json.dumps(result.dump()), KEEP_SECONDS)
        return result
