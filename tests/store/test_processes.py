"""The store across processes: durability under SIGKILL and notifications between processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from connector.store import Store, open_store

from .test_contract import Inbox

WRITE_THEN_DIE = textwrap.dedent(
    """
    import os, signal, sys
    from connector.store import Submission, open_store

    store = open_store(sys.argv[1])
    store.put_submission(Submission(job_id="durable-1", conversation_id="c-1", api_key_id="key_a",
                                    credential_id="cred", created_at=1.0, updated_at=1.0))
    os.kill(os.getpid(), signal.SIGKILL)
    """
)

PUBLISH = textwrap.dedent(
    """
    import sys
    from connector.store import open_store

    store = open_store(sys.argv[1])
    print("ready", flush=True)
    for line in sys.stdin:
        store.publish(line.strip(), "completed")
        print("sent", flush=True)
    store.close()
    """
)


def test_submission_survives_sigkill_right_after_put(store_url: str, subprocess_env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-c", WRITE_THEN_DIE, store_url], env=subprocess_env, timeout=30,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == -9, done.stderr
    fresh = open_store(store_url)
    try:
        got = fresh.get_submission("durable-1")
        assert got is not None and got.conversation_id == "c-1"
        assert [s.job_id for s in fresh.pending_submissions()] == ["durable-1"]
    finally:
        fresh.close()


def test_publish_from_another_process_wakes_a_listener(
    store_url: str, store: Store, subprocess_env: dict[str, str]
) -> None:
    child = subprocess.Popen([sys.executable, "-c", PUBLISH, store_url], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, env=subprocess_env, text=True)  # fmt: skip
    assert child.stdin is not None and child.stdout is not None
    inbox = Inbox()
    stop = store.listen(inbox)
    try:
        assert child.stdout.readline().strip() == "ready"
        for i in range(3):
            sent = time.monotonic()
            child.stdin.write(f"job-{i}\n")
            child.stdin.flush()
            arrived = inbox.wait_for(f"job-{i}")
            assert arrived is not None, "the notification from the other process never arrived"
            assert arrived - sent < 0.5
    finally:
        stop()
        child.stdin.close()
        child.wait(timeout=10)
