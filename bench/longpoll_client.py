"""A gevent client holding many concurrent long-poll requests (`GET /v1/jobs/{id}?wait=`), one
connection each. Run as its own process by `bench/concurrency.py`:

    python -m bench.longpoll_client URL KEY WAIT N JOB_ID...

Prints `SENT <t>` once every request is written, then one JSON line with every answer's
(time, status code, job status)."""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import resource  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import gevent  # noqa: E402


def one(host: str, port: int, path: str, key: str, results: list, sent: list) -> None:
    try:
        sock = socket.create_connection((host, port), timeout=600)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
                     f"Connection: close\r\n\r\n".encode())
        sent.append(1)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        at = time.time()
        sock.close()
        head, _, body = data.partition(b"\r\n\r\n")
        code = int(head.split(b" ", 2)[1]) if head else 0
        status = ""
        if code == 200:
            try:
                status = json.loads(body)["status"]
            except ValueError:
                status = "?"
        results.append((at, code, status))
    except Exception as exc:  # counted as an error
        results.append((time.time(), 0, type(exc).__name__))


def main() -> None:
    url, key, wait, n, *jobs = sys.argv[1:]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    parts = urlsplit(url)
    results: list = []
    sent: list = []
    greenlets = []
    for i in range(int(n)):
        path = f"/v1/jobs/{jobs[i % len(jobs)]}?wait={wait}"
        greenlets.append(gevent.spawn(one, parts.hostname, parts.port, path, key, results, sent))
        if i % 100 == 99:
            gevent.sleep(0.05)  # do not overflow the listen backlog
    while len(sent) + len(results) < int(n) and len(sent) < int(n):
        gevent.sleep(0.05)
    print(f"SENT {time.time()} {len(sent)}", flush=True)
    gevent.joinall(greenlets)
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    main()
