"""The one lease helper (`connector/store/lease.py`) on both backends: one owner at a time."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from connector.store import Store
from connector.store.lease import Lease, LeaseBusy


def test_one_owner_at_a_time_and_only_the_owner_releases(open_stores: Callable[[], Store]) -> None:
    first, second = open_stores(), open_stores()  # two workers on the same data
    mine, theirs = Lease(first, "lease:a", 30.0), Lease(second, "lease:a", 30.0)
    assert mine.acquire() and not theirs.acquire()
    assert not theirs.release() and not theirs.acquire()  # a stranger cannot free it
    assert mine.release() and theirs.acquire()


def test_acquire_or_renew_keeps_it_for_its_owner_only(store: Store) -> None:
    mine, theirs = Lease(store, "lease:b", 30.0, owner="me"), Lease(store, "lease:b", 30.0, owner="them")
    assert mine.acquire_or_renew() and mine.acquire_or_renew()
    assert not theirs.acquire_or_renew()
    theirs.take_over()  # a late or dead holder must not delay a webhook's check
    assert store.kv_get("lease:b") == "them" and not mine.acquire_or_renew()


def test_waiting_gives_up_at_the_deadline_without_real_sleeps(store: Store) -> None:
    Lease(store, "lease:c", 30.0).acquire()
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    waiting = Lease(store, "lease:c", 30.0)
    assert not waiting.wait(1.0, step=0.25, sleep=sleep, clock=lambda: now[0])
    assert now[0] == pytest.approx(0.75)
    with pytest.raises(LeaseBusy), waiting.held(-1.0, step=0.25, sleep=sleep):
        pass
