"""get-insights latency: the facade (parallel reads) against the slowest single Symbl endpoint and a
sequential client (one call after another, as a hand-built Zap or the official SDK reads them).

The sandbox gets a fixed per-endpoint latency (`part_latency`, assumed realistic values below);
`connector serve` reads the conversation and its nine parts. A second conversation was submitted
with a Call Score, typed fields for Nebula and a summary page: its get-insights also carries those
(kept in the store once computed, so a re-read costs no extra Symbl or Nebula call)."""

from __future__ import annotations

import time
from typing import Any

import requests

from bench.common import TRANSCRIPT, Facade, Sandbox, fmt_s, log, median, table

# assumed latencies of Symbl's Conversation API (seconds); summary is generated, hence the slowest
PART_LATENCY = {"conversation": 0.15, "messages": 0.40, "topics": 0.30, "action-items": 0.25, "follow-ups": 0.25,
                "questions": 0.25, "entities": 0.30, "analytics": 0.35, "trackers-detected": 0.30, "summary": 0.80}
PATHS = {"conversation": "", **{p: f"/{p}" for p in PART_LATENCY if p != "conversation"}}
PARAMS = {"messages": {"sentiment": "true"}, "topics": {"sentiment": "true"}}


def run(reps: int) -> dict[str, Any]:
    sandbox = Sandbox(job_seconds=0.3)
    facade = Facade(sandbox.url, workers=1)
    try:
        first = facade.submit({"transcript": TRANSCRIPT, "wait": 20, "name": "insights bench"})
        first.raise_for_status()
        cid = first.json()["conversation_id"]
        sandbox.configure(callscore_lag_seconds=0)
        extras = facade.submit({"transcript": TRANSCRIPT, "wait": 20, "name": "insights bench (extras)",
                                "call_score": True, "summary_page": True, "ask": "What was agreed?",
                                "fields": [{"key": "budget", "description": "the budget", "type": "number"}]})
        extras.raise_for_status()
        cid_extras = extras.json()["conversation_id"]
        sandbox.configure(part_latency={**PART_LATENCY, "callscore": 0.3})
        session = requests.Session()
        base = f"{sandbox.url}/v1/conversations/{cid}"
        headers = sandbox.headers()
        single: dict[str, list[float]] = {p: [] for p in PATHS}
        sequential: list[float] = []
        through: list[float] = []
        with_extras: list[float] = []
        url = f"{facade.url}/v1/conversations/{cid}/insights"
        url_extras = f"{facade.url}/v1/conversations/{cid_extras}/insights"
        log(f"get-insights: {reps} rounds")
        for _ in range(reps):
            start = time.perf_counter()
            for part, path in PATHS.items():
                t = time.perf_counter()
                session.get(base + path, params=PARAMS.get(part), headers=headers, timeout=30).raise_for_status()
                single[part].append(time.perf_counter() - t)
            sequential.append(time.perf_counter() - start)
            t = time.perf_counter()
            answer = session.get(url, headers=facade.headers(), timeout=30)
            through.append(time.perf_counter() - t)
            assert answer.status_code == 200 and not answer.json()["warnings"], answer.text[:300]
            t = time.perf_counter()
            answer = session.get(url_extras, headers=facade.headers(), timeout=30)
            with_extras.append(time.perf_counter() - t)
            body = answer.json()
            assert answer.status_code == 200 and body["call_score"] is not None and body["summary_url"], body
        slowest_part = max(single, key=lambda p: median(single[p]))
        return {"reps": reps, "single": {p: median(v) for p, v in single.items()}, "slowest_part": slowest_part,
                "slowest": median(single[slowest_part]), "sequential": median(sequential),
                "facade": median(through), "facade_max": max(through), "facade_extras": median(with_extras)}
    finally:
        facade.close()
        sandbox.close()


def render(r: dict[str, Any]) -> str:
    rows = [[f"`{p}`", fmt_s(PART_LATENCY[p]), fmt_s(v)] for p, v in r["single"].items()]
    parts = table(["endpoint (direct)", "sandbox latency set", "measured (median)"], rows)
    summary = table(["what", "median wall time", "÷ slowest single endpoint"], [
        [f"slowest single endpoint (`{r['slowest_part']}`)", fmt_s(r["slowest"]), "1.00"],
        ["**facade `GET /v1/conversations/{id}/insights`** (10 reads in parallel + flatten)", fmt_s(r["facade"]),
         f"**{r['facade'] / r['slowest']:.2f}**"],
        ["facade get-insights with Call Score, Nebula answers and summary page", fmt_s(r.get("facade_extras", 0)),
         f"{r.get('facade_extras', 0) / r['slowest']:.2f}"],
        ["sequential client (the same 10 reads one after another)", fmt_s(r["sequential"]),
         f"{r['sequential'] / r['slowest']:.2f}"],
    ])
    return (f"{summary}\n\nSequential client ÷ facade: **{r['sequential'] / r['facade']:.2f}x** "
            f"(median of {r['reps']} rounds; facade worst round {fmt_s(r['facade_max'])}).\n\n"
            f"<details><summary>Per endpoint</summary>\n\n{parts}\n\n</details>")
