"""The polling schedule against the alternatives (counts only; timing is in bench/)."""

from __future__ import annotations

import pytest

from connector.jobs.schedule import MIN_INTERVAL, next_interval


def polls_until(duration: float, webhooks: bool = False) -> tuple[int, float]:
    """(status calls, detection delay) for a job that completes at ``duration`` seconds."""
    age, calls = 0.0, 0
    while True:
        age += next_interval(age, webhooks)
        calls += 1
        if age >= duration:
            return calls, age - duration


@pytest.mark.parametrize("duration", [5, 30, 120, 600, 1800])
def test_detection_delay_stays_within_about_ten_percent(duration):
    calls, delay = polls_until(duration)
    assert delay <= max(0.1 * duration * 1.1, MIN_INTERVAL)
    if duration >= 600:
        assert calls < (duration / 5) / 2  # far fewer than a fixed 5 s poll once jobs are long


def test_webhooks_make_polling_sparser():
    assert polls_until(1800, webhooks=True)[0] < polls_until(1800)[0] / 2
