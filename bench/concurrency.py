"""Concurrent waiting requests held by one `connector serve`, with RSS and CPU, and coalescing."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

from bench.common import (API_KEY, TRANSCRIPT, Facade, Sampler, Sandbox, cpu_seconds, fmt_s, log, pct, rss_bytes,
                          table)
from connector.jobs.schedule import next_interval

JOBS = 4

DOC = """\
`connector serve` (gunicorn + gevent, `CONNECTOR_WORKERS` as shown, default SQLite store, default poll
schedule 1 s to 60 s) on a sandbox whose jobs run until the bench ends them. The bench submits
{jobs} jobs, then a separate gevent client process (`bench/longpoll_client.py`, one TCP connection per
request) opens N concurrent `GET /v1/jobs/{{id}}?wait=…` spread evenly over the {jobs} jobs and holds them.
While they are held the bench samples the summed RSS and CPU time of the gunicorn master and workers
from `/proc`; then it completes the jobs at the sandbox and times how fast every caller is answered.
"status calls / job" is the sandbox's count for the whole life of each job (`/_sandbox/stats`);
"schedule alone" is what the polling schedule makes for a job of that age with one caller
(`next_interval` without IO): equal numbers mean N callers cost one poll stream. No webhooks here, so
the first answer comes at the job's next poll; the spread to the last answer is the fan-out.""".format(jobs=JOBS)


def schedule_calls(age: float) -> int:
    t, calls = next_interval(0.0), 0
    while t <= age:
        calls += 1
        t += next_interval(t)
    return calls


def one(workers: int, n: int, hold: float) -> dict[str, Any]:
    sandbox = Sandbox(job_seconds=10**7, max_concurrent_jobs=100000)
    facade = Facade(sandbox.url, workers=workers, CONNECTOR_MAX_WAIT_SECONDS=300,
                    CONNECTOR_WORKER_CONNECTIONS=2000)
    try:
        t_submit = time.time()
        jobs = [facade.submit({"transcript": TRANSCRIPT, "wait": 0}).json()["job_id"] for _ in range(JOBS)]
        for _ in range(10 * workers):  # touch every worker once (imports, pools) before the idle sample
            facade.session.get(f"{facade.url}/v1/me", headers=facade.headers(), timeout=10)
        time.sleep(1.0)
        pids = facade.pids()
        idle = sum(rss_bytes(p) for p in pids)
        log(f"concurrency: {n} waiting requests on {workers} worker(s)")
        client = subprocess.Popen([sys.executable, "-m", "bench.longpoll_client", facade.url, API_KEY,
                                   str(int(hold + 60)), str(n), *jobs], stdout=subprocess.PIPE, text=True)
        line = client.stdout.readline().split()  # type: ignore[union-attr]
        t_sent, sent = float(line[1]), int(line[2])
        time.sleep(2.0)
        cpu0, w0 = sum(cpu_seconds(p) for p in pids), time.time()
        with Sampler(facade.pids, step=0.25) as sampler:
            time.sleep(hold)
        cpu_hold = (sum(cpu_seconds(p) for p in pids) - cpu0) / (time.time() - w0)
        held = sampler.peak()
        t_complete = time.time()
        for job in jobs:
            sandbox.complete(job)
        out, _ = client.communicate(timeout=hold + 120)
        answers = json.loads(out.strip().splitlines()[-1])
        answered = [a for a in answers if a[1] == 200 and a[2] == "completed"]
        fan = [a[0] - t_complete for a in answered]
        time.sleep(0.5)
        calls = sandbox.stats()["status_calls"]
        per_job = [calls.get(j, 0) for j in jobs]
        after = sum(rss_bytes(p) for p in facade.pids())
        return {"workers": workers, "n": n, "sent": sent, "answered": len(answered),
                "errors": len(answers) - len(answered), "codes": sorted({a[1] for a in answers}),
                "idle_rss": idle, "held_rss": held, "after_rss": after,
                "rss_per_request_kb": (held - idle) / n / 1024, "cpu_hold": cpu_hold,
                "fan_first": min(fan) if fan else float("nan"), "fan_p99": pct(fan, 0.99),
                "fan_max": max(fan) if fan else float("nan"),
                "open_seconds": t_sent - t_submit, "calls_per_job": sum(per_job) / len(per_job),
                "callers_per_job": n / JOBS, "schedule_calls": schedule_calls(t_complete - t_submit),
                "job_age": t_complete - t_submit}
    finally:
        facade.close()
        sandbox.close()


def run(runs: list[tuple[int, int]], hold: float) -> dict[str, Any]:
    return {"runs": [one(w, n, hold) for w, n in runs], "hold": hold}


def render(r: dict[str, Any]) -> str:
    rows = []
    for x in r["runs"]:
        rows.append([f"{x['n']:,}", x["workers"], f"{x['answered']:,} / {x['n']:,}" + (f" ({x['errors']} errors, codes {x['codes']})" if x["errors"] else ""),
                     f"{x['idle_rss'] / 2**20:.0f} MB", f"{x['held_rss'] / 2**20:.0f} MB",
                     f"{x['rss_per_request_kb']:.0f} KB", f"{100 * x['cpu_hold']:.1f}%",
                     f"{fmt_s(x['fan_first'])} / {fmt_s(x['fan_max'])} ({fmt_s(x['fan_max'] - x['fan_first'])})",
                     f"{x['callers_per_job']:.0f}", f"{x['calls_per_job']:.1f}", x["schedule_calls"]])
    return (table(["waiting requests", "workers", "answered `completed`", "RSS idle (master+workers)",
                   "RSS holding them (peak)", "RSS per waiting request", "CPU while holding (% of one core)",
                   "completion → first / last caller answered (spread)", "callers / job", "status calls / job",
                   "schedule alone (1 caller)"], rows)
            + f"\n\nHeld for {r['hold']:g} s each; jobs were about {r['runs'][0]['job_age']:.0f} s old when completed.")
