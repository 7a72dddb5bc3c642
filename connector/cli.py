"""The `connector` console script: serve, sandbox, demo, backfill, listen.

- ``connector serve``: the production server (gunicorn, gevent workers holding many waiting
  requests). Without SYMBL_APP_ID it first starts the Symbl sandbox on a loopback port and
  points the facade at it; without CONNECTOR_API_KEYS in sandbox mode it uses a key generated once
  and kept beside the store's data (`sandbox_keys.py`), likewise the callback signing secret.
- ``connector sandbox``: the Symbl emulator alone.
- ``connector demo``: a full round trip against an in-process sandbox, printed.
- ``connector backfill FILE``: process a file of recordings as batches, resumably (`backfill.py`).
- ``connector listen``: receive callback and hook deliveries locally, verify and print them (`listen.py`).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from typing import Any

# No `requests` (hence no ssl) import at module level: `connector serve` forks gevent workers from
# this process, and gevent must patch ssl before anything imports it.


def _sandbox_state_file(store_url: str) -> str:
    """Where the embedded sandbox keeps its state: SANDBOX_STATE_FILE, else beside the store's data."""
    from connector.sandbox_keys import STATE_FILE, data_dir

    return os.environ.get("SANDBOX_STATE_FILE") or str(data_dir(store_url) / STATE_FILE)


def _settings_or_exit() -> Any:
    """The settings from the environment, or exit 2 with the configuration error (no traceback)."""
    from pydantic import ValidationError

    from connector.config import Settings

    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = error.get("loc", ("?",))[0]
            print(f"error: {name}: {error['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings_or_exit()
    env = os.environ
    if args.workers:
        env["CONNECTOR_WORKERS"] = str(args.workers)  # each worker's share of CONNECTOR_MAX_WAITS_PER_KEY
    if settings.sandbox:
        if "SYMBL_BASE_URL" not in env:
            from connector.sandbox_process import start_sandbox_process

            env["SYMBL_BASE_URL"] = start_sandbox_process(_sandbox_state_file(settings.store_url))
        print(
            f"SANDBOX MODE: no SYMBL_APP_ID set; Symbl calls go to the local sandbox at {env['SYMBL_BASE_URL']}",
            file=sys.stderr,
        )
        from connector.sandbox_keys import (
            API_KEY_FILE,
            CALLBACK_SECRET_FILE,
            data_dir,
            sandbox_api_key,
            sandbox_callback_secret,
        )

        kept = data_dir(settings.store_url)
        if not settings.api_keys:
            key = sandbox_api_key(settings.store_url)
            env["CONNECTOR_API_KEYS"] = key
            print(
                f"No CONNECTOR_API_KEYS set: use this sandbox key (kept in {kept / API_KEY_FILE}, the same at "
                f"every start):\n\n    {key}\n",
                file=sys.stderr,
            )
        if not settings.callback_secret.get_secret_value():
            env["CONNECTOR_CALLBACK_SECRET"] = sandbox_callback_secret(settings.store_url)
            print(
                f"Callbacks are signed with the sandbox secret kept in {kept / CALLBACK_SECRET_FILE} "
                f"(`connector listen` reads it).",
                file=sys.stderr,
            )
    elif not settings.api_keys:
        print("error: CONNECTOR_API_KEYS is required in live mode (comma-separated facade API keys).", file=sys.stderr)
        return 2
    elif not settings.symbl_app_secret.get_secret_value():
        print("error: SYMBL_APP_SECRET is required when SYMBL_APP_ID is set.", file=sys.stderr)
        return 2
    from connector.store.sealed import EncryptionKeyError, sealer_for

    try:  # fail here, once, with the message, rather than in every gunicorn worker
        sealer_for(settings.encryption_key.get_secret_value(), sandbox=settings.sandbox, store_url=settings.store_url)
    except EncryptionKeyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if "PROMETHEUS_MULTIPROC_DIR" not in env:  # /metrics aggregates every gunicorn worker
        import tempfile

        env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="connector-metrics-")
    bind = f"{args.host}:{args.port}"
    from connector.server import run_gunicorn

    return run_gunicorn(
        bind,
        workers=args.workers or settings.workers,
        worker_connections=settings.worker_connections,
        timeout=int(settings.max_wait_seconds + 90),
    )


def cmd_sandbox(args: argparse.Namespace) -> int:
    import logging

    from werkzeug.serving import make_server

    from connector.sandbox import SandboxConfig, create_sandbox_app

    if args.quiet:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    config = SandboxConfig(state_file=args.state) if args.state is not None else SandboxConfig()
    app = create_sandbox_app(config)
    server = make_server(args.host, args.port, app, threaded=True)
    if not args.quiet:
        print(
            f"Symbl sandbox on http://{args.host}:{server.port} (app id sandbox-app-id, secret sandbox-app-secret)",
            file=sys.stderr,
        )
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C stops it even if SIGINT was inherited ignored
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    if "sandbox_state_file" in app.extensions:  # what changed since the last request (webhook progress)
        app.extensions["sandbox_state_file"].save()
    return 0


DEMO_TRANSCRIPT = """\
Alice: Hi Bob, thanks for joining. How is the rollout going?
Bob: Pretty well, but the pricing for the enterprise tier is confusing our customers.
Alice: I understand. Bob, can you send me the customer feedback by Friday?
Bob: Sure, I will send the feedback by Friday.
Alice: Great. We also heard that Acme Corp offered them a discount. Is that a risk for us?
Bob: It could be. Let's schedule a follow-up call next week to discuss the competitor offer.
Alice: Sounds good, I will set up the meeting with the sales team.
"""


def cmd_demo(args: argparse.Namespace) -> int:
    """Submit a transcript to a facade on an in-process sandbox and print the result."""
    import contextlib
    import logging
    import tempfile

    import requests

    from connector.app import create_app
    from connector.config import Settings
    from connector.sandbox import SandboxConfig, create_sandbox_app
    from connector.serving import serve

    logging.getLogger("connector").setLevel(logging.WARNING)
    with contextlib.ExitStack() as servers, tempfile.TemporaryDirectory() as tmp:
        sandbox_url = servers.enter_context(serve(create_sandbox_app(SandboxConfig(job_seconds=args.job_seconds))))
        key = "demo-key"
        settings = Settings(
            SYMBL_BASE_URL=sandbox_url,
            CONNECTOR_API_KEYS=key,  # type: ignore[call-arg]
            CONNECTOR_STORE_URL=f"sqlite:///{tmp}/demo.db",
            CONNECTOR_LOG_LEVEL="WARNING",
        )
        facade_url = servers.enter_context(serve(create_app(settings)))
        print(f"Facade {facade_url} on the Symbl sandbox {sandbox_url}\n", file=sys.stderr)
        print("POST /v1/conversations {transcript, wait: 30} ...", file=sys.stderr)
        answer = requests.post(
            f"{facade_url}/v1/conversations",
            headers={"Authorization": f"Bearer {key}"},
            json={
                "name": "Demo: rollout check-in",
                "transcript": DEMO_TRANSCRIPT,
                "wait": 30,
                "trackers": [{"name": "Competitor", "vocabulary": ["Acme", "discount"]}],
            },
            timeout=60,
        )
        if answer.status_code != 200:
            print(f"error: the facade answered {answer.status_code}: {answer.text}", file=sys.stderr)
            return 1
        flat = answer.json()
        shown = {k: v for k, v in flat.items() if k not in ("slack_blocks", "transcript_text")}
        print(json.dumps(shown, indent=2))
        print("\n--- Slack message (slack_text) ---\n" + flat["slack_text"])
        print("\n--- CRM note (crm_note) ---\n" + flat["crm_note"])
    return 0


def cmd_listen(args: argparse.Namespace) -> int:
    from connector.listen import main as listen

    return listen(args)


def cmd_backfill(args: argparse.Namespace) -> int:
    from connector.backfill import main as backfill

    return backfill(args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="connector", description="Symbl connector facade.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the facade with gunicorn (production server)")
    serve.add_argument("--host", default=os.environ.get("CONNECTOR_HOST", "0.0.0.0"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=None, help="gunicorn workers (default CONNECTOR_WORKERS)")
    serve.set_defaults(func=cmd_serve)
    sandbox = sub.add_parser("sandbox", help="run the Symbl sandbox (API emulator) alone")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8099)
    sandbox.add_argument(
        "--state",
        metavar="FILE",
        default=None,
        help="keep the account state in FILE across restarts (default SANDBOX_STATE_FILE, else memory only)",
    )
    sandbox.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)
    sandbox.set_defaults(func=cmd_sandbox)
    demo = sub.add_parser("demo", help="a full round trip against the sandbox, printed")
    demo.add_argument("--job-seconds", type=float, default=2.0)
    demo.set_defaults(func=cmd_demo)
    backfill = sub.add_parser("backfill", help="process a file of recordings (URLs or CSV) as batches, resumably")
    backfill.add_argument("file", help="a text file of URLs, or a CSV with url (or transcript), name, key columns")
    backfill.add_argument("--url", default="", help="a running facade (default CONNECTOR_URL; else one in-process)")
    backfill.add_argument("--key", default="", help="its API key (default CONNECTOR_API_KEY)")
    backfill.add_argument("--batch-size", type=int, default=1000, help="items per batch request")
    backfill.add_argument("--options", default="", help='submit options as JSON, e.g. \'{"language": "en-US"}\'')
    backfill.add_argument("--out", default="", help="the insights CSV (default <FILE stem>.insights.csv)")
    backfill.add_argument("--poll", type=float, default=1.0, help=argparse.SUPPRESS)
    backfill.set_defaults(func=cmd_backfill)
    listen = sub.add_parser("listen", help="receive callback/hook deliveries locally, verify and print them")
    listen.add_argument("--host", default="127.0.0.1")
    listen.add_argument("--port", type=int, default=8088)
    listen.add_argument(
        "--secret",
        action="append",
        help="signing secret (repeatable; default: "
        "CONNECTOR_CALLBACK_SECRET, else the sandbox's data/sandbox-callback-secret)",
    )
    listen.set_defaults(func=cmd_listen)
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
