"""The emulated Nebula's answers: extractive and deterministic, no model.

It reads prompts shaped like the facade's (see ``connector/ai/prompts.py``): a transcript of
``Speaker: text`` lines, optionally headed ``Conversation transcript (started <ISO time>):``, then
either ``Question: ...`` or a list of fields to extract, one ``- key (type): description`` per line.

- A question gets the transcript sentence that shares the most content words with it.
- A field gets the best-supported sentence for its description, and a value parsed from it by type:
  number (money and plain numbers, "80k", "1.5 million"), boolean (a "no"/"not" in the sentence is
  false), date (relative words resolved against the conversation's start), enum (the option that
  is mentioned), string (the sentence). Nothing relevant gives null.
- A field whose description contains ``sandbox-wrong-type`` gets a deliberately mistyped value
  (a sentence for a number, "maybe" for a boolean), so the facade's type checks can be tested.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime

from connector.sandbox.dates import find_dates

_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "about",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "i",
        "you",
        "he",
        "she",
        "we",
        "they",
        "me",
        "him",
        "her",
        "us",
        "them",
        "my",
        "your",
        "his",
        "our",
        "their",
        "there",
        "here",
        "any",
        "some",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "have",
        "has",
        "had",
        "not",
        "no",
        "yes",
        "please",
        "tell",
        "me",
        "say",
        "said",
        "mention",
        "mentioned",
        "name",
        "named",
        "customer",
        "conversation",
        "call",
    ]
)
_WORD = re.compile(r"[a-z0-9$][a-z0-9$'.,]*", re.I)
_HEADER = re.compile(r"^Conversation transcript(?: \(started (?P<start>[^)]+)\))?:\s*$", re.I)
_FIELD = re.compile(
    r"^- (?P<key>[a-z][a-z0-9_]*) \((?P<type>string|number|boolean|date|enum)(?:: (?P<options>.*))?\): "
    r"(?P<description>.+)$"
)
_MONEY = re.compile(
    r"(?P<cur>[$€£])?\s?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(?P<scale>k\b|thousand\b|million\b|m\b|bn\b|billion\b)?",
    re.I,
)
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_NEGATIVE = re.compile(r"\b(?:no|not|never|don't|doesn't|didn't|won't|isn't|aren't|can't|cannot|without)\b", re.I)
NOT_FOUND = "The conversation does not say."


@dataclass(frozen=True)
class FieldSpec:
    key: str
    type: str
    description: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prompt:
    sentences: list[str]
    start: date
    question: str | None
    fields: list[FieldSpec]


def _stem(word: str) -> str:
    word = word.lower().strip(".,'")
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _content(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text) if w.lower().strip(".,'") not in _STOP and len(w) > 1}


def parse_prompt(text: str, today: date) -> Prompt:
    """Split a prompt into transcript sentences, the conversation's start day, and the ask."""
    start = today
    sentences: list[str] = []
    fields: list[FieldSpec] = []
    question: str | None = None
    in_transcript = False
    for raw in text.splitlines():
        line = raw.strip()
        header = _HEADER.match(line)
        if header:
            in_transcript = True
            if header.group("start"):
                try:
                    start = datetime.fromisoformat(header.group("start").replace("Z", "+00:00")).date()
                except ValueError:
                    pass
            continue
        if line.startswith("Question:"):
            question = line[len("Question:") :].strip()
            in_transcript = False
            continue
        field = _FIELD.match(line)
        if field:
            options = tuple(json.loads(field.group("options"))) if field.group("options") else ()
            fields.append(FieldSpec(field.group("key"), field.group("type"), field.group("description"), options))
            in_transcript = False
            continue
        if line and (in_transcript or (question is None and not fields and ":" in line)):
            sentences.extend(s for s in re.split(r"(?<=[.!?])\s+", line) if s)
    return Prompt(sentences, start, question, fields)


def _best(sentences: list[str], query: str) -> str | None:
    wanted = _content(query)
    best, best_score = None, 0.0
    for sentence in sentences:
        body = sentence.split(":", 1)[1] if ":" in sentence[:60] else sentence
        overlap = len(wanted & _content(body))
        score = overlap + (0.5 if overlap and "?" not in body else 0.0)  # prefer statements to questions
        if score > best_score:
            best, best_score = sentence, score
    return best


def _number(sentence: str) -> float | None:
    for match in _MONEY.finditer(sentence):
        value = float(match.group("num").replace(",", ""))
        scale = (match.group("scale") or "").lower()
        return value * _SCALES.get(scale, 1.0)
    return None


def _value(spec: FieldSpec, sentences: list[str], start: date) -> object:
    if "sandbox-wrong-type" in spec.description:
        return {"number": "about eighty", "boolean": "maybe", "date": "soon", "enum": "none of them"}.get(spec.type, 7)
    if spec.type == "enum":
        lowered = [s.lower() for s in sentences]
        ranked = sorted(spec.options, key=lambda o: -sum(o.lower() in s for s in lowered))
        return ranked[0] if ranked and any(ranked[0].lower() in s for s in lowered) else None
    sentence = _best(sentences, spec.description)
    if sentence is None:
        return None
    body = sentence.split(":", 1)[1].strip() if ":" in sentence[:60] else sentence
    if spec.type == "number":
        number = _number(body)
        return int(number) if number is not None and number.is_integer() else number
    if spec.type == "boolean":
        return not _NEGATIVE.search(body)
    if spec.type == "date":
        mentions = find_dates(body, start)
        return mentions[0].day.isoformat() if mentions else None
    return body


def answer(text: str, today: date) -> str:
    """The assistant's reply to one human message."""
    prompt = parse_prompt(text, today)
    if prompt.fields:
        values = {spec.key: _value(spec, prompt.sentences, prompt.start) for spec in prompt.fields}
        return json.dumps(values, ensure_ascii=False)
    sentence = _best(prompt.sentences, prompt.question or text)
    if sentence is None:
        return NOT_FOUND
    speaker, _, said = sentence.partition(":")
    return f"{speaker.strip()} said: {said.strip()}" if said and len(speaker) < 60 else sentence
