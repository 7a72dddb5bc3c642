"""Token generation and the token check on every call."""

from __future__ import annotations

import jwt
import pytest
import requests

from tests.sandbox.conftest import Symbl

TOKEN_INVALID = {"message": "Token validation failed for provided token."}


def test_generate_token_returns_jwt_with_exp(symbl: Symbl) -> None:
    response = symbl.generate_token()
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"accessToken", "expiresIn"}
    assert body["expiresIn"] == 86400
    assert body["accessToken"].count(".") == 2
    claims = jwt.decode(body["accessToken"], options={"verify_signature": False})
    assert claims["exp"] > claims["iat"]


def test_repeat_generate_returns_cached_token_with_remaining_lifetime(symbl: Symbl) -> None:
    first, second = symbl.generate_token().json(), symbl.generate_token().json()
    assert first["accessToken"] == second["accessToken"]
    assert second["expiresIn"] <= first["expiresIn"]


def test_second_credential_gets_its_own_token(base_url: str, symbl: Symbl) -> None:
    other = Symbl(base_url, "tenant-b", "secret-b")
    assert other.generate_token().status_code == 200
    assert other.token != symbl.token


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"appSecret": "wrong"}, 401),
        ({"appId": "nobody"}, 401),
        ({"appId": "tenant-b"}, 401),  # another app's id with this app's secret
        ({"type": "password"}, 400),
        ({"appSecret": None}, 400),
    ],
)
def test_bad_credentials(symbl: Symbl, overrides: dict, status: int) -> None:
    response = symbl.generate_token(**overrides)
    assert response.status_code == status
    assert isinstance(response.json()["message"], str)


@pytest.mark.parametrize("style", ["bearer", "x-api-key"])
def test_both_auth_headers_are_accepted(symbl: Symbl, style: str) -> None:
    response = symbl.submit_text(style=style)
    assert response.status_code == 201
    assert symbl.get(f"/v1/job/{response.json()['jobId']}", style=style).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nonsense"}, {"x-api-key": "a.b.c"}, {"Authorization": "Basic abc"}],
)
def test_missing_or_invalid_token_is_401(base_url: str, headers: dict) -> None:
    for method, path in [("GET", "/v1/job/x"), ("POST", "/v1/process/text"), ("GET", "/v1/conversations/1")]:
        response = requests.request(method, base_url + path, headers=headers, json={}, timeout=5)
        assert response.status_code == 401
        assert response.json() == TOKEN_INVALID
        assert "WWW-Authenticate" not in response.headers


def test_expired_token_is_401_and_a_new_one_works(symbl: Symbl) -> None:
    conversation_id = symbl.processed()
    old = symbl.token
    assert symbl.control("POST", "/tokens/expire").json()["expired"] == 1
    response = symbl.get(f"/v1/conversations/{conversation_id}")
    assert (response.status_code, response.json()) == (401, TOKEN_INVALID)
    symbl._token = None
    assert symbl.token != old
    assert symbl.get(f"/v1/conversations/{conversation_id}").status_code == 200


@pytest.mark.slow
def test_short_ttl_expires_by_itself(base_url: str, symbl: Symbl) -> None:
    symbl.control("POST", "/config", json={"token_ttl_seconds": 1})
    body = symbl.generate_token().json()
    assert body["expiresIn"] == 1
    import time

    time.sleep(1.1)
    response = requests.get(f"{base_url}/v1/job/x", headers={"x-api-key": body["accessToken"]}, timeout=5)
    assert response.status_code == 401
    assert symbl.generate_token().json()["accessToken"] != body["accessToken"]
