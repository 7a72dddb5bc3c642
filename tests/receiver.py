"""A loopback HTTP receiver that records what is POSTed to it (callbacks, hook deliveries)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask, request

from tests.servers import serve


@dataclass
class Received:
    url: str
    bodies: list[bytes] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    fail_next: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def receiver() -> Iterator[Received]:
    """Yield a Received whose ``url`` accepts POSTs; ``fail_next`` answers 500 that many times first."""
    app = Flask("receiver")
    holder: dict[str, Received] = {}

    @app.post("/hook")
    def hook():
        got = holder["r"]
        with got.lock:
            if got.fail_next > 0:
                got.fail_next -= 1
                return "try later", 500
            got.bodies.append(request.get_data())
            got.headers.append(dict(request.headers))
        return "", 204

    with serve(app) as url:
        holder["r"] = Received(url=f"{url}/hook")
        yield holder["r"]
