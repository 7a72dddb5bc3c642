"""`connector backfill FILE`: process a history of recordings through the facade's batches.

FILE is a text file of URLs (one a line; blank lines and ``#`` comments skipped) or a CSV with a
header naming ``url`` (or ``transcript``) and optionally ``name`` and ``key`` columns. Each item's
key defaults to its URL, so a re-run (after Ctrl-C, a crash, or to pick up new lines) never
processes a recording twice: the facade answers already-processed keys with the earlier
conversation. Items are sent as batches of ``--batch-size``; a progress bar shows the counts and an
ETA; at the end the insights CSV (one row per conversation) is written to ``<FILE stem>.insights.csv``.

Through a running facade: ``--url`` and ``--key`` (or CONNECTOR_URL / CONNECTOR_API_KEY). Without
``--url`` it starts a facade in this process on the configured Symbl and store (the environment,
as for ``connector serve``; the local sandbox when SYMBL_APP_ID is unset)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from connector.insights.csv_safe import write_rows

DONE = ("completed", "failed", "cancelled")
LOCAL_KEY = "connector-backfill-local"


def read_items(path: Path) -> list[dict[str, Any]]:
    """The items of a URL list or a CSV (url/transcript, name, key columns)."""
    text = path.read_text(encoding="utf-8-sig")
    first = next((line for line in text.splitlines() if line.strip()), "")
    header = [h.strip().lower() for h in next(csv.reader([first]), [])] if first else []
    items: list[dict[str, Any]] = []
    if path.suffix.lower() == ".csv" or "url" in header or "transcript" in header:
        for row in csv.DictReader(io.StringIO(text)):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            url, transcript = row.get("url", ""), row.get("transcript", "")
            if not url and not transcript:
                continue
            item: dict[str, Any] = {"url": url} if url else {"transcript": transcript}
            item["name"] = row.get("name") or (url.rstrip("/").rsplit("/", 1)[-1] if url else "")
            item["key"] = row.get("key") or url or ""
            if not item["key"]:
                item.pop("key")
            items.append(item)
    else:
        for line in text.splitlines():
            url = line.strip()
            if url and not url.startswith("#"):
                items.append({"url": url, "name": url.rstrip("/").rsplit("/", 1)[-1], "key": url})
    return items


class Client:
    """The few facade calls the backfill makes."""

    def __init__(self, url: str, key: str) -> None:
        import requests

        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key}"

    def _check(self, answer: Any) -> Any:
        if answer.status_code >= 400:
            raise SystemExit(f"error: the facade answered {answer.status_code}: {answer.text[:500]}")
        return answer

    def create(self, items: list[dict[str, Any]], options: dict[str, Any]) -> dict[str, Any]:
        body = {"items": items, **({"options": options} if options else {})}
        return self._check(self.session.post(f"{self.url}/v1/batches", json=body, timeout=300)).json()

    def progress(self, batch_id: str, items: bool = False) -> dict[str, Any]:
        return self._check(
            self.session.get(f"{self.url}/v1/batches/{batch_id}", params={"items": str(items).lower()}, timeout=120)
        ).json()

    def csv(self, batch_id: str) -> str:
        answer = self.session.get(
            f"{self.url}/v1/batches/{batch_id}/insights", headers={"Accept": "text/csv"}, timeout=600
        )
        return self._check(answer).text


def run(
    path: Path,
    client: Client,
    *,
    batch_size: int,
    options: dict[str, Any],
    out: Path | None,
    poll: float = 1.0,
    bar: Callable[..., Any] | None = None,
) -> int:
    """Submit, follow, write the CSV; 0 if every item completed, 1 otherwise."""
    if bar is None:
        from tqdm import tqdm

        bar = tqdm
    items = read_items(path)
    if not items:
        print(f"error: no items in {path}", file=sys.stderr)
        return 2
    batch_ids = [
        client.create(items[i : i + batch_size], options)["batch_id"] for i in range(0, len(items), batch_size)
    ]
    counts: dict[str, int] = {}
    with bar(total=len(items), unit="item", desc="backfill", dynamic_ncols=True) as progress:
        while True:
            counts = {}
            for batch_id in batch_ids:
                for status, n in client.progress(batch_id)["counts"].items():
                    counts[status] = counts.get(status, 0) + n
            finished = sum(counts.get(s, 0) for s in DONE)
            progress.update(finished - progress.n)
            progress.set_postfix({k: v for k, v in counts.items() if v}, refresh=True)
            if finished >= len(items):
                break
            time.sleep(poll)
    target = out or path.with_name(f"{path.stem}.insights.csv")
    rows: list[list[str]] = []
    for n, batch_id in enumerate(batch_ids):
        parsed = list(csv.reader(io.StringIO(client.csv(batch_id), newline="")))
        rows.extend(parsed if n == 0 else parsed[1:])
    with open(target, "w", encoding="utf-8", newline="") as file:
        file.write(write_rows(rows))  # formula-like cells neutralised here too, whatever the facade's version
    failed = counts.get("failed", 0) + counts.get("cancelled", 0)
    print(f"{counts.get('completed', 0)} completed, {failed} failed or cancelled; insights: {target}", file=sys.stderr)
    if failed:
        for batch_id in batch_ids:
            for item in client.progress(batch_id, items=True)["items"]:
                if item["status"] in ("failed", "cancelled"):
                    print(
                        f"  failed: {item['key'] or item['name']}: {(item['error'] or {}).get('message', '')}",
                        file=sys.stderr,
                    )
        return 1
    return 0


def local_facade() -> tuple[str, str, Callable[[], None]]:
    """A facade in this process on the configured Symbl and store; returns (url, key, stop)."""
    import logging

    from connector.app import create_app, describe
    from connector.config import Settings
    from connector.sandbox_process import start_sandbox_process
    from connector.serving import start

    settings = Settings()
    if settings.sandbox and "SYMBL_BASE_URL" not in os.environ:
        os.environ["SYMBL_BASE_URL"] = start_sandbox_process()
        settings = Settings()
    settings = settings.model_copy(update={"api_keys": [*settings.api_keys, LOCAL_KEY], "log_level": "WARNING"})
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = create_app(settings)
    url, stop_server = start(app)

    def stop() -> None:
        stop_server()
        describe(app).close()

    return url, LOCAL_KEY, stop


def main(args: Any) -> int:
    # Ctrl-C must stop (and allow a resume) however we were started: a shell that ignores SIGINT
    # (nohup, a backgrounded job, some CI runners) passes the ignored disposition on to us.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    path = Path(args.file)
    if not path.is_file():
        print(f"error: {path} is not a file", file=sys.stderr)
        return 2
    options = json.loads(args.options) if args.options else {}
    url = args.url or os.environ.get("CONNECTOR_URL", "")
    stop: Callable[[], None] = lambda: None  # noqa: E731
    if url:
        key = args.key or os.environ.get("CONNECTOR_API_KEY", "")
        if not key:
            print("error: --key (or CONNECTOR_API_KEY) is required with --url", file=sys.stderr)
            return 2
    else:
        url, key, stop = local_facade()
    try:
        return run(
            path,
            Client(url, key),
            batch_size=args.batch_size,
            options=options,
            out=Path(args.out) if args.out else None,
            poll=args.poll,
        )
    except KeyboardInterrupt:
        print(
            "\ninterrupted: run the same command again to resume (processed items are not sent again)", file=sys.stderr
        )
        return 130
    finally:
        stop()
