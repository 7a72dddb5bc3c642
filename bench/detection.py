"""Completion detection delay and Symbl status calls per job, per waiting strategy.

Real run: one sandbox process (jobs never end on their own; the bench ends each one through
`POST /_sandbox/jobs/{id}/complete` at exactly submit + duration, so the completion instant is
known), two `connector serve` facades (one without, one with Symbl webhooks), the official Python
SDK (real code, its 30 s interval scaled), a fixed 5 s poll and the Zapier "Delay, then one
check" recipe, all running concurrently. Every duration, interval and the status-call latency is
multiplied by ``scale``; delays are reported scaled back to real seconds.

A model (no IO: `connector.jobs.schedule.next_interval` in a simulated clock, unscaled) is
computed alongside as a cross-check of the scaling.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from bench.common import APP_ID, APP_SECRET, TRANSCRIPT, Facade, Sandbox, fmt_s, log, table
from connector.jobs.schedule import next_interval

STATUS_LATENCY = 0.25  # assumed real latency of one Symbl GET /v1/job/{id} (seconds, before scaling)
FACTORS_FULL = (0.91, 0.97, 1.03, 1.09)  # job duration spread around each nominal duration (see the doc)
SDK_INTERVAL = 30.0
FIXED_INTERVAL = 5.0
ZAPIER_DELAYS = (120.0, 300.0)
STRATEGIES = ["facade", "facade+webhooks", "sdk", "fixed5", "zapier2", "zapier5"]
LABELS = {
    "facade": "facade, no webhooks (long-poll `GET /v1/jobs/{id}?wait=`)",
    "facade+webhooks": "facade with Symbl webhooks",
    "sdk": "official Python SDK (`symbl` 2.0.6, 30 s, sleeps first)",
    "fixed5": "fixed 5 s poll (Symbl's samples)",
    "zapier2": "Zapier recipe: Delay 2 min, one check",
    "zapier5": "Zapier recipe: Delay 5 min, one check",
}


@dataclass
class Case:
    strategy: str
    nominal: float
    factor: float
    job_id: str = ""
    t0: float = 0.0
    t_complete: float = 0.0
    t_detect: float | None = None
    calls: int = 0
    error: str = ""
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def duration(self) -> float:
        return self.nominal * self.factor


def _load_sdk(sandbox_url: str, interval: float):
    """Import the official SDK pointed at the sandbox (symbl-api.md 8.5) with its interval scaled (8.3)."""
    import symbl_rest

    cfg = symbl_rest.Configuration()
    cfg.host = sandbox_url
    symbl_rest.Configuration.set_default(cfg)
    import logging

    import symbl  # noqa: F401  (must come after set_default)

    sys.modules["symbl.Conversations"].Conversation._Conversation__INTERVAL_TIME_IN_SECONDS = interval
    logging.getLogger("symbl").setLevel(logging.WARNING)
    return symbl


def model(strategy: str, duration: float, latency: float = STATUS_LATENCY) -> tuple[float | None, int]:
    """(detection delay, status calls) for one job, computed in a simulated clock (real seconds)."""
    if strategy in ("zapier2", "zapier5"):
        delay = ZAPIER_DELAYS[0 if strategy == "zapier2" else 1]
        return (delay + latency - duration if delay + latency / 2 >= duration else None), 1
    if strategy.startswith("facade"):
        hooks = strategy == "facade+webhooks"
        t, calls = next_interval(0.0, hooks), 0
        while True:
            if hooks and t + latency / 2 >= duration:  # the webhook came first: one verifying call
                return latency, calls + 1
            calls += 1
            if t + latency / 2 >= duration:
                return t + latency - duration, calls
            t = t + latency + next_interval(t + latency, hooks)
    interval, first = (SDK_INTERVAL, SDK_INTERVAL) if strategy == "sdk" else (FIXED_INTERVAL, 0.0)
    t, calls = first, 0
    while True:
        calls += 1
        if t + latency / 2 >= duration:
            return t + latency - duration, calls
        t = t + latency + interval


def run(scale: float, durations: list[float], factors: tuple[float, ...] = FACTORS_FULL) -> dict[str, Any]:
    sandbox = Sandbox(job_seconds=10**7, max_concurrent_jobs=100000, token_ttl_seconds=86400)
    sandbox.faults({"method": "GET", "path": "/v1/job/*", "status": None, "times": None,
                    "delay_seconds": STATUS_LATENCY * scale})
    poll_env = {"CONNECTOR_POLL_MIN_SECONDS": 1.0 * scale, "CONNECTOR_POLL_MAX_SECONDS": 60.0 * scale,
                "CONNECTOR_MAX_WAIT_SECONDS": 300}
    plain = Facade(sandbox.url, **poll_env)
    hooked_port = __import__("bench.common", fromlist=["free_port"]).free_port()
    hooked = Facade(sandbox.url, port=hooked_port, CONNECTOR_PUBLIC_URL=f"http://127.0.0.1:{hooked_port}", **poll_env)
    symbl = _load_sdk(sandbox.url, SDK_INTERVAL * scale)
    creds = {"app_id": APP_ID, "app_secret": APP_SECRET}
    sandbox.token()
    cases = [Case(s, d, f) for d in durations for f in factors for s in STRATEGIES]
    sdk_lock = threading.Lock()

    def complete_later(case: Case) -> None:
        time.sleep(max(0.0, case.t0 + case.duration * scale - time.time()))
        case.t_complete = time.time()
        sandbox.complete(case.job_id)

    def drive(case: Case) -> None:
        session = requests.Session()
        try:
            case.t0 = time.time()
            if case.strategy.startswith("facade"):
                facade = plain if case.strategy == "facade" else hooked
                answer = facade.submit({"transcript": TRANSCRIPT, "wait": 0, "name": f"bench {case.strategy}"},
                                       session=session)
                case.job_id = answer.json()["job_id"]
                threading.Thread(target=complete_later, args=(case,), daemon=True).start()
                while True:
                    info = facade.job(case.job_id, wait=250, session=session)
                    if info["status"] in ("completed", "failed"):
                        case.t_detect = time.time()
                        break
            elif case.strategy == "sdk":
                with sdk_lock:  # the SDK's token init is not thread-safe on first use
                    conversation = symbl.Text.process(
                        payload={"messages": [{"payload": {"content": line}} for line in TRANSCRIPT.splitlines()]},
                        credentials=creds, wait=False)
                case.job_id = conversation.get_job_id()
                threading.Thread(target=complete_later, args=(case,), daemon=True).start()
                detected = threading.Event()

                def on_complete(_conversation: Any) -> None:
                    case.t_detect = time.time()
                    detected.set()

                conversation.on_complete(on_complete)
                detected.wait(case.duration * scale + 4 * SDK_INTERVAL * scale + 30)
            else:
                case.job_id = sandbox.submit_text(session=session)["jobId"]
                threading.Thread(target=complete_later, args=(case,), daemon=True).start()
                if case.strategy == "fixed5":
                    while True:
                        if sandbox.job_status(case.job_id, session) in ("completed", "failed"):
                            case.t_detect = time.time()
                            break
                        time.sleep(FIXED_INTERVAL * scale)
                else:
                    delay = ZAPIER_DELAYS[0 if case.strategy == "zapier2" else 1] * scale
                    time.sleep(max(0.0, case.t0 + delay - time.time()))
                    if sandbox.job_status(case.job_id, session) in ("completed", "failed"):
                        case.t_detect = time.time()
                    # not done: the Zap's next step runs on an unfinished job (a miss)
                    remaining = case.t0 + case.duration * scale + 1 - time.time()
                    if remaining > 0:
                        time.sleep(remaining)  # keep the completer's job alive until it ends
        except Exception as exc:  # reported, never hides the rest of the run
            case.error = f"{type(exc).__name__}: {exc}"
        finally:
            case.done.set()

    longest = max(durations) * max(factors) * scale
    log(f"detection: {len(cases)} jobs concurrently, scale {scale:g}, longest {longest:.0f} s of wall time")
    started = time.time()
    for case in cases:
        threading.Thread(target=drive, args=(case,), daemon=True).start()
        time.sleep(0.01)
    for case in cases:
        case.done.wait(longest + 120)
    wall = time.time() - started
    stats = sandbox.stats()["status_calls"]
    for case in cases:
        case.calls = stats.get(case.job_id, 0)
    plain.close()
    hooked.close()
    sandbox.close()
    return summarize(cases, scale, durations, factors, wall)


def summarize(cases: list[Case], scale: float, durations: list[float], factors: tuple[float, ...],
              wall: float) -> dict[str, Any]:
    rows: dict[str, dict[str, Any]] = {}
    for nominal in durations:
        for strategy in STRATEGIES:
            mine = [c for c in cases if c.nominal == nominal and c.strategy == strategy]
            hits = [c for c in mine if c.t_detect is not None and c.t_complete and not c.error]
            delays = [(c.t_detect - c.t_complete) / scale for c in hits]  # type: ignore[operator]
            raw_ms = [(c.t_detect - c.t_complete) * 1000 for c in hits]  # type: ignore[operator]
            shares = [d / (c.duration) for d, c in zip(delays, hits)]
            models = [model(strategy, nominal * f) for f in factors]
            model_delays = [d for d, _ in models if d is not None]
            rows[f"{nominal:g}/{strategy}"] = {
                "nominal": nominal, "strategy": strategy, "n": len(mine), "detected": len(hits),
                "errors": [c.error for c in mine if c.error],
                "delay_mean": sum(delays) / len(delays) if delays else None,
                "delay_max": max(delays) if delays else None,
                "delay_raw_ms_max": max(raw_ms) if raw_ms else None,
                "delay_raw_ms_mean": sum(raw_ms) / len(raw_ms) if raw_ms else None,
                "share_mean": sum(shares) / len(shares) if shares else None,
                "share_max": max(shares) if shares else None,
                "calls": sum(c.calls for c in mine) / len(mine) if mine else 0,
                "model_delay": sum(model_delays) / len(model_delays) if model_delays else None,
                "model_calls": sum(c for _, c in models) / len(models),
                "model_missed": sum(1 for d, _ in models if d is None),
            }
    return {"scale": scale, "durations": durations, "factors": factors, "wall": wall, "rows": rows,
            "status_latency": STATUS_LATENCY}


def _dur(seconds: float) -> str:
    return f"{seconds:g} s" if seconds < 60 else f"{seconds / 60:g} min"


def render(result: dict[str, Any]) -> str:
    scale, rows = result["scale"], result["rows"]
    out = []
    body = []
    for nominal in result["durations"]:
        for strategy in STRATEGIES:
            r = rows[f"{nominal:g}/{strategy}"]
            missed = r["n"] - r["detected"]
            delay = fmt_s(r["delay_mean"]) if r["delay_mean"] is not None else "never"
            body.append([
                _dur(nominal), LABELS[strategy], delay,
                fmt_s(r["delay_max"]) if r["delay_max"] is not None else "—",
                f"{100 * r['share_mean']:.0f}%" if r["share_mean"] is not None else "—",
                f"{r['calls']:.1f}",
                f"{missed}/{r['n']}" if missed else "0",
                (fmt_s(r["model_delay"]) if r["model_delay"] is not None else "never") + f" / {r['model_calls']:.1f}",
            ])
    out.append(table(["job", "strategy", "delay (mean)", "delay (max)", "delay / job age", "status calls / job",
                      "missed", "model: delay / calls"], body))
    # ratios
    ratio_rows = []
    for nominal in result["durations"]:
        f, f5 = rows[f"{nominal:g}/facade"], rows[f"{nominal:g}/fixed5"]
        sdk, hook = rows[f"{nominal:g}/sdk"], rows[f"{nominal:g}/facade+webhooks"]
        ratio_rows.append([
            _dur(nominal),
            f"{f['calls'] / f5['calls']:.2f}" if f5["calls"] else "—",
            f"{f['delay_mean'] / f5['delay_mean']:.2f}" if f["delay_mean"] and f5["delay_mean"] else "—",
            f"{f['delay_mean'] / sdk['delay_mean']:.2f}" if f["delay_mean"] and sdk["delay_mean"] else "—",
            f"{f['calls'] / sdk['calls']:.2f}" if sdk["calls"] else "—",
            f"{100 * f['share_max']:.1f}%" if f["share_max"] is not None else "—",
            f"{hook['delay_raw_ms_mean']:.0f} / {hook['delay_raw_ms_max']:.0f} ms" if hook["delay_raw_ms_max"] else "—",
        ])
    out.append("\nRatios (same run):\n")
    out.append(table(["job", "facade calls ÷ fixed-5 s calls", "facade delay ÷ fixed-5 s delay",
                      "facade delay ÷ SDK delay", "facade calls ÷ SDK calls", "facade worst delay / age",
                      "webhook: completion → caller answered, measured (mean / max)"], ratio_rows))
    errors = [e for r in rows.values() for e in r["errors"]]
    if errors:
        out.append(f"\nErrors during the run ({len(errors)}): " + "; ".join(sorted(set(errors))[:5]))
    return "\n".join(out)


DOC = """\
**Real run, time-scaled by 1/{scale_inv}**: every job duration, every poll interval of every strategy
and the status-call latency are divided by {scale_inv}; delays are shown multiplied back (real
seconds). All jobs of all strategies run concurrently on one sandbox process. The sandbox's jobs never
finish by themselves: the bench ends each one (`POST /_sandbox/jobs/{{id}}/complete`) at exactly
submit + duration, so the completion instant is known. Each nominal duration is run as
{n_factors} jobs of duration × {factors} per strategy (a spread that puts each fixed-interval poller at
evenly spread phases; exact multiples of an interval would flatter it). Symbl's `GET /v1/job/{{id}}`
is given a 250 ms latency (scaled) by a sandbox fault rule.

- facade: `connector serve` with `CONNECTOR_POLL_MIN_SECONDS`/`CONNECTOR_POLL_MAX_SECONDS` = 1 s / 60 s
  scaled; the caller submits with `wait: 0` and long-polls `GET /v1/jobs/{{id}}?wait=250`.
- facade with webhooks: the same plus `CONNECTOR_PUBLIC_URL`, so the sandbox POSTs job status changes
  to the facade, which verifies them with one status call and wakes the caller.
- official SDK: `symbl.Text.process(..., wait=False)` + `on_complete`, the real SDK code pointed at the
  sandbox (`symbl_rest.Configuration.host`), its 30 s interval scaled through
  `Conversation._Conversation__INTERVAL_TIME_IN_SECONDS`; it sleeps before its first check.
- fixed 5 s poll: check at once, then every 5 s (scaled) until `completed`.
- Zapier recipe: "Delay For" 2 or 5 minutes, then one status check; a job still running then is a
  **miss** (the Zap continues without the result).

"status calls / job" are counted by the sandbox (`/_sandbox/stats` `status_calls`). "model" is the
same strategy computed without IO and without scaling (`connector.jobs.schedule.next_interval` in a
simulated clock, 250 ms per status call), the cross-check of what scaling distorts: at 1/{scale_inv}
every millisecond of real processing (HTTP, SQLite, thread wake-ups) counts as {scale_inv} ms, so the
measured short-job delays are pessimistic. The webhook column is measured unscaled (ms of wall time
from the completion to the caller's answer, including one status call at the scaled latency)."""
