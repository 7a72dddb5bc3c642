"""Message sentiment from small word lists: a polarity score in [-1, 1] and Symbl's suggested label."""

from __future__ import annotations

import re

POSITIVE = frozenset(
    [
        "good",
        "great",
        "excellent",
        "happy",
        "love",
        "loved",
        "perfect",
        "appreciate",
        "appreciated",
        "thanks",
        "thank",
        "awesome",
        "amazing",
        "useful",
        "helpful",
        "glad",
        "pleased",
        "impressive",
        "strong",
        "easy",
        "fantastic",
        "wonderful",
        "nice",
        "best",
        "excited",
        "recommend",
        "valuable",
        "success",
        "successful",
        "smooth",
        "fast",
        "quick",
        "welcome",
        "enjoy",
        "enjoyed",
        "benefit",
        "improved",
        "better",
        "clear",
        "fair",
        "solid",
    ]
)
NEGATIVE = frozenset(
    [
        "bad",
        "terrible",
        "awful",
        "hate",
        "hated",
        "frustrating",
        "frustrated",
        "problem",
        "problems",
        "issue",
        "issues",
        "slow",
        "expensive",
        "difficult",
        "broken",
        "fail",
        "failing",
        "failed",
        "failure",
        "error",
        "errors",
        "poor",
        "disappointed",
        "disappointing",
        "annoying",
        "confusing",
        "mess",
        "angry",
        "upset",
        "worse",
        "worst",
        "cancel",
        "concern",
        "concerned",
        "concerns",
        "complaint",
        "sorry",
        "unfortunately",
        "trouble",
        "timeout",
        "bug",
        "bugs",
        "delay",
        "delayed",
        "risk",
        "painful",
        "lost",
        "losing",
        "hard",
    ]
)
NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "wasn't",
        "aren't",
        "can't",
        "cannot",
        "won't",
        "hardly",
    ]
)
_WORD = re.compile(r"[a-z']+")


def polarity(text: str) -> float:
    """Return a deterministic polarity in [-1, 1] (one clear word is enough to pass ±0.3)."""
    words = _WORD.findall(text.lower())
    raw = 0
    for i, word in enumerate(words):
        value = 1 if word in POSITIVE else -1 if word in NEGATIVE else 0
        if value and any(w in NEGATORS for w in words[max(0, i - 2) : i]):
            value = -value
        raw += value
    return round(raw / (abs(raw) + 1.5), 3)


def suggested(score: float) -> str:
    """Return Symbl's label: negative below -0.3, positive above 0.3, else neutral."""
    if score < -0.3:
        return "negative"
    if score > 0.3:
        return "positive"
    return "neutral"


def sentiment(score: float) -> dict:
    """Return Symbl's sentiment object for ``score``."""
    return {"polarity": {"score": score}, "suggested": suggested(score)}
