"""Topics: the most frequent keywords and two-word phrases (stop words filtered), scored 0.4-0.99.

A two-word topic that contains a one-word topic gets it as its parent (``parentRefs``).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from connector.sandbox.ids import numeric_id
from connector.sandbox.sentiment import polarity, sentiment
from connector.sandbox.transcript import Message

STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during
    each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers
    herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more
    most mustn't my myself no nor not of off on once only or other ought our ours ourselves out over own same
    shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs them themselves
    then there there's these they they'd they'll they're they've this those through to too under until up very
    was wasn't we we'd we'll we're we've were weren't what what's when when's where where's which while who who's
    whom why why's with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves
    yes yeah okay ok hi hello hey thanks thank please sure great good really just like know think going want get
    got thing things lot well right also actually maybe much many one two three make made need needs take takes
    us let see say said tell today tomorrow time way can will would could via per every since still even
    absolutely honestly perfect course mostly happy able sounds sound does done anything something everything
    nothing else help welcome day week month year years monday tuesday wednesday thursday friday saturday sunday
    next last first new call calls send share add check pull talk walk wanted work works review include ask
    expect explains understand stay""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")
MAX_TOPICS = 8


def _terms(text: str, excluded: set[str]) -> tuple[list[str], list[str]]:
    words = [w.lower() for w in _WORD.findall(text)]
    keep = [w if (len(w) >= 3 and w not in STOP_WORDS and w not in excluded) else "" for w in words]
    unigrams = [w for w in keep if w]
    bigrams = [f"{a} {b}" for a, b in zip(keep, keep[1:], strict=False) if a and b and a != b]
    return unigrams, bigrams


def derive(messages: list[Message], conversation_id: str, excluded: set[str]) -> list[dict[str, Any]]:
    """Return Symbl-shaped topics (with ``sentiment`` and ``parentRefs`` filled; the route trims them)."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    where: dict[str, list[Message]] = {}
    position = 0
    for message in messages:
        unigrams, bigrams = _terms(message.text, excluded)
        for term in unigrams + bigrams:
            counts[term] += 1
            first_seen.setdefault(term, position := position + 1)
            if message not in where.setdefault(term, []):
                where[term].append(message)
    for term in list(counts):  # fold simple plurals into their singular
        if term.endswith("s") and term[:-1] in counts:
            counts[term[:-1]] += counts.pop(term)
            where[term[:-1]] += [m for m in where.pop(term) if m not in where[term[:-1]]]

    def weight(term: str) -> float:
        return counts[term] * (1.6 if " " in term else 1.0)

    for term in [t for t in counts if " " in t]:  # a word seen only inside a phrase is not a topic of its own
        for word in term.split():
            if word in counts and counts[word] <= sum(counts[t] for t in counts if " " in t and word in t.split()):
                counts[word] = 0
    ranked = sorted((t for t in counts if counts[t]), key=lambda t: (-weight(t), first_seen.get(t, 0)))
    chosen = [t for t in ranked if counts[t] >= 2][:MAX_TOPICS]
    for term in ranked:  # short conversations: fill with phrases, then longer words
        if len(chosen) >= 3:
            break
        if term not in chosen and (" " in term or len(term) >= 5):
            chosen.append(term)
    if not chosen:
        return []
    top = max(weight(t) for t in chosen)
    topics = []
    for term in chosen:
        refs = where[term]
        score = sum(polarity(m.text) for m in refs) / len(refs)
        parents = [{"type": "topic", "text": p} for p in chosen if " " not in p and p in term.split() and p != term]
        topics.append({
            "id": numeric_id(conversation_id, "topic", term),
            "text": term,
            "type": "topic",
            "score": round(0.4 + 0.59 * weight(term) / top, 4),
            "messageIds": [m.id for m in refs],
            "sentiment": sentiment(round(score, 3)),
            "parentRefs": parents,
        })
    return topics
