"""Flattening time (`connector.insights.flatten.flatten`, pure CPU) for conversations of 10 to 10,000
messages. The raw bodies are real sandbox answers: each conversation is submitted to an in-process
sandbox and its ten Conversation API parts are read back, exactly as the facade reads them."""

from __future__ import annotations

import json
import time
from typing import Any

from bench.common import fmt_s, log, median, table
from connector.insights.flatten import flatten
from connector.insights.raw import RawInsights
from connector.sandbox import SandboxConfig, create_sandbox_app

LINES = [
    ("Alice", "Hi Bob, thanks for joining. How is the rollout going?"),
    ("Bob", "Pretty well, but the pricing for the enterprise tier is confusing our customers."),
    ("Alice", "Bob, can you send me the customer feedback by Friday?"),
    ("Bob", "Sure, I will send the feedback by Friday."),
    ("Alice", "We also heard that Acme Corp offered them a discount. Is that a risk for us?"),
    ("Bob", "It could be. Let's schedule a follow-up call next week to discuss the competitor offer."),
    ("Carol", "I will prepare the renewal quote for Globex, around 40 dollars per seat."),
    ("Alice", "What is the timeline for the security review?"),
    ("Bob", "Unfortunately the last deployment failed and customers were frustrated."),
    ("Carol", "Great, that sounds good, I am happy with the plan."),
]
PARTS = {"conversation": "", "messages": "/messages?sentiment=true", "topics": "/topics?sentiment=true",
         "action_items": "/action-items", "follow_ups": "/follow-ups", "questions": "/questions",
         "entities": "/entities", "analytics": "/analytics", "trackers": "/trackers-detected", "summary": "/summary"}


def raw_for(client: Any, headers: dict[str, str], count: int) -> RawInsights:
    messages = [{"payload": {"content": f"{LINES[i % len(LINES)][1]} (item {i})"},
                 "from": {"name": LINES[i % len(LINES)][0], "userId": f"{LINES[i % len(LINES)][0].lower()}@example.com"}}
                for i in range(count)]
    body = {"messages": messages, "detectEntities": True, "enableSummary": True,
            "trackers": [{"name": "Competitor", "vocabulary": ["Acme", "Globex"]},
                         {"name": "Pricing", "vocabulary": ["price", "pricing", "discount"]}]}
    created = client.post("/v1/process/text", json=body, headers=headers).get_json()
    cid = created["conversationId"]
    values = {part: client.get(f"/v1/conversations/{cid}{path}", headers=headers).get_json()
              for part, path in PARTS.items()}
    return RawInsights(conversation_id=cid, job_id=created["jobId"], **values)


def run(sizes: list[int], budget: float) -> dict[str, Any]:
    app = create_sandbox_app(SandboxConfig(job_seconds=0, max_concurrent_jobs=10**6, send_webhooks=False))
    client = app.test_client()
    token = client.post("/oauth2/token:generate", json={"type": "application", "appId": "sandbox-app-id",
                                                          "appSecret": "sandbox-app-secret"}).get_json()["accessToken"]
    headers = {"Authorization": f"Bearer {token}"}
    results = []
    for size in sizes:
        log(f"flatten: building a {size}-message conversation")
        raw = raw_for(client, headers, size)
        raw_bytes = len(json.dumps(raw.model_dump()).encode())
        flat = flatten(raw, name="bench")  # warm-up
        times: list[float] = []
        deadline = time.perf_counter() + budget
        while len(times) < 3 or (time.perf_counter() < deadline and len(times) < 200):
            t = time.perf_counter()
            flatten(raw, name="bench")
            times.append(time.perf_counter() - t)
        results.append({"messages": size, "raw_bytes": raw_bytes, "median": median(times), "max": max(times),
                        "runs": len(times), "topics": flat.topic_count, "action_items": flat.action_item_count,
                        "questions": flat.question_count, "entities": len(flat.entities),
                        "flat_bytes": len(flat.model_dump_json().encode())})
    return {"sizes": results}


def render(r: dict[str, Any]) -> str:
    rows = []
    smallest = r["sizes"][0]
    for s in r["sizes"]:
        rows.append([f"{s['messages']:,}", f"{s['raw_bytes'] / 1024:,.0f} KiB",
                     f"{s['topics']} / {s['action_items']} / {s['questions']} / {s['entities']}",
                     fmt_s(s["median"]), fmt_s(s["max"]), f"{s['median'] / s['messages'] * 1e6:.1f} µs",
                     f"{s['median'] / smallest['median']:.0f}x", s["runs"]])
    return table(["messages", "raw JSON in", "topics / action items / questions / entities", "flatten (median)",
                  "flatten (max)", "per message", "÷ smallest", "runs"], rows)
