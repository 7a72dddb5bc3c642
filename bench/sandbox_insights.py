"""`python -m bench.sandbox_insights [--json FILE] [--details]`: how believable are the sandbox's insights?

Runs every labelled conversation in ``bench/sandbox_eval/`` through the Symbl emulator over real HTTP
(an in-process sandbox served on a loopback port: submit text, finish the job, read the Conversation
API) and compares what it returns with what a person marked:

- questions, action items, follow-ups: an item matches a label when its text is the labelled sentence
  (whitespace-normalised); precision = matched items / items returned, recall = matched labels / labels;
- owners and due dates: of the matched action items and follow-ups, the share whose ``assignee.name``
  and ``dueBy`` day equal the label (``null`` labels expect no assignee / no due date);
- topics: a topic matches a labelled key phrase when the words of one (lower-cased, simple plurals
  folded) are all in the other ("security" ~ "security review");
- summary: the share of labelled key points found in the summary text (recall only).

Deterministic: the conversations carry their own start time, so due dates do not depend on today.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from pydantic import BaseModel
from werkzeug.serving import WSGIRequestHandler, make_server

from connector.sandbox import SandboxConfig, create_sandbox_app

DATA = Path(__file__).resolve().parent / "sandbox_eval"
APP_ID, APP_SECRET = "sandbox-app-id", "sandbox-app-secret"
ITEM_KINDS = {"questions": "questions", "action_items": "action-items", "follow_ups": "follow-ups"}


class Line(BaseModel):
    speaker: str | None
    text: str


class LabelledItem(BaseModel):
    text: str
    owner: str | None = None
    due: str | None = None  # YYYY-MM-DD


class Labels(BaseModel):
    questions: list[str]
    action_items: list[LabelledItem]
    follow_ups: list[LabelledItem]
    topics: list[str]
    summary_points: list[str]


class Case(BaseModel):
    """One labelled conversation (a JSON file of the set)."""

    id: str
    kind: str
    speakers: bool
    startTime: str  # noqa: N815 - the JSON key
    note: str = ""
    messages: list[Line]
    labels: Labels


def load_cases(folder: Path = DATA) -> list[Case]:
    """Return the labelled conversations, in file name order."""
    return [Case.model_validate_json(p.read_text()) for p in sorted(folder.glob("*.json"))]


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # no access log on the report
        pass


@contextmanager
def sandbox() -> Iterator[str]:
    """Serve a fresh sandbox on a loopback port; yield its base URL."""
    app = create_sandbox_app(SandboxConfig(job_seconds=60, send_webhooks=False))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _submit_body(case: Case) -> dict[str, Any]:
    messages = []
    for i, line in enumerate(case.messages):
        message: dict[str, Any] = {"payload": {"content": line.text, "contentType": "text/plain"}}
        if line.speaker:
            message["from"] = {"name": line.speaker}
        if i == 0:
            message["duration"] = {"startTime": case.startTime}
        messages.append(message)
    return {"messages": messages, "name": case.id, "detectEntities": True}


def fetch(base: str, case: Case) -> dict[str, Any]:
    """Submit one case to the sandbox at ``base`` and return its insights by kind."""
    session = requests.Session()
    token = session.post(f"{base}/oauth2/token:generate",
                         json={"type": "application", "appId": APP_ID, "appSecret": APP_SECRET}, timeout=10)
    session.headers["Authorization"] = f"Bearer {token.json()['accessToken']}"
    submitted = session.post(f"{base}/v1/process/text", json=_submit_body(case), timeout=10).json()
    session.post(f"{base}/_sandbox/jobs/{submitted['jobId']}/complete", timeout=10).raise_for_status()
    conv = f"{base}/v1/conversations/{submitted['conversationId']}"
    got = {}
    for kind, path in ITEM_KINDS.items():
        body = session.get(f"{conv}/{path}", timeout=10).json()
        got[kind] = next(iter(body.values()))
    got["topics"] = session.get(f"{conv}/topics", timeout=10).json()["topics"]
    got["summary"] = session.get(f"{conv}/summary", timeout=10).json()["summary"]
    got["entities"] = session.get(f"{conv}/entities", timeout=10).json()["entities"]
    return got


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def _words(phrase: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", phrase.lower())
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words}


def topic_match(a: str, b: str) -> bool:
    """True when every word of one phrase is in the other (simple plurals folded)."""
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and (wa <= wb or wb <= wa)


class Tally:
    """Counts for precision and recall of one insight type."""

    def __init__(self) -> None:
        self.returned = self.labelled = self.hit_returned = self.hit_labelled = 0

    def add(self, returned: list[str], labelled: list[str], match: Any) -> None:
        self.returned += len(returned)
        self.labelled += len(labelled)
        self.hit_returned += sum(any(match(r, lab) for lab in labelled) for r in returned)
        self.hit_labelled += sum(any(match(r, lab) for r in returned) for lab in labelled)

    def figures(self) -> dict[str, Any]:
        return {
            "returned": self.returned, "labelled": self.labelled,
            "precision": round(self.hit_returned / self.returned, 3) if self.returned else 0.0,
            "recall": round(self.hit_labelled / self.labelled, 3) if self.labelled else 0.0,
        }


def evaluate(cases: list[Case], details: bool = False) -> dict[str, Any]:
    """Run every case through a fresh sandbox; return the figures per insight type."""
    tallies = {k: Tally() for k in ("questions", "action_items", "follow_ups", "topics")}
    owners = dues = checked = 0
    points = points_found = 0
    per_case = {}
    same = lambda a, b: _norm(a) == _norm(b)  # noqa: E731
    with sandbox() as base:
        for case in cases:
            got = fetch(base, case)
            labels = case.labels
            tallies["questions"].add([q["text"] for q in got["questions"]], labels.questions, same)
            for kind in ("action_items", "follow_ups"):
                wanted: list[LabelledItem] = getattr(labels, kind)
                tallies[kind].add([i["text"] for i in got[kind]], [w.text for w in wanted], same)
                for label in wanted:
                    item = next((i for i in got[kind] if same(i["text"], label.text)), None)
                    if item is None:
                        continue
                    checked += 1
                    owners += (item.get("assignee") or {}).get("name") == label.owner
                    dues += (item.get("dueBy") or "")[:10] == (label.due or "")
            tallies["topics"].add([t["text"] for t in got["topics"]], labels.topics, topic_match)
            summary = " ".join(s["text"] for s in got["summary"]).lower()
            points += len(labels.summary_points)
            points_found += sum(p.lower() in summary for p in labels.summary_points)
            if details:
                per_case[case.id] = {"topics": [t["text"] for t in got["topics"]],
                                     "summary": [s["text"] for s in got["summary"]],
                                     "questions": [q["text"] for q in got["questions"]],
                                     "action_items": [(i["text"], i.get("assignee", {}).get("name"), i.get("dueBy"))
                                                      for i in got["action_items"]],
                                     "follow_ups": [(i["text"], i.get("assignee", {}).get("name"), i.get("dueBy"))
                                                    for i in got["follow_ups"]],
                                     "entities": [(e["type"], e["value"], e["text"]) for e in got["entities"]]}
    result: dict[str, Any] = {kind: t.figures() for kind, t in tallies.items()}
    result["owner_accuracy"] = round(owners / checked, 3) if checked else 0.0
    result["due_accuracy"] = round(dues / checked, 3) if checked else 0.0
    result["summary_point_recall"] = round(points_found / points, 3) if points else 0.0
    result["conversations"] = len(cases)
    if details:
        result["cases"] = per_case
    return result


def table(result: dict[str, Any]) -> str:
    """Render the figures as a Markdown table."""
    rows = ["| insight type | returned | labelled | precision | recall |", "|---|---:|---:|---:|---:|"]
    for kind in ("questions", "action_items", "follow_ups", "topics"):
        f = result[kind]
        rows.append(f"| {kind.replace('_', ' ')} | {f['returned']} | {f['labelled']} | {f['precision']:.2f} | "
                    f"{f['recall']:.2f} |")
    rows.append(f"\nOwner accuracy {result['owner_accuracy']:.2f}, due-date accuracy {result['due_accuracy']:.2f} "
                f"(matched action items and follow-ups); summary key-point recall "
                f"{result['summary_point_recall']:.2f}; {result['conversations']} conversations.")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument("--details", action="store_true", help="print what the sandbox returned per conversation")
    args = parser.parse_args(argv)
    result = evaluate(load_cases(), details=args.details)
    if args.details:
        print(json.dumps(result.pop("cases"), indent=2))
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
