"""Facade overhead per request at a fixed request rate, measured with `hey` (an existing load generator)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from typing import Any

from bench.common import API_KEY, TRANSCRIPT, Facade, Sandbox, log, pct, table

DOC = """\
`hey` (Debian package `hey`) sends requests at a fixed rate (`-c 10 -q rate/10`: 10 workers, each
capped at rate/10 per second, keep-alive) for a fixed time and dumps every request's latency (`-o csv`);
the bench takes p50/p99 from those. The facade is `connector serve` with 2 gevent workers (the
default) and its default SQLite store and per-key rate limiter (limit raised so it never refuses);
the sandbox has no added latency, so the figures are the facade's own work. The reference is the
one Symbl call a caller would otherwise make itself (`GET /v1/job/{id}` on the sandbox).
Ratios are to that reference's p50."""


def hey(url: str, seconds: int, rate: int, headers: dict[str, str]) -> dict[str, Any]:
    workers = 10
    cmd = [shutil.which("hey") or "hey", "-z", f"{seconds}s", "-c", str(workers), "-q", f"{rate / workers:g}",
           "-o", "csv"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=seconds + 60).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    times = [float(r["response-time"]) for r in rows]
    codes = sorted({r["status-code"] for r in rows})
    return {"n": len(times), "p50": pct(times, 0.5), "p90": pct(times, 0.9), "p99": pct(times, 0.99),
            "max": max(times) if times else float("nan"), "codes": codes, "rate": len(times) / seconds}


def run(seconds: int, rate: int) -> dict[str, Any]:
    if not shutil.which("hey"):
        raise RuntimeError("hey is not installed (apt-get install -y hey)")
    sandbox = Sandbox(job_seconds=0.2)
    facade = Facade(sandbox.url, workers=2)
    try:
        done = facade.submit({"transcript": TRANSCRIPT, "wait": 20}).json()
        cid, job = done["conversation_id"], done["job_id"]
        auth = {"Authorization": f"Bearer {API_KEY}"}
        cases = [
            ("Symbl sandbox `GET /v1/job/{id}` (reference: one upstream call)", f"{sandbox.url}/v1/job/{job}",
             sandbox.headers(), rate),
            ("facade `GET /healthz` (no auth, no store)", f"{facade.url}/healthz", {}, rate),
            ("facade `GET /v1/jobs/{id}` (auth, rate limit, store read)", f"{facade.url}/v1/jobs/{job}", auth, rate),
            ("facade `GET /v1/conversations/{id}/insights` (10 upstream reads + flatten)",
             f"{facade.url}/v1/conversations/{cid}/insights", auth, max(rate // 5, 5)),
        ]
        results = []
        for label, url, headers, r in cases:
            log(f"overhead: {label} at {r}/s for {seconds} s")
            results.append({"label": label, "target_rate": r, **hey(url, seconds, r, headers)})
        return {"cases": results, "seconds": seconds}
    finally:
        facade.close()
        sandbox.close()


def render(r: dict[str, Any]) -> str:
    ref = r["cases"][0]["p50"]
    rows = [[c["label"], f"{c['target_rate']}/s ({c['rate']:.0f}/s achieved)", c["n"],
             f"{c['p50'] * 1000:.1f} ms", f"{c['p99'] * 1000:.1f} ms", f"{c['max'] * 1000:.0f} ms",
             f"{c['p50'] / ref:.1f}x", ",".join(c["codes"])] for c in r["cases"]]
    return table(["request", "rate", "requests", "p50", "p99", "max", "p50 ÷ reference p50", "status codes"], rows) \
        + f"\n\n{r['seconds']} s per row, one row after another."
