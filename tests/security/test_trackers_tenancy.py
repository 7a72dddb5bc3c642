"""Saved trackers are per API key: key B cannot list, read, change, delete or prune key A's
trackers, nor use them by name on a submit; both may name a tracker "Competitor". Account-wide
trackers (made in Symbl directly) are managed by admin keys only. ``enable_all_trackers`` means
the caller's own saved trackers, never the whole account's.

Replayed over real HTTP against `connector serve` (gunicorn + gevent, 2 workers: ownership is
recorded in the store, so it holds whichever worker answers)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.conftest import Api
from tests.sandbox.conftest import Symbl
from tests.security.conftest import ADMIN_KEY, Facade

pytestmark = pytest.mark.slow

CALL = (
    "Alice: Thanks for joining. We also talked to Acme last week.\n"
    "Bob: Honestly the enterprise plan is too expensive for us."
)


def call(api: Api, method: str, path: str = "", **kwargs: Any) -> requests.Response:
    return api.session.request(method, f"{api.url}/v1/trackers{path}", headers=api.headers(), timeout=60, **kwargs)


def names(api: Api) -> list[str]:
    response = call(api, "GET")
    assert response.status_code == 200, response.text
    return sorted(t["name"] for t in response.json()["trackers"])


def create(api: Api, name: str, vocabulary: list[str]) -> dict[str, Any]:
    response = call(api, "POST", json={"name": name, "vocabulary": vocabulary})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_keys_trackers_are_its_own(a: Api, b: Api) -> None:
    mine = create(a, "Competitor", ["Acme", "Globex"])
    theirs = create(b, "Competitor", ["Initech"])  # the same name for another key is no conflict
    assert mine["name"] == theirs["name"] == "Competitor" and mine["id"] != theirs["id"]
    assert call(a, "POST", json={"name": "Competitor", "vocabulary": ["Umbrella"]}).status_code == 409

    assert [t["id"] for t in call(b, "GET").json()["trackers"]] == [theirs["id"]]
    assert [t["id"] for t in call(b, "GET", params={"name": "Competitor"}).json()["trackers"]] == [theirs["id"]]
    assert call(a, "GET", f"/{mine['id']}").json() == mine

    unknown = call(b, "GET", "/4000000000000001")
    for method, body in (("GET", None), ("PUT", {"name": "Mine now", "vocabulary": ["x"]}), ("DELETE", None)):
        response = call(b, method, f"/{mine['id']}", json=body)
        assert response.status_code == 404, (method, response.text)
        assert response.content == unknown.content, method
    assert unknown.json()["error"]["code"] == "tracker_not_found"
    assert call(a, "GET", f"/{mine['id']}").json() == mine  # unchanged, still there

    updated = call(b, "PUT", f"/{theirs['id']}", json={"name": "Competitor", "vocabulary": ["Hooli"]})
    assert updated.status_code == 200 and updated.json()["name"] == "Competitor", updated.text
    assert call(a, "DELETE", f"/{mine['id']}").status_code == 200
    assert call(b, "GET", f"/{theirs['id']}").json()["vocabulary"] == ["Hooli"]
    assert call(b, "DELETE", f"/{theirs['id']}").status_code == 200


def test_a_sync_never_touches_another_keys_trackers(a: Api, b: Api) -> None:
    kept = create(a, "Renewal", ["renewal", "contract end"])
    result = call(b, "PUT", json={"trackers": [{"name": "Renewal", "vocabulary": ["renew"]}], "delete_missing": True})
    assert result.status_code == 200, result.text
    body = result.json()
    assert [t["name"] for t in body["created"]] == ["Renewal"] and body["deleted"] == [] and body["updated"] == []

    pruned = call(b, "PUT", json={"trackers": [], "delete_missing": True})
    assert pruned.status_code == 200 and [t["name"] for t in pruned.json()["deleted"]] == ["Renewal"]
    assert names(b) == []
    assert call(a, "GET", f"/{kept['id']}").json() == kept
    assert "Renewal" in names(a)
    assert call(a, "PUT", json={"trackers": [], "delete_missing": True}).status_code == 200
    assert names(a) == []


def test_tracker_names_on_submit_resolve_only_the_callers(a: Api, b: Api) -> None:
    create(a, "Pricing objection", ["too expensive", "discount"])
    refused = b.submit({"transcript": CALL, "tracker_names": ["Pricing objection"], "wait": 0})
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"]["details"] == [
        {"field": "tracker_names", "message": "unknown tracker 'Pricing objection'"}
    ]
    used = a.submit({"transcript": CALL, "tracker_names": ["Pricing objection"], "wait": 30})
    assert used.status_code == 200, used.text
    assert used.json()["tracker_names"] == "Pricing objection"

    create(b, "Acme watch", ["Acme"])  # B's tracker would match A's call
    every = a.submit({"transcript": CALL, "enable_all_trackers": True, "wait": 30})
    assert every.status_code == 200, every.text
    assert every.json()["tracker_names"] == "Pricing objection"  # A's own, not B's
    theirs = b.submit({"transcript": CALL, "enable_all_trackers": True, "wait": 30})
    assert theirs.json()["tracker_names"] == "Acme watch"
    for api in (a, b):
        assert call(api, "PUT", json={"trackers": [], "delete_missing": True}).status_code == 200


def test_account_wide_trackers_belong_to_admin_keys(facade: Facade, a: Api, b: Api) -> None:
    symbl = Symbl(facade.sandbox.url)  # made in Symbl directly, not through the facade by a key
    made = symbl.session.post(
        f"{symbl.url}/v1/manage/tracker",
        headers=symbl.headers(),
        json={"name": "Escalation", "vocabulary": ["manager", "escalate"]},
        timeout=10,
    )
    assert made.status_code == 201, made.text
    account_wide = made.json()["tracker"]
    admin = facade.api(ADMIN_KEY)
    own = create(a, "Escalation", ["supervisor"])

    assert "Escalation" in names(admin)
    assert [t["id"] for t in call(admin, "GET").json()["trackers"]] == [account_wide["id"]]
    assert call(admin, "GET", f"/{own['id']}").status_code == 404  # a key's tracker is its key's alone
    spoof = call(admin, "POST", json={"name": f"{a.get('/v1/me').json()['key_id']}/Escalation", "vocabulary": ["x"]})
    assert spoof.status_code == 400 and spoof.json()["error"]["code"] == "invalid_tracker", spoof.text
    for api in (a, b):
        assert account_wide["id"] not in [t["id"] for t in call(api, "GET").json()["trackers"]]
        assert call(api, "DELETE", f"/{account_wide['id']}").status_code == 404
        assert call(api, "PUT", json={"trackers": [], "delete_missing": True}).status_code == 200
    assert call(admin, "GET", f"/{account_wide['id']}").json()["vocabulary"] == ["manager", "escalate"]
    assert call(admin, "DELETE", f"/{account_wide['id']}").status_code == 200
