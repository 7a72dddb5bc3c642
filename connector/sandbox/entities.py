"""Entities (legacy shape ``{type, value, text, messageRefs}``, the one the Python SDK parses).

Found by rules: persons (members' names, and capitalised names after cues such as "this is",
"thanks"), organisations (names ending Inc/Corp/LLC, names after "from"/"at"/"calling", a small
list of well-known companies), dates (counted from when the sentence was spoken), money, numbers,
and the submit's custom ``entities``. Person and organisation values keep the case they were
written in ("Tom", "Zendesk"). Money is ``type: "money"`` with the amount and ISO currency as
value ("$12,000" and "12 thousand dollars" are both ``"12000 USD"``), never a bare number.
"""

from __future__ import annotations

import re
from typing import Any

from connector.sandbox.dates import MONTHS, WEEKDAYS, find_dates
from connector.sandbox.insights import NOT_NAMES
from connector.sandbox.transcript import Message, Speaker

KNOWN_ORGANIZATIONS = [
    "Salesforce",
    "HubSpot",
    "Gong",
    "Chorus",
    "Zendesk",
    "Zoom",
    "Google",
    "Microsoft",
    "Slack",
    "Pipedrive",
    "Zapier",
    "Symbl",
    "Amazon",
    "Oracle",
    "Intercom",
    "Freshdesk",
    "Outreach",
]
_NAME = r"([A-Z][a-z]+(?: [A-Z][a-z]+)?)"
_PERSON_CUES = [
    re.compile(r"\b(?i:this is|I am|I'm|my name is|name is|thanks|thank you|hi|hello|hey|ask|tell|with) " + _NAME),
    re.compile(r"\b" + _NAME + r" here\b"),
    re.compile(r"^" + _NAME + r",\s"),
]
_ORG_SUFFIX = re.compile(r"\b((?:[A-Z][\w&]*\s){1,3}(?:Inc|Corp|Corporation|LLC|Ltd|GmbH))\b\.?")
_ORG_CUE = re.compile(r"\b(?:from|at|calling|for calling|joined|with) ((?:[A-Z][a-z]+)(?: [A-Z][a-z]+){0,2})")
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP"}
_CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "usd": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "gbp": "GBP",
}
_MONEY = re.compile(
    r"([$€£])\s?(\d[\d,]*(?:\.\d+)?)(?:\s?(k|thousand|million|m)\b)?"  # $12,000  €5k
    r"|(?P<n>\d[\d,]*(?:\.\d+)?)(?:\s?(?P<s>k|thousand|million|m)\b)?\s?(?P<c>dollars?|usd|euros?|eur|pounds?|gbp)\b",
    re.I,
)
_SCALE = {"k": 1e3, "thousand": 1e3, "million": 1e6, "m": 1e6}
_NUMBER = re.compile(r"(?<![\w$.,-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w-])")
NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.I)
_CALENDAR = {w.capitalize() for w in WEEKDAYS + MONTHS}


def _is_name(candidate: str) -> bool:
    first = candidate.split()[0]
    return first.lower() not in NOT_NAMES and first not in _CALENDAR


class _Collector:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.spans: dict[str, list[range]] = {}

    def add(self, kind: str, value: str, text: str, message: Message, offset: int, custom: str = "") -> None:
        span = range(offset, offset + len(text))
        taken = self.spans.setdefault(message.id, [])
        if any(span.start < s.stop and s.start < span.stop for s in taken):
            return
        taken.append(span)
        key = (kind, custom, value)
        item = self.items.get(key)
        if item is None:
            item = {"type": kind, "value": value, "text": text, "messageRefs": []}
            if custom:
                item = {"type": kind, "customType": custom, "value": value, "text": text, "messageRefs": []}
            self.items[key] = item
        item["messageRefs"].append({"id": message.id, "text": message.text, "offset": offset})


def person_names(messages: list[Message]) -> set[str]:
    """Return the names introduced by cues ("this is Dana", "thanks Priya", "Marcus, can you ...")."""
    names = set()
    for message in messages:
        for cue in _PERSON_CUES:
            names |= {hit[1] for hit in cue.finditer(message.text) if _is_name(hit[1])}
    return names - set(KNOWN_ORGANIZATIONS)


_OWN_ORG = re.compile(
    r"\b(?:I'm|I am|this is|it's|here is|[A-Z][a-z]+) \w+ (?:from|at|with) ([A-Z][\w&]+)|"
    r"\b(?:calling|welcome to|thanks for calling) ([A-Z][\w&]+)"
)


def own_organizations(messages: list[Message]) -> list[str]:
    """Return the companies speakers introduce themselves with ("I'm Maria from Brightline")."""
    return sorted({hit[1] or hit[2] for m in messages for hit in _OWN_ORG.finditer(m.text)})


def derive(messages: list[Message], people: list[Speaker], custom: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the entities found in ``messages``."""
    found = _Collector()
    custom_patterns = []
    for spec in custom:
        for phrase in dict.fromkeys(p for p in (spec.get("text"), spec.get("value")) if isinstance(p, str) and p):
            pattern = re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", re.I)
            custom_patterns.append((pattern, spec["customType"], str(spec.get("value") or spec["text"]).lower()))
    member_names = {p.name for p in people if not p.name.startswith("Speaker ")}
    member_names |= {n.split()[0] for n in member_names}
    for message in messages:
        text = message.text
        for pattern, custom_type, value in custom_patterns:
            for hit in pattern.finditer(text):
                found.add("custom", value, hit.group(0), message, hit.start(), custom_type)
        for org in KNOWN_ORGANIZATIONS:
            for hit in re.finditer(r"\b" + org + r"\b", text):
                found.add("organization", org, org, message, hit.start())
        for hit in _ORG_SUFFIX.finditer(text):
            found.add("organization", hit[1], hit[1], message, hit.start(1))
        for name in sorted(member_names, key=len, reverse=True):
            for hit in re.finditer(r"\b" + re.escape(name) + r"\b", text):
                found.add("person", name, name, message, hit.start())
        for cue in _PERSON_CUES:
            for hit in cue.finditer(text):
                if _is_name(hit[1]) and hit[1] not in KNOWN_ORGANIZATIONS:
                    found.add("person", hit[1], hit[1], message, hit.start(1))
        for hit in _ORG_CUE.finditer(text):
            if _is_name(hit[1]) and hit[1] not in member_names:
                found.add("organization", hit[1], hit[1], message, hit.start(1))
        for mention in find_dates(text, message.start.date()):
            found.add("date", mention.day.isoformat(), mention.text, message, mention.offset)
        for hit in _MONEY.finditer(text):
            number, scale = (hit[2], hit[3]) if hit[1] else (hit["n"], hit["s"])
            currency = _SYMBOLS[hit[1]] if hit[1] else _CURRENCY_WORDS[hit["c"].lower()]
            amount = float(number.replace(",", "")) * _SCALE.get((scale or "").lower(), 1)
            value = str(int(amount)) if amount.is_integer() else f"{amount:.2f}"
            found.add("money", f"{value} {currency}", hit.group(0), message, hit.start())
        for hit in _NUMBER.finditer(text):
            found.add("number", hit[1].replace(",", ""), hit[1], message, hit.start())
        for hit in _NUMBER_WORD.finditer(text):
            found.add("number", str(NUMBER_WORDS[hit[1].lower()]), hit[1], message, hit.start())
    return list(found.items.values())
