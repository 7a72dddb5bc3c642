"""`connector listen`: a local receiver for callback and hook deliveries, to watch them arrive.

It answers every POST (any path), verifies the Standard Webhooks signature (``webhook-id``,
``webhook-timestamp``, ``webhook-signature``; see `connector.jobs.signing.verify_standard`) with
one of its secrets, and prints each accepted delivery as pretty JSON on stdout (one status line
per request on stderr). It refuses (401) a missing or wrong signature and a timestamp more than
5 minutes away, and drops (200, not printed) a ``webhook-id`` it has already accepted. The legacy
``X-Connector-Signature`` is only reported, never enough on its own (it does not stop replays).

Secrets: ``--secret`` (repeatable: the callback secret, a hook's secret), else
CONNECTOR_CALLBACK_SECRET, else the sandbox's kept callback secret (``data/sandbox-callback-secret``
beside the store, written by `connector serve` in sandbox mode). Without any it refuses to start:
a receiver that cannot verify must not pretend to.

In sandbox mode the facade accepts ``http://127.0.0.1:PORT/...`` and ``http://localhost:PORT/...``
as ``callback_url`` and hook ``target_url``, so it can deliver here (never in live mode).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from werkzeug.wrappers import Request, Response

from connector.jobs.signing import EVENT_HEADER, SIGNATURE_HEADER, WEBHOOK_ID_HEADER, verify, verify_standard

SEEN_LIMIT = 10_000
"""How many accepted webhook-ids are remembered (more than 5 minutes of deliveries at any sane rate)."""


class SeenIds:
    """A bounded set of recently accepted webhook-ids (oldest forgotten first)."""

    def __init__(self, limit: int = SEEN_LIMIT) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def add(self, event_id: str) -> bool:
        """Remember ``event_id``; False if it was already there (a repeat)."""
        with self._lock:
            if event_id in self._ids:
                return False
            self._ids[event_id] = None
            while len(self._ids) > self._limit:
                self._ids.popitem(last=False)
            return True


class Listener:
    """The WSGI app: verify, dedupe, print."""

    def __init__(self, secrets: Iterable[str], out: Any = None, err: Any = None) -> None:
        self.secrets = [s for s in secrets if s]
        self.seen = SeenIds()
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self._print = threading.Lock()

    def _say(self, line: str, shown: Any = None) -> None:
        with self._print:
            print(line, file=self.err, flush=True)
            if shown is not None:
                print(json.dumps(shown, indent=2, ensure_ascii=False), file=self.out, flush=True)

    def _reply(self, status: int, code: str, message: str) -> Response:
        body = {"error": {"code": code, "message": message}} if status >= 400 else {"status": code, "message": message}
        return Response(json.dumps(body), status=status, mimetype="application/json")

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.handle(Request(environ))(environ, start_response)

    def handle(self, request: Request) -> Response:
        where = f"{request.method} {request.path}"
        if request.method != "POST":
            return self._reply(405, "method_not_allowed", "connector listen receives POST deliveries only")
        body = request.get_data(cache=False)
        headers = dict(request.headers.items())
        event_id = request.headers.get(WEBHOOK_ID_HEADER, "")
        event = request.headers.get(EVENT_HEADER, "")
        if not all(request.headers.get(h) for h in ("webhook-id", "webhook-timestamp", "webhook-signature")):
            self._say(f"REJECTED {where}: no webhook-id/webhook-timestamp/webhook-signature headers (unsigned)")
            return self._reply(401, "signature_missing", "Standard Webhooks headers are required")
        if not any(verify_standard(body, secret, headers) for secret in self.secrets):
            self._say(f"REJECTED {where} {event_id}: wrong signature, or timestamp more than 5 minutes away")
            return self._reply(401, "signature_invalid", "wrong signature or timestamp out of tolerance")
        if not self.seen.add(event_id):
            self._say(f"DUPLICATE {where} {event_id}: already received, acknowledged and dropped")
            return self._reply(200, "duplicate", "already received")
        legacy = request.headers.get(SIGNATURE_HEADER)
        legacy_note = ""
        if legacy:
            ok = any(verify(body, secret, legacy) for secret in self.secrets)
            legacy_note = f"; {SIGNATURE_HEADER} {'also valid' if ok else 'does NOT match'} (informational)"
        try:
            shown: Any = json.loads(body)
        except ValueError:
            shown = {"raw_body": body.decode("utf-8", "replace")}
        self._say(f"RECEIVED {where} {event or 'delivery'} {event_id}: webhook-signature verified{legacy_note}", shown)
        return self._reply(200, "received", "verified")


def find_secrets(given: list[str]) -> list[str]:
    """``--secret`` values, else CONNECTOR_CALLBACK_SECRET, else the sandbox's kept callback secret."""
    if given:
        return given
    configured = os.environ.get("CONNECTOR_CALLBACK_SECRET", "")
    if configured:
        return [configured]
    from connector.config import Settings
    from connector.sandbox_keys import CALLBACK_SECRET_FILE, read_secret

    kept = read_secret(Settings().store_url, CALLBACK_SECRET_FILE)
    return [kept] if kept else []


def main(args: argparse.Namespace) -> int:
    import logging
    import signal

    from werkzeug.serving import make_server

    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C stops it, however it was started
    secrets = find_secrets(args.secret or [])
    if not secrets:
        print(
            "error: no secret to verify deliveries with: pass --secret (the callback secret or a hook's secret), "
            "set CONNECTOR_CALLBACK_SECRET, or start `connector serve` in sandbox mode once (it keeps "
            "data/sandbox-callback-secret).",
            file=sys.stderr,
        )
        return 2
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server(args.host, args.port, Listener(secrets), threaded=True)
    print(
        f'Listening on http://{args.host}:{server.port}/ (use e.g. "callback_url": '
        f'"http://{args.host}:{server.port}/callback"); verifying with {len(secrets)} secret(s); Ctrl-C to stop.',
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
