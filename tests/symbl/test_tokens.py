"""The token provider: one generation per lifetime for the deployment, early refresh, 401 handling."""

from __future__ import annotations

import threading
import time

from connector.store import open_store
from connector.symbl.credentials import Credential
from connector.symbl.tokens import TokenProvider, refresh_time


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_refresh_time_is_early_for_long_and_short_lifetimes():
    assert refresh_time(0, 86400, False) == 86400 - 300
    assert refresh_time(0, 10, False) == 5  # half the lifetime when that is shorter
    assert refresh_time(0, 100, True) == 100  # Symbl reuses tokens: nothing newer before expiry
    assert refresh_time(0, 0, True) == 1  # still reported valid at expiry: no loop of generates


def test_many_threads_and_two_providers_share_one_generation(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    calls = []

    def generate(cred: Credential) -> tuple[str, float]:
        calls.append(cred.id)
        time.sleep(0.2)
        return f"token-{len(calls)}", 3600.0

    cred = Credential("app", "secret")
    providers = [TokenProvider(cred, store, generate), TokenProvider(cred, store, generate)]  # two "instances"
    results = []
    threads = [threading.Thread(target=lambda p=p: results.append(p.get())) for p in providers * 10]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [cred.id]
    assert set(results) == {"token-1"}


def test_invalidate_only_the_failing_token(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    tokens = iter(["a", "b", "c"])
    provider = TokenProvider(Credential("app", "s"), store, lambda c: (next(tokens), 3600.0))
    assert provider.get() == "a"
    provider.invalidate("a")
    assert provider.get() == "b"
    provider.invalidate("a")  # a stale 401 must not throw away the newer token
    assert provider.get() == "b"


def test_refresh_happens_before_expiry(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    clock = Clock()
    tokens = iter(["a", "b"])
    provider = TokenProvider(Credential("app", "s"), store, lambda c: (next(tokens), 600.0), clock=clock)
    assert provider.get() == "a"
    clock.now += 299
    assert provider.get() == "a"
    clock.now += 2  # 301 s in: within 300 s of expiry
    assert provider.get() == "b"


def test_once_symbl_reuses_the_token_it_is_kept_to_expiry_then_one_generate_per_lifetime(tmp_path):
    """Symbl answers a generate with the cached token and its remaining lifetime (as the sandbox does)."""
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    clock = Clock()
    issued: dict[str, float] = {}
    calls: list[float] = []

    def generate(cred: Credential) -> tuple[str, float]:
        calls.append(clock.now)
        live = [(t, exp) for t, exp in issued.items() if exp > clock.now]
        if live:
            return live[0][0], float(int(live[0][1] - clock.now))
        token = f"t{len(issued)}"
        issued[token] = clock.now + 600
        return token, 600.0

    provider = TokenProvider(Credential("app", "s"), store, generate, clock=clock)
    assert provider.get() == "t0"
    clock.now += 301  # the early refresh: Symbl hands the same token back
    assert provider.get() == "t0"
    assert len(calls) == 2
    for lifetime in range(1, 4):  # from then on: kept to its expiry, one generate per lifetime
        clock.now = 1_000 + 600 * lifetime - 0.5
        assert provider.get() == f"t{lifetime - 1}"
        clock.now = 1_000 + 600 * lifetime
        assert provider.get() == f"t{lifetime}"
        assert len(calls) == 2 + lifetime
    second = TokenProvider(Credential("app", "s"), store, generate, clock=clock)  # another worker
    clock.now += 599
    assert second.get() == "t3"
    assert len(calls) == 5


def test_secret_is_not_in_the_credential_repr():
    assert "hunter2" not in repr(Credential("app", "hunter2"))
