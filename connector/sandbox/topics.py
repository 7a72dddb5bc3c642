"""Topics: key phrases of the conversation, ranked by YAKE (a statistical keyword extractor, no model).

YAKE scores one- to three-word candidates by position, frequency, spread and casing; we keep up to
eight, dropping people's names, numbers, greetings and verbs (the stop list below is YAKE's boundary
list too, so no phrase starts or ends with one). A topic is lower-case unless it is written
capitalised inside sentences (a product or company: "Zendesk", "SOC 2"). Scores are 0.4-0.99 from
the YAKE rank; a multi-word topic that contains a one-word topic gets it as its parent
(``parentRefs``). Deterministic: YAKE has no randomness.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import yake

from connector.sandbox.ids import numeric_id
from connector.sandbox.sentiment import polarity, sentiment
from connector.sandbox.transcript import Message

STOP_WORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "can't", "cannot", "could", "couldn't", "did", "didn't", "do", "does", "doesn't", "doing", "don't", "down", "during", "each", "few", "for", "from", "further", "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "he", "he'd", "he'll", "he's", "her", "here", "here's", "hers", "herself", "him", "himself", "his", "how", "how's", "i", "i'd", "i'll", "i'm", "i've", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself", "let's", "me", "more", "most", "mustn't", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "shan't", "she", "she'd", "she'll", "she's", "should", "shouldn't", "so", "some", "such", "than", "that", "that's", "the", "their", "theirs", "them", "themselves", "then", "there", "there's", "these", "they", "they'd", "they'll", "they're", "they've", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "wasn't", "we", "we'd", "we'll", "we're", "we've", "were", "weren't", "what", "what's", "when", "when's", "where", "where's", "which", "while", "who", "who's", "whom", "why", "why's", "with", "won't", "would", "wouldn't", "you", "you'd", "you'll", "you're", "you've", "your", "yours", "yourself", "yourselves", "yes", "yeah", "okay", "ok", "hi", "hello", "hey", "thanks", "thank", "please", "sure", "great", "good", "really", "just", "like", "know", "think", "going", "want", "get", "got", "thing", "things", "lot", "well", "right", "also", "actually", "maybe", "much", "many", "one", "two", "three", "make", "made", "need", "needs", "take", "takes", "us", "let", "see", "say", "said", "tell", "today", "tomorrow", "time", "way", "can", "will", "would", "could", "via", "per", "every", "since", "still", "even", "absolutely", "honestly", "perfect", "course", "mostly", "happy", "able", "sounds", "sound", "does", "done", "anything", "something", "everything", "nothing", "else", "help", "welcome", "day", "week", "month", "year", "years", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "next", "last", "first", "new", "call", "calls", "send", "share", "add", "check", "pull", "talk", "walk", "wanted", "work", "works", "review", "include", "ask", "expect", "explains", "understand", "stay", "morning", "afternoon", "evening", "everyone", "quick", "update", "anyone", "someone", "handle", "handles", "handled", "looking", "talking", "take", "taking", "waste", "own", "owns", "moves", "moved", "came", "come", "lower", "higher", "expected", "quoted", "charges", "stored", "carried", "processed", "predicted", "measured", "shipped", "changed", "patched", "dropped", "expires", "flags", "syncs", "lives", "slip", "followed", "approve", "approved", "finished", "deployed", "went", "going", "blocked", "unlocked", "reset", "log", "sounds", "promising", "reason", "covered", "host", "certified", "ask", "asking", "asked", "bring", "let", "weigh", "fill", "pull", "pulls", "tried", "try", "kind", "sort", "bit", "lots", "hours", "minutes", "today's", "yesterday", "tonight", "later", "soon", "ago", "half", "percent", "twice", "once", "biggest", "main", "best", "better", "worse", "whole", "end", "start", "started", "onboard", "cannot", "can't", "won't", "i'd", "i've", "joining", "calling", "coming", "applying", "team", "short", "keep", "lead", "running", "fixed", "built", "designed", "recently", "never", "back", "open", "older", "tracks", "although", "sorry", "without", "within", "across", "upon", "onto", "toward", "towards"]
)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*")
MAX_TOPICS = 8
_NUMBER_WORDS = frozenset(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "hundred", "thousand", "million"])


@lru_cache(maxsize=1)
def _extractor() -> yake.KeywordExtractor:
    return yake.KeywordExtractor(lan="en", n=3, top=40, stopwords=set(STOP_WORDS))


def _fold(word: str) -> str:
    word = word.lower()
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _keep(phrase: str, excluded: set[str]) -> bool:
    words = phrase.lower().split()
    if any(w in excluded or w in STOP_WORDS or w in _NUMBER_WORDS or (w[0].isdigit() and len(words) == 1) for w in words):
        return False
    if len(words) == 1 and ((len(words[0]) < 4 and not phrase.isupper()) or words[0].endswith("ed")):
        return False
    return not any(w.endswith("ed") and len(w) > 4 for w in (words[0], words[-1])) and not words[-1].endswith("ly")


def _display(phrase: str, text: str) -> str:
    """Lower-case, except words written capitalised mid-sentence (names of things) and acronyms."""
    out = []
    for word in phrase.split():
        written = re.search(r"\b" + re.escape(word) + r"\b", text, re.I)
        word = written.group(0) if written else word
        mid_sentence = re.search(r"(?<![.!?]\s)(?<!^)\b" + re.escape(word) + r"\b", text)
        proper = word[1:] != word[1:].lower() or (word[0].isupper() and mid_sentence)
        out.append(word if proper else word.lower())
    return " ".join(out)


def _mentions(phrase: str, messages: list[Message]) -> list[Message]:
    wanted = [_fold(w) for w in phrase.split()]
    found = []
    for message in messages:
        words = [_fold(w) for w in _WORD.findall(message.text)]
        if any(words[i : i + len(wanted)] == wanted for i in range(len(words))):
            found.append(message)
    return found


def derive(messages: list[Message], conversation_id: str, excluded: set[str]) -> list[dict[str, Any]]:
    """Return Symbl-shaped topics (with ``sentiment`` and ``parentRefs`` filled; the route trims them)."""
    text = " ".join(m.text if m.text.rstrip()[-1:] in ".!?" else m.text + "." for m in messages)
    if not text.strip():
        return []
    chosen: list[tuple[str, float, list[Message]]] = []
    seen: set[tuple[str, ...]] = set()
    for phrase, score in _extractor().extract_keywords(text):
        key = tuple(_fold(w) for w in phrase.split())
        if key in seen or not _keep(phrase, excluded) or any(set(key) <= set(k) for k in seen):
            continue  # a repeat, or only part of a phrase already chosen
        refs = _mentions(phrase, messages)
        if not refs or (len(key) > 2 and len(refs) < 2):
            continue  # three-word phrases only when they recur
        seen.add(key)
        chosen.append((_display(phrase, text), float(score), refs))
        if len(chosen) == MAX_TOPICS:
            break
    chosen.sort(key=lambda c: len(c[2]) < 2)  # what recurs first (stable: YAKE order within each group)
    topics = []
    for rank, (term, _, refs) in enumerate(chosen):
        polarity_sum = sum(polarity(m.text) for m in refs) / len(refs)
        parents = [{"type": "topic", "text": p} for p, _, _ in chosen
                   if " " not in p and " " in term and p.lower() in term.lower().split()]
        topics.append({
            "id": numeric_id(conversation_id, "topic", term.lower()),
            "text": term,
            "type": "topic",
            "score": round(0.99 - 0.59 * rank / max(1, len(chosen) - 1), 4) if len(chosen) > 1 else 0.99,
            "messageIds": [m.id for m in refs],
            "sentiment": sentiment(round(polarity_sum, 3)),
            "parentRefs": parents,
        })
    return topics
