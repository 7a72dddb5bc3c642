"""The per-account management lock holds across two processes' worth of locks sharing one store."""

from __future__ import annotations

import threading
import time

import pytest

from connector.store import open_store
from connector.trackers.lock import ManagementBusy, ManagementLock


@pytest.fixture
def store(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/lock.db")
    yield store
    store.close()


def test_two_instances_never_overlap(store) -> None:
    locks = [ManagementLock(store), ManagementLock(store)]  # as two workers would have
    inside, overlaps, done = [0], [0], []
    guard = threading.Lock()

    def work(lock: ManagementLock) -> None:
        with lock.hold("app-1", time.monotonic() + 10):
            with guard:
                inside[0] += 1
                overlaps[0] = max(overlaps[0], inside[0])
            time.sleep(0.01)
            with guard:
                inside[0] -= 1
        done.append(1)

    threads = [threading.Thread(target=work, args=(locks[i % 2],)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(done) == 12 and overlaps[0] == 1


def test_other_accounts_are_independent_and_deadline_is_busy(store) -> None:
    first, second = ManagementLock(store), ManagementLock(store)
    with first.hold("app-1", time.monotonic() + 1):
        with second.hold("app-2", time.monotonic() + 1):
            pass
        with pytest.raises(ManagementBusy), second.hold("app-1", time.monotonic() + 0.1):
            pass
    with second.hold("app-1", time.monotonic() + 1):  # released: free again
        pass


def test_a_crashed_holder_expires(store) -> None:
    store.kv_set(ManagementLock.key("app-1"), "someone-who-died", 0.2)
    with ManagementLock(store).hold("app-1", time.monotonic() + 2):
        pass
