"""Backfill benchmark: a batch of N items through the facade with SYMBL_MAX_CONCURRENT_JOBS=L
against a sandbox that allows L jobs per account, with time-scaled job durations.

The ideal is ceil(N / L) x job duration (L jobs always in flight, none waiting). The run reports
the wall time from POST /v1/batches to the last item completed, its ratio to the ideal, the
sandbox's peak jobs in flight (must never exceed L), 429s seen, and how long the POST and the
insights CSV took. With Symbl's webhooks (CONNECTOR_PUBLIC_URL set, the sandbox posts job
updates) and without (polling only).

    python -m bench.backfill [--items 1000] [--limit 50] [--job-seconds 2] [--modes webhooks,polling]

Real processes: `connector sandbox` and `connector serve` (gunicorn, 2 workers, SQLite store).
Prints a markdown section (appended by hand to docs/benchmarks.md)."""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from bench.common import ROOT, free_port, stop, wait_http

KEY = "bench-backfill-key"


def start(args: list[str], env: dict[str, str], health: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "connector.cli", *args], env={**os.environ, **env}, cwd=ROOT,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_http(health, proc=proc)
    return proc


def run(items: int, limit: int, job_seconds: float, webhooks: bool, tmp: Path) -> dict[str, Any]:
    sandbox_port, facade_port = free_port(), free_port()
    sandbox_url, facade_url = f"http://127.0.0.1:{sandbox_port}", f"http://127.0.0.1:{facade_port}"
    sandbox = start(["sandbox", "--host", "127.0.0.1", "--port", str(sandbox_port), "--quiet"],
                    {"SANDBOX_JOB_SECONDS": str(job_seconds), "SANDBOX_MAX_CONCURRENT_JOBS": str(limit)},
                    f"{sandbox_url}/_sandbox/stats")
    env = {"SYMBL_BASE_URL": sandbox_url, "CONNECTOR_API_KEYS": KEY, "SYMBL_MAX_CONCURRENT_JOBS": str(limit),
           "CONNECTOR_STORE_URL": f"sqlite:///{tmp}/backfill-{facade_port}.db", "CONNECTOR_LOG_LEVEL": "WARNING",
           "CONNECTOR_WORKERS": "2", "CONNECTOR_RATE_LIMIT": "100000/minute"}
    if webhooks:
        env["CONNECTOR_PUBLIC_URL"] = facade_url
    os.environ.pop("SYMBL_APP_ID", None)
    facade = start(["serve", "--host", "127.0.0.1", "--port", str(facade_port)], env, f"{facade_url}/healthz")
    try:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {KEY}"
        body = {"items": [{"transcript": f"Alice: Call number {i}. Bob: Let's send the proposal on Friday.",
                           "name": f"call {i}", "key": f"bench-{i}"} for i in range(items)],
                "options": {"include": ["topics", "action_items", "questions"]}}
        t0 = time.monotonic()
        answer = session.post(f"{facade_url}/v1/batches", json=body, timeout=300)
        answer.raise_for_status()
        post_seconds = time.monotonic() - t0
        batch = answer.json()["batch_id"]
        progress: dict[str, Any] = {}
        while True:
            progress = session.get(f"{facade_url}/v1/batches/{batch}", params={"items": "false"}, timeout=60).json()
            if progress["status"] != "running":
                break
            time.sleep(0.2)
        wall = time.monotonic() - t0
        t1 = time.monotonic()
        csv_answer = session.get(f"{facade_url}/v1/batches/{batch}/insights", headers={"Accept": "text/csv"},
                                 timeout=600)
        csv_seconds = time.monotonic() - t1
        rows = len(list(csv.reader(io.StringIO(csv_answer.text)))) - 1
        t2 = time.monotonic()
        rerun = session.post(f"{facade_url}/v1/batches", json=body, timeout=300).json()
        rerun_seconds = time.monotonic() - t2
        stats = requests.get(f"{sandbox_url}/_sandbox/stats", timeout=10).json()
        submits = sum(n for route, n in stats["requests"].items() if route.startswith("POST /v1/process/"))
        ideal = math.ceil(items / limit) * job_seconds
        return {"mode": "webhooks" if webhooks else "polling", "items": items, "limit": limit,
                "job_seconds": job_seconds, "wall": wall, "ideal": ideal, "ratio": wall / ideal,
                "completed": progress["counts"]["completed"], "peak": stats["max_jobs_in_flight"],
                "submits": submits, "post_seconds": post_seconds, "csv_seconds": csv_seconds, "csv_rows": rows,
                "rerun_counts": rerun["counts"], "rerun_seconds": rerun_seconds}
    finally:
        stop(facade)
        stop(sandbox)


def markdown(results: list[dict[str, Any]]) -> str:
    first = results[0]
    lines = [
        "## Backfill: a batch through the concurrency limit",
        "",
        f"`python -m bench.backfill --items {first['items']} --limit {first['limit']} --job-seconds "
        f"{first['job_seconds']:g}` on {platform.machine()} / Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs: `connector serve` (2 gunicorn workers, SQLite store) with "
        f"`SYMBL_MAX_CONCURRENT_JOBS={first['limit']}`, against a `connector sandbox` that allows "
        f"{first['limit']} jobs in flight per account and runs each job for {first['job_seconds']:g} s "
        "(time-scaled: a real Symbl job of a few minutes). One `POST /v1/batches` of "
        f"{first['items']} text items; wall time until the last item is `completed`. "
        "Ideal = ceil(items / limit) x job duration.",
        "",
        "| Symbl job updates | wall time | ideal | wall / ideal | peak jobs in flight at Symbl | submits to Symbl "
        "| POST answered in | insights CSV (rows) | re-run with the same keys |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['mode']} | {r['wall']:.1f} s | {r['ideal']:.1f} s | {r['ratio']:.2f} | {r['peak']} (limit "
            f"{r['limit']}) | {r['submits']} | {r['post_seconds']:.2f} s | "
            f"{r['csv_seconds']:.1f} s ({r['csv_rows']}) | {r['rerun_counts']['completed']} completed at once, "
            f"{r['rerun_seconds']:.2f} s |"
        )
    lines += [
        "",
        "Submits to Symbl count every `POST /v1/process/...` of the run, re-run included (so equal to the "
        "items: no 429 retry, no duplicate). "
        "Reading: the facade never has more than the limit in flight (the peak is the sandbox's own count), "
        "never triggers a 429, and stays close to the ideal: the gap is how fast a finished job is noticed "
        "(a webhook: milliseconds; polling: the poll interval, at least `CONNECTOR_POLL_MIN_SECONDS`) plus "
        "one dispatch round to refill the slot. A re-run of the same backfill submits nothing.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--job-seconds", type=float, default=2.0)
    parser.add_argument("--modes", default="webhooks,polling")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-backfill-") as tmp:
        for mode in args.modes.split(","):
            result = run(args.items, args.limit, args.job_seconds, mode == "webhooks", Path(tmp))
            print(f"[backfill] {result}", file=sys.stderr, flush=True)
            results.append(result)
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
