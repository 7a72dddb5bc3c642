"""The README's receiver sample verifies what the facade signs, and refuses replays."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from connector.jobs.signing import standard_headers

README = Path(__file__).resolve().parents[2] / "README.md"


def _sample() -> Any:
    text = README.read_text()
    code = text.split("Verifying a delivery (Python")[1].split("```python\n")[1].split("```")[0]
    namespace: dict[str, Any] = {}
    exec(compile(code, "README sample", "exec"), namespace)
    return namespace["verify"]


def test_readme_sample_accepts_once_and_refuses_tampered_stale_replayed_and_unsigned() -> None:
    verify = _sample()
    body = b'{"event":"conversation.completed","event_id":"evt_1"}'
    headers = standard_headers("evt_1", body, "s3cret", time.time())
    assert verify(body, "s3cret", headers)
    assert not verify(body, "s3cret", headers)  # the same event again: a replay
    fresh = standard_headers("evt_2", body, "s3cret", time.time())
    assert not verify(body + b" ", "s3cret", fresh)
    assert not verify(body, "wrong", fresh)
    assert not verify(body, "s3cret", standard_headers("evt_3", body, "s3cret", time.time() - 400))
    assert not verify(body, "s3cret", {})
    assert verify(body, "s3cret", fresh)
