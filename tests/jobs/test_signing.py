"""HMAC-SHA256 signatures on deliveries."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from connector.jobs.signing import EVENT_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, sign, verify

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
