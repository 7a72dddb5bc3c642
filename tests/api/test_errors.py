"""The one table from domain exceptions to answers (`connector/api/errors.py`)."""

from __future__ import annotations

import pytest

from connector.api.errors import DOMAIN_ERRORS, translate
from connector.jobs.submit import IdempotencyConflict, RecordFailed, SymblBusy, UnknownConversation
from connector.jobs.urlguard import UrlNotAllowed
from connector.store.base import StoreUnavailable
from connector.symbl.errors import SymblNotFound
from connector.trackers.lock import ManagementBusy
from connector.trackers.service import TrackerExists, TrackerNotFound, UnknownTrackers
from connector.trackers.validation import TrackerTooLarge


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (IdempotencyConflict(), 409, "idempotency_conflict"),
        (RecordFailed("c1", "j1"), 503, "store_unavailable"),
        (UnknownConversation("no such conversation", status=404), 404, "conversation_not_found"),
        (TrackerExists("Competitor"), 409, "tracker_exists"),
        (TrackerNotFound(), 404, "tracker_not_found"),
        (TrackerTooLarge(), 413, "payload_too_large"),
        (TrackerTooLarge(by_symbl=True), 413, "payload_too_large"),
        (UnknownTrackers(["Nope"]), 400, "invalid_request"),
        (UrlNotAllowed("private address", field="target_url"), 400, "callback_url_not_allowed"),
        (StoreUnavailable("down"), 503, "store_unavailable"),
    ],
)
def test_every_domain_error_has_one_answer(exc, status, code):
    answer = translate(exc)
    assert answer is not None and (answer.status, answer.code) == (status, code)
    assert answer.message


def test_symbl_busy_is_one_code_with_one_status_wherever_it_comes_from():
    answers = [translate(SymblBusy()), translate(ManagementBusy())]
    assert {(a.status, a.code, a.headers["Retry-After"]) for a in answers if a} == {(503, "symbl_busy", "10")}


def test_a_field_named_by_the_url_guard_reaches_the_details():
    answer = translate(UrlNotAllowed("private address", field="target_url"))
    assert answer is not None and answer.details == [{"field": "target_url", "message": "private address"}]


def test_a_plain_symbl_404_is_not_a_domain_error():
    assert translate(SymblNotFound("gone", status=404)) is None
    assert SymblNotFound not in DOMAIN_ERRORS
