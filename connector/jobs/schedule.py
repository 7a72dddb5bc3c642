"""The polling schedule: detection delay stays within ~10% of a job's age while the number of
status calls grows only logarithmically with the job's duration (docs/design.md, Targets)."""

from __future__ import annotations

MIN_INTERVAL = 1.0
MAX_INTERVAL = 60.0
AGE_FRACTION = 0.1
WEBHOOK_FACTOR = 4.0
MAX_INTERVAL_WITH_WEBHOOKS = 180.0


def next_interval(
    age: float, webhooks_active: bool = False, *, minimum: float = MIN_INTERVAL, maximum: float = MAX_INTERVAL
) -> float:
    """Seconds until the next status call for a job that is ``age`` seconds old.

    While Symbl's webhooks are arriving, polling is only the fallback for a lost webhook, so it
    backs off further."""
    interval = min(maximum, max(minimum, AGE_FRACTION * max(age, 0.0)))
    if webhooks_active:
        interval = min(max(MAX_INTERVAL_WITH_WEBHOOKS, maximum), interval * WEBHOOK_FACTOR)
    return interval
