"""Token generations per token lifetime across several workers and instances (one Redis store)."""

from __future__ import annotations

import math
import shutil
import subprocess
import threading
import time
from typing import Any

import requests
from werkzeug.serving import make_server

from bench.common import TMP, TRANSCRIPT, Facade, free_port, log, table, wait_http
from connector.sandbox import SandboxConfig, create_sandbox_app

INSTANCES, WORKERS = 2, 2

DOC = """\
{instances} instances of `connector serve` × {workers} gevent workers each, sharing one Redis store
(`CONNECTOR_STORE_URL=redis://…`), against one sandbox whose tokens live only `ttl` seconds (a short
lifetime stands in for Symbl's 24 h; the refresh rules scale with it). During several lifetimes
every process keeps calling Symbl: each instance tracks running jobs (poll interval 0.2 to 0.5 s,
jobs polled by whichever process holds the job's lease) and serves a steady stream of
get-insights requests (10 Symbl reads each) from two client threads, plus a new submit every 2 s.
The sandbox runs inside the bench process so its token issuer can be read: "generate calls" are
`POST /oauth2/token:generate` requests, "new tokens" the distinct tokens it issued (it answers a
repeat generate with the cached token and its remaining lifetime, as Symbl does). Per lifetime =
divided by the number of lifetimes begun during the run (the minimum number of tokens possible). 401s are counted
from the facades' logs (`symbl 401: token refreshed once`); failed client requests would show as
errors.""".format(instances=INSTANCES, workers=WORKERS)


def run(ttl: float, lifetimes: int) -> dict[str, Any]:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = create_sandbox_app(SandboxConfig(token_ttl_seconds=ttl, job_seconds=10**7, max_concurrent_jobs=10**5,
                                           send_webhooks=False))
    state = app.extensions["sandbox"]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sandbox_url = f"http://127.0.0.1:{server.port}"
    redis_port = free_port()
    redis_dir = TMP / f"redis-{redis_port}"
    redis_dir.mkdir()
    redis = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(redis_port), "--bind",
                              "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(redis_dir)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    facades: list[Facade] = []
    stop = threading.Event()
    errors: list[str] = []
    served = [0]
    try:
        time.sleep(0.5)
        env = {"CONNECTOR_STORE_URL": f"redis://127.0.0.1:{redis_port}/0", "CONNECTOR_POLL_MIN_SECONDS": 0.2,
               "CONNECTOR_POLL_MAX_SECONDS": 0.5, "CONNECTOR_LOG_LEVEL": "INFO"}
        facades = [Facade(sandbox_url, workers=WORKERS, **env) for _ in range(INSTANCES)]
        started = time.time()
        done = facades[0].submit({"transcript": TRANSCRIPT, "wait": 0}).json()
        state.finish(done["job_id"], "completed")
        facades[0].job(done["job_id"], wait=30)
        cid = done["conversation_id"]
        for f in facades:
            for _ in range(3):
                f.submit({"transcript": TRANSCRIPT, "wait": 0})

        def reader(facade: Facade) -> None:
            session = requests.Session()
            while not stop.is_set():
                r = session.get(f"{facade.url}/v1/conversations/{cid}/insights", headers=facade.headers(),
                                timeout=30)
                if r.status_code != 200 or r.json().get("warnings"):
                    errors.append(f"{r.status_code} {r.text[:120]}")
                served[0] += 1
                stop.wait(0.1)

        def submitter() -> None:
            i = 0
            while not stop.wait(2.0):
                r = facades[i % len(facades)].submit({"transcript": TRANSCRIPT, "wait": 0})
                if r.status_code != 202:
                    errors.append(f"submit {r.status_code} {r.text[:120]}")
                i += 1

        threads = [threading.Thread(target=reader, args=(f,), daemon=True) for f in facades for _ in range(2)]
        threads.append(threading.Thread(target=submitter, daemon=True))
        for t in threads:
            t.start()
        log(f"tokens: {INSTANCES} instances x {WORKERS} workers, ttl {ttl:g} s, {lifetimes} lifetimes")
        time.sleep(ttl * (lifetimes - 0.5) - (time.time() - started))  # end mid-lifetime: no boundary race
        elapsed = time.time() - started
        stop.set()
        for t in threads:
            t.join(35)
        calls = state.tokens.generations
        issued = len(state.tokens._issued)  # noqa: SLF001 (read-only peek for the benchmark)
        logs = "".join(f.log_path.read_text(errors="replace") for f in facades)
        status_calls = sum(state.stats.snapshot()["status_calls"].values())
        begun = math.ceil(elapsed / ttl)  # token lifetimes begun during the run
        return {"ttl": ttl, "elapsed": elapsed, "lifetimes": elapsed / ttl, "calls": calls, "issued": issued,
                "min_tokens": begun, "calls_per_lifetime": calls / begun,
                "new_per_lifetime": issued / begun, "unauthorized": logs.count("symbl 401"),
                "generated_logged": logs.count("symbl token generated"), "errors": len(errors),
                "error_samples": errors[:3], "insights_served": served[0], "status_calls": status_calls,
                "processes": INSTANCES * WORKERS}
    finally:
        stop.set()
        for f in facades:
            f.close()
        redis.terminate()
        redis.wait(10)
        server.shutdown()


def render(r: dict[str, Any]) -> str:
    naive = r["processes"]
    rows = [[f"{r['ttl']:g} s", f"{r['elapsed']:.0f} s ({r['lifetimes']:.1f} lifetimes)",
             f"{r['processes']} ({INSTANCES} × {WORKERS})", r["calls"], f"{r['issued']} (minimum {r['min_tokens']})",
             f"**{r['calls_per_lifetime']:.2f}**", f"**{r['new_per_lifetime']:.2f}**", r["unauthorized"],
             f"{r['errors']} of {r['insights_served']:,} get-insights" + (f": {r['error_samples']}" if r["errors"] else ""),
             f"{r['status_calls']:,}"]]
    return (table(["token lifetime", "run", "processes calling Symbl", "generate calls", "new tokens",
                   "generate calls / lifetime", "new tokens / lifetime", "401s", "client errors",
                   "status calls made meanwhile"], rows)
            + f"\n\nFor scale: a per-process token cache (the official SDK's way: one token per process, "
              f"re-generated by a timer at exactly `expiresIn`) would make {naive} generate calls per lifetime "
              f"with these {naive} processes (derived, not measured here).")
