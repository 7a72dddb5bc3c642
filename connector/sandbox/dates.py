"""Date mentions in a sentence ("tomorrow", "by Friday", "next week", "2024-02-01", "March 3"), resolved
against the day the sentence was spoken."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = [m.lower() for m in calendar.month_name[1:]]


@dataclass(frozen=True)
class DateMention:
    """A date found in text: the words, where they start, and the day they mean."""

    text: str
    offset: int
    day: date


def _next_weekday(base: date, weekday: int) -> date:
    ahead = (weekday - base.weekday()) % 7
    return base + timedelta(days=ahead or 7)


def _end_of_week(base: date) -> date:
    return base + timedelta(days=(4 - base.weekday()) % 7)


_PATTERNS: list[tuple[re.Pattern[str], object]] = [
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
    (re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b", re.I), "month_day"),
    (re.compile(r"\bday after tomorrow\b", re.I), lambda b: b + timedelta(days=2)),
    (re.compile(r"\btomorrow\b", re.I), lambda b: b + timedelta(days=1)),
    (re.compile(r"\b(?:today|tonight|this morning|this afternoon|this evening)\b", re.I), lambda b: b),
    (re.compile(r"\b(?:the\s+)?end\s+of\s+(?:the|this)\s+week\b", re.I), _end_of_week),
    (
        re.compile(r"\b(?:the\s+)?end\s+of\s+(?:the|this)\s+month\b", re.I),
        lambda b: b.replace(day=calendar.monthrange(b.year, b.month)[1]),
    ),
    (re.compile(r"\bnext\s+week\b", re.I), lambda b: _next_weekday(b, 0)),
    (re.compile(r"\bnext\s+month\b", re.I), lambda b: (b.replace(day=28) + timedelta(days=4)).replace(day=1)),
    (re.compile(r"\b(?:next\s+)?(" + "|".join(WEEKDAYS) + r")\b", re.I), "weekday"),
]


def find_dates(text: str, base: date) -> list[DateMention]:
    """Return the non-overlapping date mentions in ``text``, in order of appearance."""
    found: list[DateMention] = []
    taken: list[range] = []
    for pattern, resolve in _PATTERNS:
        for match in pattern.finditer(text):
            span = range(match.start(), match.end())
            if any(span.start < t.stop and t.start < span.stop for t in taken):
                continue
            try:
                if resolve == "iso":
                    day = date(int(match[1]), int(match[2]), int(match[3]))
                elif resolve == "month_day":
                    day = date(base.year, MONTHS.index(match[1].lower()) + 1, int(match[2]))
                    if day < base:
                        day = day.replace(year=base.year + 1)
                elif resolve == "weekday":
                    day = _next_weekday(base, WEEKDAYS.index(match[1].lower()))
                else:
                    day = resolve(base)  # type: ignore[operator]
            except ValueError:
                continue
            taken.append(span)
            found.append(DateMention(match.group(0), match.start(), day))
    return sorted(found, key=lambda m: m.offset)
