"""HMAC-SHA256 signatures on deliveries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest

from connector.jobs.signing import (
    EVENT_HEADER,
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    sign,
    standard_headers,
    verify,
    verify_standard,
)

BODY = b'{"event":"conversation.completed","event_id":"e-1"}'
SECRET = "s3cret"


def test_sign_is_sha256_hmac_hex() -> None:
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert sign(BODY, SECRET) == f"sha256={expected}"


def test_known_vector() -> None:
    # RFC 4231 test case 2
    assert sign(b"what do ya want for nothing?", "Jefe") == (
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_header_names() -> None:
    assert (SIGNATURE_HEADER, EVENT_ID_HEADER, EVENT_HEADER) == (
        "X-Connector-Signature", "X-Connector-Event-Id", "X-Connector-Event",
    )  # fmt: skip


def test_verify_accepts_the_signature_and_tolerates_case_and_spaces() -> None:
    header = sign(BODY, SECRET)
    assert verify(BODY, SECRET, header)
    assert verify(BODY, SECRET, f" {header.upper().replace('SHA256=', 'sha256=')} ")


@pytest.mark.parametrize(
    ("body", "secret", "header"),
    [
        (BODY + b" ", SECRET, sign(BODY, SECRET)),  # body changed by one byte
        (BODY, "other", sign(BODY, SECRET)),  # wrong secret
        (BODY, SECRET, sign(BODY, SECRET)[len("sha256=") :]),  # scheme missing
        (BODY, SECRET, "sha1=" + sign(BODY, SECRET)[len("sha256=") :]),  # other scheme
        (BODY, SECRET, ""),
        (BODY, SECRET, None),
        (BODY, SECRET, "sha256=zz"),
        (BODY, SECRET, "sha256=ünïcode"),
    ],
)
def test_verify_rejects(body: bytes, secret: str, header: str | None) -> None:
    assert verify(body, secret, header) is False


# --- Standard Webhooks ---------------------------------------------------------------------------


def test_standard_headers_match_the_specifications_test_vector() -> None:
    # the vector published with the Standard Webhooks specification
    headers = standard_headers(
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        b'{"test": 2432232314}',
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        now=1614265330,
    )
    assert headers == {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }


def test_a_plain_secret_is_used_as_its_utf8_bytes() -> None:
    headers = standard_headers("evt_1", BODY, SECRET, now=1_700_000_000)
    mac = hmac.new(SECRET.encode(), b"evt_1.1700000000." + BODY, hashlib.sha256).digest()
    assert headers["webhook-signature"] == "v1," + base64.b64encode(mac).decode()
    whsec = "whsec_" + base64.b64encode(SECRET.encode()).decode()
    assert standard_headers("evt_1", BODY, whsec, now=1_700_000_000) == headers


def test_verify_standard_accepts_fresh_and_refuses_tampered_stale_or_missing() -> None:
    now = time.time()
    headers = standard_headers("evt_1", BODY, SECRET, now=now)
    assert verify_standard(BODY, SECRET, headers)
    assert verify_standard(BODY, SECRET, {k.title(): v for k, v in headers.items()})  # header case
    assert not verify_standard(BODY + b" ", SECRET, headers)
    assert not verify_standard(BODY, "other", headers)
    assert not verify_standard(BODY, SECRET, {**headers, "webhook-id": "evt_2"})
    stale = standard_headers("evt_1", BODY, SECRET, now=now - 301)
    assert not verify_standard(BODY, SECRET, stale)
    future = standard_headers("evt_1", BODY, SECRET, now=now + 301)
    assert not verify_standard(BODY, SECRET, future)
    assert not verify_standard(BODY, SECRET, {"webhook-id": "evt_1", "webhook-timestamp": str(int(now))})
    assert not verify_standard(BODY, SECRET, {**headers, "webhook-signature": "v1,not-base64!"})
